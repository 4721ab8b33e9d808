// The GPU thread's side of ./client.ts: runs each request in shared memory as GPU.js kernels in webgpu mode, the same
// plans and write-back as the synchronous GPU.js modes (../gpujs/), awaiting each kernel, then signals the result.
// A sequence op (a direction's whole forward or backward pass) runs as one GPU.js pipeline (../gpujs/sequence.ts).
import type { GPU, IKernelRunShortcut } from 'gpu.js';
import { SEQUENCE_OPS, type OpSpec } from '../../backendOps';
import { runPlanAsync, type KernelCall } from '../gpujs/dispatch';
import { checkedOutput, kernelFor, planCall, writeBack } from '../gpujs/opCall';
import { SequenceRunner } from '../gpujs/sequence';
import { State, controlWords, decodeCall, signal, signalText } from './wire';

export interface OpServer {
  /** Runs the request now in shared memory and signals done or failed; never throws. */
  serve(control: SharedArrayBuffer, data: SharedArrayBuffer): Promise<void>;
  /** Releases the pipelines, kernels and device; resolves once GPU.js has let go of them all. */
  destroy(): Promise<void>;
}

/** gpu: a GPU.js instance in webgpu mode, whose kernels return Promises. */
export function createOpServer(gpu: GPU): OpServer {
  const kernels = new Map<string, IKernelRunShortcut>();
  const sequences = new SequenceRunner(gpu, kernels);
  const run = async (c: KernelCall): Promise<Float32Array> => {
    const kernel = kernelFor(gpu, kernels, c);
    return checkedOutput(kernel, 'webgpu', c, await (kernel(...c.args) as unknown as Promise<unknown>));
  };
  return {
    async serve(control, data) {
      try {
        const { op, argv } = decodeCall(controlWords(control), data);
        if (op.name in SEQUENCE_OPS) {
          await sequences.run(op, argv);
        } else {
          const plan = planCall(op as OpSpec, argv);
          if (plan) writeBack(op, argv, await runPlanAsync(plan, run));
        }
        signal(controlWords(control), State.done);
      } catch (e) {
        signalText(control, State.failed, e instanceof Error ? e.message : String(e));
      }
    },
    // GPU.js's own teardown releases the pipelines (after any call in flight) and then the kernels; a buffer
    // released later, from a pipeline's queued release, could reach Dawn after the thread has let go of it, so the
    // releases of evicted pipelines are awaited first.
    async destroy() {
      kernels.clear();
      await sequences.clear();
      await gpu.destroy();
    },
  };
}
