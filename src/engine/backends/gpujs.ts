// The GPU.js backend: every Backend op as a GPU.js kernel, in one of GPU.js's synchronous modes
// (headlessgl: GLSL on a WebGL context; webasm: WebAssembly with SIMD; cpu: generated JavaScript).
//
// Kernels are compiled lazily, one per (op, output length), and reused: GPU.js's dynamicOutput resizes
// wrongly on headlessgl when an output grows past its first texture (results come back short and NaN),
// so sizes that change the output get their own kernel, while dynamicArguments lets one kernel take
// inputs of any length (gemm's k, layer norm's H). Sizes are kernel arguments, never baked-in constants.
// Each op is one dispatch with one readback, except layer norm (statistics, then the rest) and the LSTM and
// GRU forward steps (gates, then state), which take two: see kernels.ts for why splitting pays on webasm.
// Which kernels an op runs is ./gpujs/dispatch.ts; its arguments, checks and write-back come from ../backendOps.ts.
// Chaining those pairs without the readback in between buys little: the caller needs the intermediate
// (gates, statistics) anyway, so only one upload is saved. webasm's `pipeline: true` returns a plain copy,
// createPipeline always returns a Promise (the synchronous Backend contract cannot take one), and on
// headlessgl scripts/probe-backends.ts found no consistent gain from passing the LSTM gates as a pipeline
// texture: 4.7 vs 5.4 ms read back and re-uploaded in one run, 1.41 vs 1.20 ms in another (machine under
// load), in a mode several times slower than webasm here. Not worth a second code path until a machine
// with a real GPU says otherwise.
import { GPU, type IKernelRunShortcut } from 'gpu.js';
import type { Backend, BackendInfo, Buf, DType } from '../backend';
import { checkArgs, implementOps, roleIn, sizeAt, writtenLength, type OpSpec } from '../backendOps';
import { DISPATCH, LOOP_MAX, type KernelArg, type RunKernel } from './gpujs/dispatch';
import { BackendUnavailableError } from './unavailable';

export { BackendUnavailableError };

/** The GPU.js modes this backend runs. Which of them work in a process is the host's question: src/runner/backends. */
export type GpuJsMode = 'webgpu' | 'headlessgl' | 'webasm' | 'cpu';

/** Kernels index in float32 arithmetic (GLSL floats, webasm f32), which is exact only up to 2^24. */
const MAX_INDEX = 1 << 24;
/** The placeholder GPU.js uploads when an op has no mask (a kernel argument cannot be null). */
const NO_MASK = new Float32Array(1);

export interface GpuJsBackend extends Backend {
  /** Releases GPU.js's contexts and compiled kernels; the backend must not be used afterwards. */
  destroy(): void;
}

/** Why GPU.js's webgpu mode cannot serve this backend, whatever the host: a fact of GPU.js, not of the machine. */
export const WEBGPU_SYNC_REASON = 'GPU.js runs webgpu kernels only asynchronously (every call returns a Promise, because WebGPU '
  + "has no synchronous readback), and SeqLab's Backend interface is synchronous";

/**
 * A backend on one GPU.js mode. The caller has checked that the mode can run here (src/runner/backends probes the
 * host); a kernel that GPU.js nevertheless moves to its cpu fallback throws rather than run under a false name.
 */
