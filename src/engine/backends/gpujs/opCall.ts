// One Backend op on GPU.js, in any mode: its arguments checked against ../../backendOps.ts and turned into a kernel
// plan (./dispatch.ts), kernels compiled once per (name, output length) and checked, and the plan's outputs written
// back into the caller's buffers by role. The synchronous backend (../gpujs.ts) and the GPU thread
// (../gpuThread/server.ts) differ only in how they wait for a kernel.
import type { GPU, IKernelRunShortcut } from 'gpu.js';
import type { Buf } from '../../backend';
import { checkArgs, roleIn, sizeAt, writtenLength, type AnyOpSpec, type OpSpec } from '../../backendOps';
import { LOOP_MAX, planOp, type KernelArg, type KernelCall, type OpResult, type Plan } from './dispatch';

/** Kernels index in float32 arithmetic (GLSL floats, webasm f32), which is exact only up to 2^24. */
const MAX_INDEX = 1 << 24;
/** The placeholder GPU.js uploads when an op has no mask (a kernel argument cannot be null). */
const NO_MASK = new Float32Array(1);

/** The op's kernel plan, or null when a size makes it empty (it writes nothing). Throws on invalid arguments. */
export function planCall(op: OpSpec, argv: unknown[]): Plan | null {
  checkArgs('gpu.js', op, argv, true);
  if (op.sizes.some((i) => argv[i] === 0 && !op.args[i].emptySum)) return null;
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
  const written = op.args.reduce((n, a, i) => (a.kind === 'buf' && a.role !== 'in' ? n + writtenLength(op, argv, i) : n), 0);
  return planOp(op.name, inputs, [...sizes, ...options], written);
}

/** Throws for a buffer (by its length) that kernels could not index exactly. */
export function checkIndexable(what: string, lengths: readonly number[]): void {
  for (const a of lengths) {
    if (a > MAX_INDEX) throw new RangeError(`gpu.js ${what}: ${a} values exceed 2^24, the largest index float32 kernel arithmetic addresses exactly`);
  }
}

/**
 * The compiled kernel for a call, compiled on first use and kept in `kernels`: one per output length, because
 * GPU.js's dynamicOutput resizes wrongly on headlessgl when an output grows past its first texture.
 */
export function kernelFor(gpu: GPU, kernels: Map<string, IKernelRunShortcut>, c: KernelCall): IKernelRunShortcut {
  checkIndexable(c.name, [c.outputLength, ...c.args.map((x) => (typeof x === 'number' ? 0 : x.length))]);
  const key = `${c.name}:${c.outputLength}`;
  let kernel = kernels.get(key);
  if (!kernel) {
    kernel = gpu.createKernel(c.source, {
      output: [c.outputLength],
      precision: 'single',
      dynamicArguments: true,
      tactic: 'precision',
    }).setLoopMaxIterations(LOOP_MAX);
    kernels.set(key, kernel);
  }
  return kernel;
}

/** The kernel's output, after checking it ran in `mode` (a silent cpu fallback would make `info.mode` a lie) and its length. */
export function checkedOutput(kernel: IKernelRunShortcut, mode: string, c: KernelCall, out: unknown): Float32Array {
  const fallback = kernel.kernel.fallbackReason;
  if (fallback) throw new Error(`gpu.js backend: kernel ${c.name} fell back from ${mode} to cpu: ${fallback}`);
  if (!(out instanceof Float32Array) || out.length !== c.outputLength) {
    throw new Error(`gpu.js backend: kernel ${c.name} returned ${describe(out)} instead of ${c.outputLength} float32 values`);
  }
  return out;
}

/** Copies (or, for accumulators, adds) each written segment into its buffer; partly written buffers by block. */
export function writeBack(op: AnyOpSpec, argv: unknown[], out: OpResult): void {
  if (!out) return;
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
