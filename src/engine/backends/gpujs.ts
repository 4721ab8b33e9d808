// The GPU.js backend: every Backend op as a GPU.js kernel, in one of GPU.js's synchronous modes
// (headlessgl: GLSL on a WebGL context; webasm: WebAssembly with SIMD; cpu: generated JavaScript).
//
// Kernels are compiled lazily, one per (op, output length), and reused: GPU.js's dynamicOutput resizes
// wrongly on headlessgl when an output grows past its first texture (results come back short and NaN),
// so sizes that change the output get their own kernel, while dynamicArguments lets one kernel take
// inputs of any length (gemm's k, layer norm's H). Sizes are kernel arguments, never baked-in constants.
// Each op is one dispatch with one readback, except layer norm (statistics, then the rest) and the LSTM and
// GRU forward steps (gates, then state), which take two: see kernels.ts for why splitting pays on webasm.
// Chaining those pairs without the readback in between (pipeline: true, createPipeline) buys nothing here:
// the caller needs the intermediate (gates, statistics) anyway, webasm's pipeline mode returns a plain
// copy, and createPipeline always returns a Promise, which the synchronous Backend contract cannot take.
import { GPU, type IKernelRunShortcut } from 'gpu.js';
import type { Activation, Backend, BackendInfo, Buf, DType } from '../backend';
import {
  AUTO_ORDER, BackendUnavailableError, probeGpuJsMode, unavailableError,
  type ConcreteGpuJsMode, type GpuJsMode,
} from './gpujs/availability';
import * as K from './gpujs/kernels';

export { BackendUnavailableError, probeGpuJsMode, type GpuJsMode, type ConcreteGpuJsMode } from './gpujs/availability';

/** GLSL loops need a compile-time bound; GPU.js breaks out early at the real (argument) bound. */
const LOOP_MAX = 1 << 20;

export interface GpuJsBackend extends Backend {
  /** Releases GPU.js's contexts and compiled kernels; the backend must not be used afterwards. */
  destroy(): void;
}

type KernelArg = Float32Array | number;

function f32(buf: Buf, what: string): Float32Array {
  if (!(buf instanceof Float32Array)) {
    throw new TypeError(`gpu.js backend: ${what} must be a Float32Array (this backend's dtype is float32), got ${buf.constructor.name}`);
  }
  return buf;
}

function checkLength(buf: Buf, n: number, what: string): void {
  if (buf.length < n) throw new RangeError(`gpu.js backend: ${what} has ${buf.length} values, needs ${n}`);
}

/** Copies `rows` rows of `width` values from a packed segment into a strided destination. */
function copyRows(src: Float32Array, srcOffset: number, dst: Buf, rows: number, width: number, dstStride: number, dstOffset: number): void {
  for (let r = 0; r < rows; r++) {
    const s = srcOffset + r * width;
    dst.set(src.subarray(s, s + width), r * dstStride + dstOffset);
  }
}

function pickMode(requested: GpuJsMode): ConcreteGpuJsMode {
  if (requested !== 'auto') {
    const probe = probeGpuJsMode(requested);
    if (probe.reason !== null) throw unavailableError(requested, probe.reason);
    return requested;
  }
  for (const mode of AUTO_ORDER) if (probeGpuJsMode(mode).available) return mode;
  throw unavailableError('auto', 'no GPU.js mode works in this process');
}