export function createGpuJsBackend(mode: GpuJsMode, dtype: DType = 'float32'): GpuJsBackend {
  if (dtype !== 'float32') {
    throw new BackendUnavailableError(`gpu.js:${mode}`, `GPU.js computes in float32 only; dtype '${dtype}' needs the reference backend ('reference64')`);
  }
  if (mode === 'webgpu') throw new BackendUnavailableError('gpu.js:webgpu', `GPU.js mode 'webgpu' is unavailable: ${WEBGPU_SYNC_REASON}`);
  const gpu = new GPU({ mode });
  const kernels = new Map<string, IKernelRunShortcut>();
  const run: RunKernel = (name, source, outputLength, args) => runKernel(gpu, kernels, mode, name, source, outputLength, args);
  const info: BackendInfo = { name: 'gpu.js', mode, dtype: 'float32' };

  return {
    info,
    ...implementOps((op) => (...argv: unknown[]) => callOp(op, argv, run)),

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

/** Runs kernel `name`, compiled once per output length (see the top of this file for why not dynamicOutput). */
function runKernel(gpu: GPU, kernels: Map<string, IKernelRunShortcut>, mode: GpuJsMode,
  name: string, source: string, outputLength: number, args: KernelArg[]): Float32Array {
  for (const a of [outputLength, ...args.map((x) => (typeof x === 'number' ? 0 : x.length))]) {
    if (a > MAX_INDEX) {
      throw new RangeError(`gpu.js ${name}: ${a} values exceed 2^24, the largest index float32 kernel arithmetic addresses exactly`);
    }
  }
  const key = `${name}:${outputLength}`;
  let kernel = kernels.get(key);
  if (!kernel) {
    kernel = gpu.createKernel(source, {
      output: [outputLength],
      precision: 'single',
      dynamicArguments: true,
      tactic: 'precision',
    }).setLoopMaxIterations(LOOP_MAX);
    kernels.set(key, kernel);
  }
  const out = kernel(...args) as unknown;
  // A kernel GPU.js silently moved to its cpu backend would make `info.mode` a lie.
  const fallback = kernel.kernel.fallbackReason;
  if (fallback) throw new Error(`gpu.js backend: kernel ${name} fell back from ${mode} to cpu: ${fallback}`);
  if (!(out instanceof Float32Array) || out.length !== outputLength) {
    throw new Error(`gpu.js backend: kernel ${name} returned ${describe(out)} instead of ${outputLength} float32 values`);
  }
  return out;
}

/** One op: checked against the table, run unless a size makes it empty, its results written back by role. */
function callOp(op: OpSpec, argv: unknown[], run: RunKernel): void {
  checkArgs('gpu.js', op, argv, true);
  if (op.sizes.some((i) => argv[i] === 0 && !op.args[i].emptySum)) return;
  const inputs: KernelArg[] = [];
  const sizes: number[] = [];
  const options: number[] = [];
  op.args.forEach((a, i) => {
    const v = argv[i];
    if (a.kind === 'size') sizes.push(v as number);
    else if (a.kind === 'flag') options.push(v ? 1 : 0);
    else if (a.kind === 'choice') options.push(a.values.indexOf(v as never));
    else if (a.kind === 'mask') inputs.push(v === null ? NO_MASK : (v as Float32Array), v === null ? 0 : 1);
    else if (a.kind === 'counts') inputs.push(v === null ? NO_MASK : Float32Array.from(v as Int32Array), v === null ? 0 : 1);
    else if (a.role === 'in' || a.role === 'inout') inputs.push(v as Float32Array);
  });
  const plan = DISPATCH[op.name];
  const scalars = [...sizes, ...options];
  const written = op.args.reduce((n, a, i) => (a.kind === 'buf' && a.role !== 'in' ? n + writtenLength(op, argv, i) : n), 0);
  const out = typeof plan === 'string' ? run(op.name, plan, written, [...inputs, ...scalars]) : plan(run, inputs, scalars);
  if (out) writeBack(op, argv, out);
}

/** Copies (or, for accumulators, adds) each written segment into its buffer; partly written buffers by block. */
function writeBack(op: OpSpec, argv: unknown[], out: Float32Array | Float32Array[]): void {
  let offset = 0;
  let w = 0;
  op.args.forEach((a, i) => {
    if (a.kind !== 'buf' || a.role === 'in') return;
    const n = writtenLength(op, argv, i);
    const seg = Array.isArray(out) ? out[w++] : out.subarray(offset, offset + n);
    offset += n;
    const dst = argv[i] as Buf;
    if (a.blocks) {
      const B = sizeAt(op, argv, 0), H = sizeAt(op, argv, 1);
      const width = (a.blocks.to - a.blocks.from) * H;
      for (let r = 0; r < B; r++) dst.set(seg.subarray(r * width, (r + 1) * width), r * a.blocks.of * H + a.blocks.from * H);
    } else if (roleIn(op, argv, i) === 'acc') {
      for (let j = 0; j < n; j++) dst[j] += seg[j];
    } else {
      dst.set(seg);
    }
  });
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as Float32Array).length})`;
  return typeof value === 'object' ? value.constructor.name : typeof value;
}
