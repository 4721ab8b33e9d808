// The GPU thread's side of ./client.ts: runs each request in shared memory as GPU.js kernels in webgpu mode, the same
// plans and write-back as the synchronous GPU.js modes (../gpujs/), awaiting each kernel, then signals the result.
import type { GPU, IKernelRunShortcut } from 'gpu.js';
import { runPlanAsync, type KernelCall } from '../gpujs/dispatch';
import { checkedOutput, kernelFor, planCall, writeBack } from '../gpujs/opCall';
import { State, controlWords, decodeCall, signal, signalText } from './wire';

export interface OpServer {
  /** Runs the request now in shared memory and signals done or failed; never throws. */
  serve(control: SharedArrayBuffer, data: SharedArrayBuffer): Promise<void>;
  destroy(): void;
}

/** gpu: a GPU.js instance in webgpu mode, whose kernels return Promises. */
export function createOpServer(gpu: GPU): OpServer {
  const kernels = new Map<string, IKernelRunShortcut>();
  const run = async (c: KernelCall): Promise<Float32Array> => {
    const kernel = kernelFor(gpu, kernels, c);
    return checkedOutput(kernel, 'webgpu', c, await (kernel(...c.args) as unknown as Promise<unknown>));
  };
  return {
    async serve(control, data) {
      try {
        const { op, argv } = decodeCall(controlWords(control), data);
        const plan = planCall(op, argv);
        if (plan) writeBack(op, argv, await runPlanAsync(plan, run));
        signal(controlWords(control), State.done);
      } catch (e) {
        signalText(control, State.failed, e instanceof Error ? e.message : String(e));
      }
    },
    destroy() {
      for (const kernel of kernels.values()) kernel.destroy();
      kernels.clear();
      void gpu.destroy();
    },
  };
}
