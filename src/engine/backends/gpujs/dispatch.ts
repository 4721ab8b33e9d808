// How each Backend op runs as GPU.js kernels (./kernels.ts). Most ops are one kernel that follows the convention:
// it takes the buffers the op reads, in the order of src/engine/backendOps.ts (a mask as mask, hasMask; counts as
// float counts, hasCounts), then the op's sizes, then its flags and choices as numbers; and it packs every buffer the op writes into its output, in that
// order (only the written blocks of a partly written one), which the backend writes back by role. Such an op is just
// its kernel's source here. The others run several kernels, or pick one by flag, and return the same segments.

import type { OpName } from '../../backendOps';
import * as K from './kernels';

export type KernelArg = Float32Array | number;
/** Runs (compiling once) the kernel `name` on args and returns its output of outputLength values. */
export type RunKernel = (name: string, source: string, outputLength: number, args: KernelArg[]) => Float32Array;
/**
 * inputs: the buffers the op reads (a mask as mask, hasMask); scalars: its sizes, then its flags and choices.
 * Returns the written segments packed in one array or one by one, or null when the op writes nothing.
 */
type Dispatch = (run: RunKernel, inputs: KernelArg[], scalars: number[]) => Float32Array | Float32Array[] | null;

/** GLSL loops need a compile-time bound; GPU.js breaks out early at the real (argument) bound. */
export const LOOP_MAX = 1 << 20;

export const DISPATCH: Record<OpName, string | Dispatch> = {
  // One kernel per transpose pair; C is never uploaded (accumulating into it is part of the write-back).
  gemm: (run, [a, b], [m, n, k, transA, transB, accumulate]) => {
    if (k === 0) return accumulate ? null : new Float32Array(m * n); // a sum of no terms
    if (k > LOOP_MAX) throw new RangeError(`gpu.js gemm: inner dimension ${k} exceeds the kernel loop bound ${LOOP_MAX}`);
    return run(`gemm${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`, K.gemmSource(transA === 1, transB === 1), m * n, [a, b, m, n, k]);
  },
  addRowVector: K.addRowVectorSource,
  sumRows: K.sumRowsSource,
  // Statistics, then the normalization that reads them.
  layerNormForward: (run, [x, gamma, beta], [rows, groups, H]) => {
    const count = rows * groups;
    const stats = run('lnStats', K.layerNormStatsSource, 2 * count, [x, H, count]);
    const y = run('lnApply', K.layerNormApplySource, count * H, [x, stats, gamma, beta, H, groups * H, count]);
    return [y, stats.subarray(0, count), stats.subarray(count)];
  },
  layerNormBackward: (run, [dy, x, mean, rstd, gamma], [rows, groups, H]) => {
    const GH = groups * H;
    const bstats = run('lnBackStats', K.layerNormBackStatsSource, 2 * rows * groups, [dy, x, mean, rstd, gamma, H, GH]);
    return run('lnBackApply', K.layerNormBackApplySource, rows * GH + 2 * GH, [dy, x, mean, rstd, bstats, gamma, H, GH, rows]);
  },
  rnnForward: K.rnnForwardSource,
  rnnBackward: K.rnnBackwardSource,
  // Gates, then the state from them: see kernels.ts for why splitting pays on webasm.
  lstmForward: (run, [xg, hg, hPrev, cPrev, mask, hasMask], [B, H]) => {
    const gates = run('lstmGates', K.lstmGatesSource, 4 * B * H, [xg, hg, H]);
    const state = run('lstmState', K.lstmStateSource, 2 * B * H, [gates, hPrev, cPrev, mask, hasMask, H, B]);
    return [gates, state.subarray(0, B * H), state.subarray(B * H)];
  },
  lstmBackward: K.lstmBackwardSource,
  gruForward: (run, [xg, hg, hPrev, mask, hasMask], [B, H]) => {
    const gates = run('gruGates', K.gruGatesSource, 3 * B * H, [xg, hg, H]);
    return [gates, run('gruState', K.gruStateSource, B * H, [gates, hPrev, mask, hasMask, H])];
  },
  gruBackward: K.gruBackwardSource,
  gruResetBeforeGatesForward: K.gruResetBeforeGatesForwardSource,
  gruResetBeforeOutputForward: K.gruResetBeforeOutputForwardSource,
  gruResetBeforeOutputBackward: K.gruResetBeforeOutputBackwardSource,
  gruResetBeforeGatesBackward: K.gruResetBeforeGatesBackwardSource,
  softmaxRows: K.softmaxRowsSource,
  softmaxRowsBackward: K.softmaxRowsBackwardSource,
  additiveScores: K.additiveScoresSource,
  additiveScoresBackward: K.additiveScoresBackwardSource,
};
