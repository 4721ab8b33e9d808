// The GPU.js backend: every Backend op as a GPU.js kernel, in one of GPU.js's synchronous modes
// (headlessgl: GLSL on a WebGL context; webasm: WebAssembly with SIMD; cpu: generated JavaScript).
//
// Kernels are compiled lazily, one per (op, output length), and reused: GPU.js's dynamicOutput resizes
// wrongly on headlessgl when an output grows past its first texture (results come back short and NaN),
// so sizes that change the output get their own kernel, while dynamicArguments lets one kernel take
// inputs of any length (gemm's k, layer norm's H). Sizes are kernel arguments, never baked-in constants.
// Each op is one dispatch with one readback, except layer norm (statistics, then the rest) and the LSTM and
// GRU forward steps (gates, then state), which take two: see kernels.ts for why splitting pays on webasm.
// Which kernels an op runs is ./gpujs/dispatch.ts; its arguments, checks and write-back are ./gpujs/opCall.ts, from
// ../backendOps.ts. The webgpu mode runs the same plans on a GPU thread: ./gpuThread/.
// Chaining those pairs without the readback in between buys little: the caller needs the intermediate
// (gates, statistics) anyway, so only one upload is saved. webasm's `pipeline: true` returns a plain copy,
// createPipeline always returns a Promise (the synchronous Backend contract cannot take one), and on
// headlessgl scripts/probe-backends.ts found no consistent gain from passing the LSTM gates as a pipeline
// texture: 4.7 vs 5.4 ms read back and re-uploaded in one run, 1.41 vs 1.20 ms in another (machine under
// load), in a mode several times slower than webasm here. Not worth a second code path until a machine
// with a real GPU says otherwise.
import { GPU, type IKernelRunShortcut } from 'gpu.js';
import type { Backend, BackendInfo, DType } from '../backend';
import { implementOps, type OpSpec } from '../backendOps';
import { runPlan, type KernelCall } from './gpujs/dispatch';
import { checkedOutput, kernelFor, planCall, writeBack } from './gpujs/opCall';
import { BackendUnavailableError } from './unavailable';

export { BackendUnavailableError };

/** The GPU.js modes. Which of them work in a process is the host's question: src/runner/backends. */
export type GpuJsMode = 'webgpu' | 'headlessgl' | 'webasm' | 'cpu';
/** The modes this synchronous backend runs; webgpu runs on a GPU thread (./gpuThread/). */
export type GpuJsSyncMode = Exclude<GpuJsMode, 'webgpu'>;

export interface GpuJsBackend extends Backend {
  /** Releases GPU.js's contexts and compiled kernels; the backend must not be used afterwards. */
  destroy(): void;
}

/**
 * A backend on one synchronous GPU.js mode. The caller has checked that the mode can run here (src/runner/backends
 * probes the host); a kernel that GPU.js nevertheless moves to its cpu fallback throws rather than run under a false name.
 */
export function createGpuJsBackend(mode: GpuJsSyncMode, dtype: DType = 'float32'): GpuJsBackend {
  if (dtype !== 'float32') {
    throw new BackendUnavailableError(`gpu.js:${mode}`, `GPU.js computes in float32 only; dtype '${dtype}' needs the reference backend ('reference64')`);
  }
  const gpu = new GPU({ mode });
  const kernels = new Map<string, IKernelRunShortcut>();
  const run = (c: KernelCall): Float32Array => {
    const kernel = kernelFor(gpu, kernels, c);
    return checkedOutput(kernel, mode, c, kernel(...c.args));
  };
  const info: BackendInfo = { name: 'gpu.js', mode, dtype: 'float32' };

  return {
    info,
    ...implementOps((op: OpSpec) => (...argv: unknown[]) => {
      const plan = planCall(op, argv);
      if (plan) writeBack(op, argv, runPlan(plan, run));
    }),

    alloc(n) {
      return new Float32Array(n);
    },

    destroy() {
      for (const kernel of kernels.values()) kernel.destroy();
      kernels.clear();
      void gpu.destroy();
    },
  };
}
