// The GPU.js backend: every Backend op as a GPU.js kernel, in one of GPU.js's synchronous modes
// (headlessgl: GLSL on a WebGL context; webasm: WebAssembly with SIMD; cpu: generated JavaScript).
//
// Kernels are compiled lazily, one per (op, output length), and reused: GPU.js's dynamicOutput resizes
// wrongly on headlessgl when an output grows past its first texture (results come back short and NaN),
// so sizes that change the output get their own kernel, while dynamicArguments lets one kernel take
// inputs of any length (gemm's k, layer norm's H). Sizes are kernel arguments, never baked-in constants.
// Each op is one dispatch with one readback, except layer norm (statistics, then the rest) and the LSTM and
// GRU forward steps (gates, then state), which take two: see kernels.ts for why splitting pays on webasm.
// Chaining those pairs without the readback in between buys little: the caller needs the intermediate
// (gates, statistics) anyway, so only one upload is saved. webasm's `pipeline: true` returns a plain copy,
// createPipeline always returns a Promise (the synchronous Backend contract cannot take one), and on
// headlessgl scripts/probe-backends.ts found no consistent gain from passing the LSTM gates as a pipeline
// texture: 4.7 vs 5.4 ms read back and re-uploaded in one run, 1.41 vs 1.20 ms in another (machine under
// load), in a mode several times slower than webasm here. Not worth a second code path until a machine
// with a real GPU says otherwise.
import { GPU, type IKernelRunShortcut } from 'gpu.js';
import type { Activation, Backend, BackendInfo, Buf, DType } from '../backend';
import * as K from './gpujs/kernels';
import { BackendUnavailableError } from './unavailable';

export { BackendUnavailableError };

/** The GPU.js modes this backend runs. Which of them work in a process is the host's question: src/runner/backends. */
export type GpuJsMode = 'webgpu' | 'headlessgl' | 'webasm' | 'cpu';

/** GLSL loops need a compile-time bound; GPU.js breaks out early at the real (argument) bound. */
const LOOP_MAX = 1 << 20;
/** Kernels index in float32 arithmetic (GLSL floats, webasm f32), which is exact only up to 2^24. */
const MAX_INDEX = 1 << 24;

export interface GpuJsBackend extends Backend {
  /** Releases GPU.js's contexts and compiled kernels; the backend must not be used afterwards. */
  destroy(): void;
}

type KernelArg = Float32Array | number;

/** An argument of `op` as the Float32Array a kernel reads, after checking its dtype and length. */
function arg(op: string, name: string, buf: Buf, n: number): Float32Array {
  if (!(buf instanceof Float32Array)) {
    throw new TypeError(`gpu.js ${op}: ${name} must be a Float32Array (this backend's dtype is float32), got ${buf.constructor.name}`);
  }
  if (buf.length < n) throw new RangeError(`gpu.js ${op}: ${name} has ${buf.length} values, needs ${n}`);
  return buf;
}

function sizes(op: string, named: Record<string, number>): void {
  for (const [name, v] of Object.entries(named)) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`gpu.js ${op}: ${name} must be a non-negative integer, got ${v}`);
  }
}

