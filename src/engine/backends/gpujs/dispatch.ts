// How each Backend op runs as GPU.js kernels (./kernels.ts). Most ops are one kernel that follows the convention:
// it takes the buffers the op reads, in the order of src/engine/backendOps.ts (a mask as mask, hasMask; counts as
// float counts, hasCounts), then the op's sizes, then its flags and choices as numbers; and it packs every buffer the op writes into its output, in that
// order (only the written blocks of a partly written one), which the backend writes back by role. Such an op is just
// its kernel's source here. The others run several kernels, or pick one by flag, and return the same segments.
//
// An op that runs several kernels is a generator: it yields each kernel call and receives its output. So the same plan
// runs synchronously (cpu, webasm, headlessgl: runPlan) and asynchronously (webgpu, whose kernels return Promises:
// runPlanAsync), without a second copy of which kernels an op needs.

import type { OpName } from '../../backendOps';
import * as K from './kernels';

export type KernelArg = Float32Array | number;
/** One kernel to run (compiled once per name and output length): its output has outputLength values. */
export interface KernelCall {
  name: string;
  source: string;
  outputLength: number;
  args: KernelArg[];
}
/** The written segments packed in one array or one by one, or null when the op writes nothing. */
export type OpResult = Float32Array | Float32Array[] | null;
/** An op's kernels in order: yields each call, receives its output, returns the op's result. */
export type Plan = Generator<KernelCall, OpResult, Float32Array>;
/** inputs: the buffers the op reads (a mask as mask, hasMask); scalars: its sizes, then its flags and choices. */
type Dispatch = (inputs: KernelArg[], scalars: number[]) => Plan;

/** GLSL loops need a compile-time bound; GPU.js breaks out early at the real (argument) bound. */
export const LOOP_MAX = 1 << 20;

const call = (name: string, source: string, outputLength: number, args: KernelArg[]): KernelCall => ({ name, source, outputLength, args });

/** The plan of op `name`: its own generator, or the one kernel named after it on the op's inputs and scalars. */
export function planOp(name: OpName, inputs: KernelArg[], scalars: number[], written: number): Plan {
  const d = DISPATCH[name];
  return typeof d === 'string' ? single(call(name, d, written, [...inputs, ...scalars])) : d(inputs, scalars);
}

function* single(c: KernelCall): Plan {
  return yield c;
}

/** Runs a plan with a kernel runner that returns outputs directly. */
export function runPlan(plan: Plan, run: (c: KernelCall) => Float32Array): OpResult {
  let step = plan.next();
  while (!step.done) step = plan.next(run(step.value));
  return step.value;
}

/** Runs a plan with a kernel runner that returns Promises, one kernel after the other. */
export async function runPlanAsync(plan: Plan, run: (c: KernelCall) => Promise<Float32Array>): Promise<OpResult> {
  let step = plan.next();
  while (!step.done) step = plan.next(await run(step.value));
  return step.value;
}

const DISPATCH: Record<OpName, string | Dispatch> = {
  // One kernel per transpose pair; C is never uploaded (accumulating into it is part of the write-back).
  *gemm([a, b], [m, n, k, transA, transB, accumulate]) {
    if (k === 0) return accumulate ? null : new Float32Array(m * n); // a sum of no terms
    if (k > LOOP_MAX) throw new RangeError(`gpu.js gemm: inner dimension ${k} exceeds the kernel loop bound ${LOOP_MAX}`);
    return yield call(`gemm${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`, K.gemmSource(transA === 1, transB === 1), m * n, [a, b, m, n, k]);
  },
  addRowVector: K.addRowVectorSource,
  sumRows: K.sumRowsSource,
  // Statistics, then the normalization that reads them.
  *layerNormForward([x, gamma, beta], [rows, groups, H]) {
    const count = rows * groups;
    const stats = yield call('lnStats', K.layerNormStatsSource, 2 * count, [x, H, count]);
    const y = yield call('lnApply', K.layerNormApplySource, count * H, [x, stats, gamma, beta, H, groups * H, count]);
    return [y, stats.subarray(0, count), stats.subarray(count)];
  },
  *layerNormBackward([dy, x, mean, rstd, gamma], [rows, groups, H]) {
    const GH = groups * H;
    const bstats = yield call('lnBackStats', K.layerNormBackStatsSource, 2 * rows * groups, [dy, x, mean, rstd, gamma, H, GH]);
    return yield call('lnBackApply', K.layerNormBackApplySource, rows * GH + 2 * GH, [dy, x, mean, rstd, bstats, gamma, H, GH, rows]);
  },
  rnnForward: K.rnnForwardSource,
  rnnBackward: K.rnnBackwardSource,
  // Gates, then the state from them: see kernels.ts for why splitting pays on webasm.
  *lstmForward([xg, hg, hPrev, cPrev, mask, hasMask], [B, H]) {
    const gates = yield call('lstmGates', K.lstmGatesSource, 4 * B * H, [xg, hg, H]);
    const state = yield call('lstmState', K.lstmStateSource, 2 * B * H, [gates, hPrev, cPrev, mask, hasMask, H, B]);
    return [gates, state.subarray(0, B * H), state.subarray(B * H)];
  },
  lstmBackward: K.lstmBackwardSource,
  *gruForward([xg, hg, hPrev, mask, hasMask], [B, H]) {
    const gates = yield call('gruGates', K.gruGatesSource, 3 * B * H, [xg, hg, H]);
    return [gates, yield call('gruState', K.gruStateSource, B * H, [gates, hPrev, mask, hasMask, H])];
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