export function createGpuJsBackend(mode: GpuJsMode, dtype: DType = 'float32'): GpuJsBackend {
  if (dtype !== 'float32') {
    throw new BackendUnavailableError(`gpu.js:${mode}`, `GPU.js computes in float32 only; dtype '${dtype}' needs the reference backend ('reference64')`);
  }
  const chosen = pickMode(mode);
  const gpu = new GPU({ mode: chosen });
  const kernels = new Map<string, IKernelRunShortcut>();

  // The placeholder GPU.js uploads when an op has no mask (a kernel argument cannot be null).
  const noMask = new Float32Array(1);

  function run(name: string, source: string, outputLength: number, args: KernelArg[]): Float32Array {
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
    if (fallback) throw new Error(`gpu.js backend: kernel ${name} fell back from ${chosen} to cpu: ${fallback}`);
    if (!(out instanceof Float32Array) || out.length !== outputLength) {
      throw new Error(`gpu.js backend: kernel ${name} returned ${describe(out)} instead of ${outputLength} float32 values`);
    }
    return out;
  }

  function maskArgs(mask: Float32Array | null, B: number): [Float32Array, number] {
    if (mask === null) return [noMask, 0];
    checkLength(mask, B, 'mask');
    return [f32(mask, 'mask'), 1];
  }

  const info: BackendInfo = { name: 'gpu.js', mode: chosen, dtype: 'float32' };

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
      checkLength(a, m * k, 'gemm A');
      checkLength(b, k * n, 'gemm B');
      checkLength(c, m * n, 'gemm C');
      if (m * n === 0) return;
      if (k === 0) {
        if (!accumulate) c.fill(0, 0, m * n);
        return;
      }
      if (k > LOOP_MAX) throw new RangeError(`gpu.js backend: gemm inner dimension ${k} exceeds the kernel loop bound ${LOOP_MAX}`);
      const name = `gemm${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`;
      const out = run(name, K.gemmSource(transA, transB), m * n, [f32(a, 'gemm A'), f32(b, 'gemm B'), m, n, k]);
      if (accumulate) {
        for (let i = 0; i < m * n; i++) c[i] += out[i];
      } else {
        c.set(out);
      }
    },

    addRowVector(x, rows, n, v) {
      checkLength(x, rows * n, 'addRowVector x');
      checkLength(v, n, 'addRowVector v');
      if (rows * n === 0) return;
      x.set(run('addRowVector', K.addRowVectorSource, rows * n, [f32(x, 'addRowVector x'), f32(v, 'addRowVector v'), n]));
    },

    sumRows(x, rows, n, out) {
      checkLength(x, rows * n, 'sumRows x');
      checkLength(out, n, 'sumRows out');
      if (rows * n === 0) return;
      const sums = run('sumRows', K.sumRowsSource, n, [f32(x, 'sumRows x'), rows, n]);
      for (let j = 0; j < n; j++) out[j] += sums[j];
    },

    layerNormForward(rows, groups, H, x, gamma, beta, y, mean, rstd) {
      const GH = groups * H;
      const count = rows * groups;
      checkLength(x, rows * GH, 'layerNormForward x');
      if (count * H === 0) return;
      const stats = run('lnStats', K.layerNormStatsSource, 2 * count, [f32(x, 'layerNormForward x'), H]);
      const out = run('lnApply', K.layerNormApplySource, rows * GH,
        [f32(x, 'layerNormForward x'), stats, f32(gamma, 'gamma'), f32(beta, 'beta'), H, GH]);
      y.set(out);
      for (let g = 0; g < count; g++) {
        mean[g] = stats[2 * g];
        rstd[g] = stats[2 * g + 1];
      }
    },

    layerNormBackward(rows, groups, H, dy, x, mean, rstd, gamma, dx, dgamma, dbeta) {
      const GH = groups * H;
      const count = rows * groups;
      checkLength(dy, rows * GH, 'layerNormBackward dy');
      if (count * H === 0) return;
      const stats = new Float32Array(2 * count);
      for (let g = 0; g < count; g++) {
        stats[2 * g] = mean[g];
        stats[2 * g + 1] = rstd[g];
      }
      const dyf = f32(dy, 'layerNormBackward dy');
      const xf = f32(x, 'layerNormBackward x');
      const gammaf = f32(gamma, 'gamma');
      const bstats = run('lnBackStats', K.layerNormBackStatsSource, 2 * count, [dyf, xf, stats, gammaf, H, GH]);
      const out = run('lnBackApply', K.layerNormBackApplySource, rows * GH + 2 * GH, [dyf, xf, stats, bstats, gammaf, H, GH, rows]);
      dx.set(out.subarray(0, rows * GH));
      for (let j = 0; j < GH; j++) {
        dgamma[j] += out[rows * GH + j];
        dbeta[j] += out[rows * GH + GH + j];
      }
    },

    rnnForward(act: Activation, B, H, xg, hg, hPrev, mask, h) {
      const BH = B * H;
      if (BH === 0) return;
      const out = run('rnnForward', K.rnnForwardSource, BH,
        [f32(xg, 'xg'), f32(hg, 'hg'), f32(hPrev, 'hPrev'), ...maskArgs(mask, B), act === 'relu' ? 1 : 0, H]);
      h.set(out);
    },

    rnnBackward(act, B, H, h, dh, mask, dpre, dhPrev) {
      const BH = B * H;
      if (BH === 0) return;
      const out = run('rnnBackward', K.rnnBackwardSource, 2 * BH,
        [f32(h, 'h'), f32(dh, 'dh'), ...maskArgs(mask, B), act === 'relu' ? 1 : 0, H, BH]);
      dpre.set(out.subarray(0, BH));
      dhPrev.set(out.subarray(BH));
    },

    lstmForward(B, H, xg, hg, hPrev, cPrev, mask, gates, c, h) {
      const BH = B * H;
      if (BH === 0) return;
      const act = run('lstmGates', K.lstmGatesSource, 4 * BH, [f32(xg, 'xg'), f32(hg, 'hg'), H]);
      const state = run('lstmState', K.lstmStateSource, 2 * BH, [act, f32(hPrev, 'hPrev'), f32(cPrev, 'cPrev'), ...maskArgs(mask, B), H, B]);
      gates.set(act);
      c.set(state.subarray(0, BH));
      h.set(state.subarray(BH));
    },

    lstmBackward(B, H, gates, cPrev, c, dh, dc, mask, dpre, dhPrev) {
      const BH = B * H;
      if (BH === 0) return;
      const out = run('lstmBackward', K.lstmBackwardSource, 6 * BH,
        [f32(gates, 'gates'), f32(cPrev, 'cPrev'), f32(c, 'c'), f32(dh, 'dh'), f32(dc, 'dc'), ...maskArgs(mask, B), H, B]);
      dpre.set(out.subarray(0, 4 * BH));
      dc.set(out.subarray(4 * BH, 5 * BH));
      dhPrev.set(out.subarray(5 * BH));
    },

    gruForward(B, H, xg, hg, hPrev, mask, gates, h) {
      const BH = B * H;
      if (BH === 0) return;
      const act = run('gruGates', K.gruGatesSource, 3 * BH, [f32(xg, 'xg'), f32(hg, 'hg'), H]);
      h.set(run('gruState', K.gruStateSource, BH, [act, f32(hPrev, 'hPrev'), ...maskArgs(mask, B), H]));
      gates.set(act);
    },

    gruBackward(B, H, gates, hg, hPrev, dh, mask, dxg, dhg, dhPrev) {
      const BH = B * H;
      if (BH === 0) return;
      const out = run('gruBackward', K.gruBackwardSource, 7 * BH,
        [f32(gates, 'gates'), f32(hg, 'hg'), f32(hPrev, 'hPrev'), f32(dh, 'dh'), ...maskArgs(mask, B), H, B]);
      dxg.set(out.subarray(0, 3 * BH));
      dhg.set(out.subarray(3 * BH, 6 * BH));
      dhPrev.set(out.subarray(6 * BH));
    },

    gruSeedGatesForward(B, H, xg, hgRZ, hPrev, gates, rh) {
      const BH = B * H;
      if (BH === 0) return;
      const out = run('gruSeedGatesForward', K.gruSeedGatesForwardSource, 3 * BH,
        [f32(xg, 'xg'), f32(hgRZ, 'hgRZ'), f32(hPrev, 'hPrev'), H, B]);
      copyRows(out, 0, gates, B, 2 * H, 3 * H, 0);
      rh.set(out.subarray(2 * BH));
    },

    gruSeedOutputForward(B, H, xg, hgN, hPrev, mask, gates, h) {
      const BH = B * H;
      if (BH === 0) return;
      const out = run('gruSeedOutputForward', K.gruSeedOutputForwardSource, 2 * BH,
        [f32(xg, 'xg'), f32(hgN, 'hgN'), f32(hPrev, 'hPrev'), f32(gates, 'gates'), ...maskArgs(mask, B), H, B]);
      copyRows(out, 0, gates, B, H, 3 * H, 2 * H);
      h.set(out.subarray(BH));
    },

    gruSeedOutputBackward(B, H, gates, hPrev, dh, mask, dxg, dhgN, dz, dhPrev) {
      const BH = B * H;
      if (BH === 0) return;
      const out = run('gruSeedOutputBackward', K.gruSeedOutputBackwardSource, 3 * BH,
        [f32(gates, 'gates'), f32(hPrev, 'hPrev'), f32(dh, 'dh'), ...maskArgs(mask, B), H, B]);
      copyRows(out, 0, dxg, B, H, 3 * H, 2 * H);
      dhgN.set(out.subarray(0, BH));
      dz.set(out.subarray(BH, 2 * BH));
      dhPrev.set(out.subarray(2 * BH));
    },

    gruSeedGatesBackward(B, H, gates, hPrev, drh, dz, dxg, dhgRZ, dhPrev) {
      const BH = B * H;
      if (BH === 0) return;
      const out = run('gruSeedGatesBackward', K.gruSeedGatesBackwardSource, 3 * BH,
        [f32(gates, 'gates'), f32(hPrev, 'hPrev'), f32(drh, 'drh'), f32(dz, 'dz'), H, B]);
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