/** Copies `rows` rows of `width` values from a packed segment into a strided destination. */
function copyRows(src: Float32Array, srcOffset: number, dst: Buf, rows: number, width: number, dstStride: number, dstOffset: number): void {
  for (let r = 0; r < rows; r++) {
    const s = srcOffset + r * width;
    dst.set(src.subarray(s, s + width), r * dstStride + dstOffset);
  }
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

  // The placeholder GPU.js uploads when an op has no mask (a kernel argument cannot be null).
  const noMask = new Float32Array(1);

  function run(name: string, source: string, outputLength: number, args: KernelArg[]): Float32Array {
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

  function maskArgs(op: string, mask: Float32Array | null, B: number): [Float32Array, number] {
    return mask === null ? [noMask, 0] : [arg(op, 'mask', mask, B), 1];
  }

  const info: BackendInfo = { name: 'gpu.js', mode, dtype: 'float32' };

  return {
    info,

    alloc(n) {
      return new Float32Array(n);
    },

    destroy() {
      for (const kernel of kernels.values()) kernel.destroy();
      kernels.clear();
      void gpu.destroy();
    },

    gemm(transA, transB, m, n, k, a, b, c, accumulate) {
      const op = 'gemm';
      sizes(op, { m, n, k });
      const A = arg(op, 'a', a, m * k), Bm = arg(op, 'b', b, k * n);
      arg(op, 'c', c, m * n);
      if (m * n === 0) return;
      if (k === 0) {
        if (!accumulate) c.fill(0, 0, m * n);
        return;
      }
      if (k > LOOP_MAX) throw new RangeError(`gpu.js gemm: inner dimension ${k} exceeds the kernel loop bound ${LOOP_MAX}`);
      const out = run(`gemm${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`, K.gemmSource(transA, transB), m * n, [A, Bm, m, n, k]);
      if (accumulate) {
        for (let i = 0; i < m * n; i++) c[i] += out[i];
      } else {
        c.set(out);
      }
    },

    addRowVector(x, rows, n, v) {
      const op = 'addRowVector';
      sizes(op, { rows, n });
      const X = arg(op, 'x', x, rows * n), V = arg(op, 'v', v, n);
      if (rows * n === 0) return;
      x.set(run(op, K.addRowVectorSource, rows * n, [X, V, n]));
    },

    sumRows(x, rows, n, out) {
      const op = 'sumRows';
      sizes(op, { rows, n });
      const X = arg(op, 'x', x, rows * n);
      arg(op, 'out', out, n);
      if (rows * n === 0) return;
      const sums = run(op, K.sumRowsSource, n, [X, rows, n]);
      for (let j = 0; j < n; j++) out[j] += sums[j];
    },

    layerNormForward(rows, groups, H, x, gamma, beta, y, mean, rstd) {
      const op = 'layerNormForward';
      sizes(op, { rows, groups, H });
      const GH = groups * H, count = rows * groups;
      const X = arg(op, 'x', x, rows * GH), Gm = arg(op, 'gamma', gamma, GH), Bt = arg(op, 'beta', beta, GH);
      arg(op, 'y', y, rows * GH);
      arg(op, 'mean', mean, count);
      arg(op, 'rstd', rstd, count);
      if (count * H === 0) return;
      const stats = run('lnStats', K.layerNormStatsSource, 2 * count, [X, H]);
      y.set(run('lnApply', K.layerNormApplySource, rows * GH, [X, stats, Gm, Bt, H, GH]));
      for (let g = 0; g < count; g++) {
        mean[g] = stats[2 * g];
        rstd[g] = stats[2 * g + 1];
      }
    },

    layerNormBackward(rows, groups, H, dy, x, mean, rstd, gamma, dx, dgamma, dbeta) {
      const op = 'layerNormBackward';
      sizes(op, { rows, groups, H });
      const GH = groups * H, count = rows * groups;
      const DY = arg(op, 'dy', dy, rows * GH), X = arg(op, 'x', x, rows * GH), Gm = arg(op, 'gamma', gamma, GH);
      arg(op, 'mean', mean, count);
      arg(op, 'rstd', rstd, count);
      arg(op, 'dx', dx, rows * GH);
      arg(op, 'dgamma', dgamma, GH);
      arg(op, 'dbeta', dbeta, GH);
      if (count * H === 0) return;
      const stats = new Float32Array(2 * count);
      for (let g = 0; g < count; g++) {
        stats[2 * g] = mean[g];
        stats[2 * g + 1] = rstd[g];
      }
      const bstats = run('lnBackStats', K.layerNormBackStatsSource, 2 * count, [DY, X, stats, Gm, H, GH]);
      const out = run('lnBackApply', K.layerNormBackApplySource, rows * GH + 2 * GH, [DY, X, stats, bstats, Gm, H, GH, rows]);
      dx.set(out.subarray(0, rows * GH));
      for (let j = 0; j < GH; j++) {
        dgamma[j] += out[rows * GH + j];
        dbeta[j] += out[rows * GH + GH + j];
      }
    },

    rnnForward(act: Activation, B, H, xg, hg, hPrev, mask, h) {
      const op = 'rnnForward';
      sizes(op, { B, H });
      const BH = B * H;
      const args = [arg(op, 'xg', xg, BH), arg(op, 'hg', hg, BH), arg(op, 'hPrev', hPrev, BH), ...maskArgs(op, mask, B)];
      arg(op, 'h', h, BH);
      if (BH === 0) return;
      h.set(run(op, K.rnnForwardSource, BH, [...args, act === 'relu' ? 1 : 0, H]));
    },

    rnnBackward(act, B, H, h, dh, mask, dpre, dhPrev) {
      const op = 'rnnBackward';
      sizes(op, { B, H });
      const BH = B * H;
      const args = [arg(op, 'h', h, BH), arg(op, 'dh', dh, BH), ...maskArgs(op, mask, B)];
      arg(op, 'dpre', dpre, BH);
      arg(op, 'dhPrev', dhPrev, BH);
      if (BH === 0) return;
      const out = run(op, K.rnnBackwardSource, 2 * BH, [...args, act === 'relu' ? 1 : 0, H, BH]);
      dpre.set(out.subarray(0, BH));
      dhPrev.set(out.subarray(BH));
    },

    lstmForward(B, H, xg, hg, hPrev, cPrev, mask, gates, c, h) {
      const op = 'lstmForward';
      sizes(op, { B, H });
      const BH = B * H;
      const XG = arg(op, 'xg', xg, 4 * BH), HG = arg(op, 'hg', hg, 4 * BH);
      const rest = [arg(op, 'hPrev', hPrev, BH), arg(op, 'cPrev', cPrev, BH), ...maskArgs(op, mask, B)];
      arg(op, 'gates', gates, 4 * BH);
      arg(op, 'c', c, BH);
      arg(op, 'h', h, BH);
      if (BH === 0) return;
      const act = run('lstmGates', K.lstmGatesSource, 4 * BH, [XG, HG, H]);
      const state = run('lstmState', K.lstmStateSource, 2 * BH, [act, ...rest, H, B]);
      gates.set(act);
      c.set(state.subarray(0, BH));
      h.set(state.subarray(BH));
    },

    lstmBackward(B, H, gates, cPrev, c, dh, dc, mask, dpre, dhPrev) {
      const op = 'lstmBackward';
      sizes(op, { B, H });
      const BH = B * H;
      const args = [arg(op, 'gates', gates, 4 * BH), arg(op, 'cPrev', cPrev, BH), arg(op, 'c', c, BH), arg(op, 'dh', dh, BH),
        arg(op, 'dc', dc, BH), ...maskArgs(op, mask, B)];
      arg(op, 'dpre', dpre, 4 * BH);
      arg(op, 'dhPrev', dhPrev, BH);
      if (BH === 0) return;
      const out = run(op, K.lstmBackwardSource, 6 * BH, [...args, H, B]);
      dpre.set(out.subarray(0, 4 * BH));
      dc.set(out.subarray(4 * BH, 5 * BH));
      dhPrev.set(out.subarray(5 * BH));
    },

    gruForward(B, H, xg, hg, hPrev, mask, gates, h) {
      const op = 'gruForward';
      sizes(op, { B, H });
      const BH = B * H;
      const XG = arg(op, 'xg', xg, 3 * BH), HG = arg(op, 'hg', hg, 3 * BH);
      const rest = [arg(op, 'hPrev', hPrev, BH), ...maskArgs(op, mask, B)];
      arg(op, 'gates', gates, 3 * BH);
      arg(op, 'h', h, BH);
      if (BH === 0) return;
      const act = run('gruGates', K.gruGatesSource, 3 * BH, [XG, HG, H]);
      h.set(run('gruState', K.gruStateSource, BH, [act, ...rest, H]));
      gates.set(act);
    },

    gruBackward(B, H, gates, hg, hPrev, dh, mask, dxg, dhg, dhPrev) {
      const op = 'gruBackward';
      sizes(op, { B, H });
      const BH = B * H;
      const args = [arg(op, 'gates', gates, 3 * BH), arg(op, 'hg', hg, 3 * BH), arg(op, 'hPrev', hPrev, BH), arg(op, 'dh', dh, BH),
        ...maskArgs(op, mask, B)];
      arg(op, 'dxg', dxg, 3 * BH);
      arg(op, 'dhg', dhg, 3 * BH);
      arg(op, 'dhPrev', dhPrev, BH);
      if (BH === 0) return;
      const out = run(op, K.gruBackwardSource, 7 * BH, [...args, H, B]);
      dxg.set(out.subarray(0, 3 * BH));
      dhg.set(out.subarray(3 * BH, 6 * BH));
      dhPrev.set(out.subarray(6 * BH));
    },

    gruResetBeforeGatesForward(B, H, xg, hgRZ, hPrev, gates, rh) {
      const op = 'gruResetBeforeGatesForward';
      sizes(op, { B, H });
      const BH = B * H;
      const args = [arg(op, 'xg', xg, 3 * BH), arg(op, 'hgRZ', hgRZ, 2 * BH), arg(op, 'hPrev', hPrev, BH)];
      arg(op, 'gates', gates, 3 * BH);
      arg(op, 'rh', rh, BH);
      if (BH === 0) return;
      const out = run(op, K.gruResetBeforeGatesForwardSource, 3 * BH, [...args, H, B]);
      copyRows(out, 0, gates, B, 2 * H, 3 * H, 0);
      rh.set(out.subarray(2 * BH));
    },

    gruResetBeforeOutputForward(B, H, xg, hgN, hPrev, mask, gates, h) {
      const op = 'gruResetBeforeOutputForward';
      sizes(op, { B, H });
      const BH = B * H;
      const args = [arg(op, 'xg', xg, 3 * BH), arg(op, 'hgN', hgN, BH), arg(op, 'hPrev', hPrev, BH), arg(op, 'gates', gates, 3 * BH),
        ...maskArgs(op, mask, B)];
      arg(op, 'h', h, BH);
      if (BH === 0) return;
      const out = run(op, K.gruResetBeforeOutputForwardSource, 2 * BH, [...args, H, B]);
      copyRows(out, 0, gates, B, H, 3 * H, 2 * H);
      h.set(out.subarray(BH));
    },

    gruResetBeforeOutputBackward(B, H, gates, hPrev, dh, mask, dxg, dhgN, dz, dhPrev) {
      const op = 'gruResetBeforeOutputBackward';
      sizes(op, { B, H });
      const BH = B * H;
      const args = [arg(op, 'gates', gates, 3 * BH), arg(op, 'hPrev', hPrev, BH), arg(op, 'dh', dh, BH), ...maskArgs(op, mask, B)];
      arg(op, 'dxg', dxg, 3 * BH);
      arg(op, 'dhgN', dhgN, BH);
      arg(op, 'dz', dz, BH);
      arg(op, 'dhPrev', dhPrev, BH);
      if (BH === 0) return;
      const out = run(op, K.gruResetBeforeOutputBackwardSource, 3 * BH, [...args, H, B]);
      copyRows(out, 0, dxg, B, H, 3 * H, 2 * H);
      dhgN.set(out.subarray(0, BH));
      dz.set(out.subarray(BH, 2 * BH));
      dhPrev.set(out.subarray(2 * BH));
    },

    gruResetBeforeGatesBackward(B, H, gates, hPrev, drh, dz, dxg, dhgRZ, dhPrev) {
      const op = 'gruResetBeforeGatesBackward';
      sizes(op, { B, H });
      const BH = B * H;
      const args = [arg(op, 'gates', gates, 3 * BH), arg(op, 'hPrev', hPrev, BH), arg(op, 'drh', drh, BH), arg(op, 'dz', dz, BH)];
      arg(op, 'dxg', dxg, 3 * BH);
      arg(op, 'dhgRZ', dhgRZ, 2 * BH);
      arg(op, 'dhPrev', dhPrev, BH);
      if (BH === 0) return;
      const out = run(op, K.gruResetBeforeGatesBackwardSource, 3 * BH, [...args, H, B]);
      copyRows(out, 0, dxg, B, 2 * H, 3 * H, 0);
      dhgRZ.set(out.subarray(0, 2 * BH));
      for (let i = 0; i < BH; i++) dhPrev[i] += out[2 * BH + i];
    },
  };
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as Float32Array).length})`;
  return typeof value === 'object' ? value.constructor.name : typeof value;
}
