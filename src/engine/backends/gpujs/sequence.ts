// A recurrent direction's whole forward or backward pass as one GPU.js pipeline (gpu.createPipeline), for the
// sequence ops of backend.ts (SequenceOps) on the GPU thread. The pipeline is traced once per shape: every kernel is
// recorded into one plan, which on webgpu runs as one command encoder over buffers that stay on the GPU (the input
// projection, the hidden and cell state, the recurrent term, the gradients flowing back) and one readback at the end.
// It runs the kernels of ./kernels.ts that the op-by-op path runs, on the same operands: the cell kernels read step t
// at an offset into the whole-sequence buffers (withOffsets), and the per-step gradients are gathered into one
// time-major buffer before the parameter-gradient products, so both paths compute the same sums in the same order.
import type { GPU, IKernelRunShortcut } from 'gpu.js';
import type { Activation } from '../../backend';
import { sizeAt, type AnyOpSpec, type SequenceOpName } from '../../backendOps';
import * as K from './kernels';
import { checkIndexable, kernelFor, writeBack } from './opCall';

type Handle = unknown;
type Kernel = (...args: unknown[]) => Handle;
/** What a traced pipeline returns per call: its handles resolved to arrays, in the order the trace returned them. */
type Outputs = Float32Array[];
type Pipeline = (...args: Float32Array[]) => Promise<Outputs>;

interface Shape {
  B: number;
  T: number;
  H: number;
  I: number;
  reverse: boolean;
  relu: number;
}

/** The kernels of one trace, compiled once per (name, output length) and shared with the op-by-op path. */
type KernelOf = (name: string, source: string, outputLength: number) => Kernel;

const cell = {
  rnnForward: K.withOffsets(K.rnnForwardSource, ['xg', 'hPrev', 'mask']),
  rnnBackward: K.withOffsets(K.rnnBackwardSource, ['h', 'mask']),
  lstmGates: K.withOffsets(K.lstmGatesSource, ['xg']),
  lstmState: K.withOffsets(K.lstmStateSource, ['hPrev', 'cPrev', 'mask']),
  lstmBackward: K.withOffsets(K.lstmBackwardSource, ['gates', 'cPrev', 'c', 'mask']),
  gruGates: K.withOffsets(K.gruGatesSource, ['xg']),
  gruState: K.withOffsets(K.gruStateSource, ['hPrev', 'mask']),
  gruBackward: K.withOffsets(K.gruBackwardSource, ['gates', 'hg', 'hPrev', 'mask']),
};

/** Time index of the s-th step processed, and the state slots of cells/direction.ts. */
const stepAt = (sh: Shape, s: number) => (sh.reverse ? sh.T - 1 - s : s);
const slotOf = (sh: Shape, t: number) => (sh.reverse ? t : t + 1);
const prevSlotOf = (sh: Shape, t: number) => (sh.reverse ? t + 1 : t);

/** x·Wᵀ + b (gemm NT then addRowVector on the op path, as one kernel), x read from an offset: W_hh·h_{t−1} + b_hh. */
const affine = K.withOffsets(K.gemmSource(false, true, 'bias'), ['a']);

/** W_ih·x_t + b_ih for every step at once (T·B×G·H). */
function inputProjection(k: KernelOf, sh: Shape, G: number) {
  const proj = k('seqProjection', affine, sh.T * sh.B * G * sh.H);
  return (input: Handle, wIh: Handle, bIh: Handle) => proj(input, 0, wIh, sh.T * sh.B, G * sh.H, sh.I, bIh);
}

/**
 * The forward loop of the cells whose state is h alone (RNN, GRU): the input projection of every step, then per step
 * the recurrent term W_hh·h_{t−1} + b_hh and the cell's kernels (`step`: the new h, and what the host keeps of the
 * step, returned in step order).
 */
function forwardLoop(k: KernelOf, sh: Shape, G: number) {
  const { B, H } = sh;
  const project = inputProjection(k, sh, G);
  const rec = k('seqRecurrent', affine, G * B * H);
  return (input: Handle, wIh: Handle, bIh: Handle, w: Handle, b: Handle, hs: Handle,
    step: (t: number, xg: Handle, hg: Handle, h: Handle, hOff: number) => { h: Handle; keep: Handle[] }): Handle[] => {
    const xg = project(input, wIh, bIh);
    const out: Handle[] = [];
    let h = hs, hOff = prevSlotOf(sh, stepAt(sh, 0)) * B * H;
    for (let s = 0; s < sh.T; s++) {
      const t = stepAt(sh, s);
      const next = step(t, xg, rec(h, hOff, w, B, G * H, H, b), h, hOff);
      h = next.h;
      hOff = 0;
      out.push(...next.keep);
    }
    return out;
  };
}

/**
 * The backward loop every cell shares, from the last step processed to the first: dh_t = dhs_t + carry; the cell's
 * backward kernel (`back`, given the previous step's packed output, null at the first); carry = that output's direct
 * dh_{t−1} (at addOff) + its dpre (G·H wide, at dOff)·W_hh. Returns each step's dh in processing order, each step's
 * packed output by time index, and the final carry.
 */
function backwardLoop(k: KernelOf, sh: Shape, G: number, dOff: number, addOff: number) {
  const { B, H } = sh;
  const total = k('seqTotalGrad', K.totalGradSource, B * H);
  // dpre·W_hh (gemm NN) plus the direct part, both read from the packed output, as the host adds them op by op.
  const carry = k('seqCarry', K.withOffsets(K.gemmSource(false, false, 'add'), ['a', 'add']), B * H);
  return (dhs: Handle, w: Handle, carry0: Handle, back: (t: number, dh: Handle, prev: Handle | null) => Handle) => {
    const dh: Handle[] = [];
    const packed: Handle[] = new Array(sh.T);
    let c = carry0;
    let prev: Handle | null = null;
    for (let s = sh.T - 1; s >= 0; s--) {
      const t = stepAt(sh, s);
      dh.push(total(dhs, t * B * H, c));
      prev = packed[t] = back(t, dh[dh.length - 1], prev);
      c = carry(prev, dOff, w, B, H, G * H, prev, addOff);
    }
    return { dh, packed, carry: c, last: prev! };
  };
}

/**
 * One time-major T·B×width buffer from each step's rows (`width`·B values at `off` in that step's packed output),
 * concatenated pairwise on the GPU: a kernel writes a whole new buffer, never into part of one.
 */
function gather(k: KernelOf, sh: Shape, width: number) {
  const n = width * sh.B;
  return (packed: Handle[], off: number): Handle => {
    let parts = packed.map((h) => ({ h, off, len: n }));
    while (parts.length > 1 || parts[0].off !== 0) {
      const next: typeof parts = [];
      for (let i = 0; i < parts.length; i += 2) {
        const [a, b] = [parts[i], parts[i + 1] ?? null];
        const len = a.len + (b ? b.len : 0);
        const cat = k('seqConcat', K.concatSource, len);
        next.push({ h: b ? cat(a.h, a.off, a.len, b.h, b.off) : a.off ? cat(a.h, a.off, a.len, a.h, 0) : a.h, off: 0, len });
      }
      parts = next;
    }
    return parts[0].h;
  };
}

/**
 * The parameters' and the input's gradients from the pre-activation gradients of every step: dx (of the input
 * projection) and dh (of the recurrent one; the same buffer for LSTM and RNN), T·B×G·H each. Returns
 * [dInput, dW_ih, db_ih, dW_hh, db_hh] (the op table's order), as Projection.backward and accumulateParamGrads compute them.
 */
function paramGrads(k: KernelOf, sh: Shape, G: number) {
  const { B, T, H, I } = sh;
  const gemmTN = (n: number) => k('seqGemmTN', K.withOffsets(K.gemmSource(true, false), ['b']), G * H * n);
  const [wIhGrad, wHhGrad] = [gemmTN(I), gemmTN(H)];
  const sums = k('seqSumRows', K.sumRowsSource, G * H);
  const dInput = k('seqGemmNN', K.gemmSource(false, false), T * B * I);
  return (dx: Handle, dh: Handle, input: Handle, hs: Handle, wIh: Handle): Handle[] => {
    const dbIh = sums(dx, T * B, G * H);
    return [
      dInput(dx, wIh, T * B, I, G * H),
      wIhGrad(dx, input, 0, G * H, I, T * B),
      dbIh,
      // The recurrent product's inputs: h_{t−1} for every step, one contiguous run of the slots.
      wHhGrad(dh, hs, (sh.reverse ? 1 : 0) * B * H, G * H, H, T * B),
      dh === dx ? dbIh : sums(dh, T * B, G * H),
    ];
  };
}

/**
 * Each trace is an orchestration function for createPipeline (its declared parameters are the pipeline's arguments,
 * in the op's order of input buffers) and returns its handles: forward, per step what the host keeps of that step;
 * backward, each step's total dL/dh, the final carry (and for LSTM the last cell-gradient output), then paramGrads'.
 */
const TRACES: Record<SequenceOpName, (k: KernelOf, sh: Shape) => (...args: Handle[]) => Handle[]> = {
  rnnSequenceForward(k, sh) {
    const { B, H } = sh;
    const loop = forwardLoop(k, sh, 1);
    const step = k('seqRnnForward', cell.rnnForward, B * H);
    return function (input, wIh, bIh, w, b, masks, hs) {
      return loop(input, wIh, bIh, w, b, hs, (t, xg, hg, h, hOff) => {
        const next = step(xg, t * B * H, hg, h, hOff, masks, t * B, 1, B, H, sh.relu);
        return { h: next, keep: [next] };
      });
    };
  },
  rnnSequenceBackward(k, sh) {
    const { B, H } = sh;
    const back = k('seqRnnBackward', cell.rnnBackward, 2 * B * H);
    const loop = backwardLoop(k, sh, 1, 0, B * H);
    const rows = gather(k, sh, H);
    const grads = paramGrads(k, sh, 1);
    // Packed [dpre | direct dh_{t−1}].
    return function (hs, dhs, input, wIh, w, masks, carry0) {
      const r = loop(dhs, w, carry0, (t, dh) => back(hs, slotOf(sh, t) * B * H, dh, masks, t * B, 1, B, H, sh.relu));
      const dpre = rows(r.packed, 0);
      return [...r.dh, r.carry, ...grads(dpre, dpre, input, hs, wIh)];
    };
  },
  lstmSequenceForward(k, sh) {
    const { B, H } = sh;
    const project = inputProjection(k, sh, 4);
    const rec = k('seqRecurrent', affine, 4 * B * H);
    const gates = k('seqLstmGates', cell.lstmGates, 4 * B * H);
    const state = k('seqLstmState', cell.lstmState, 2 * B * H);
    return function (input, wIh, bIh, w, b, masks, hs, cs) {
      const xg = project(input, wIh, bIh);
      const out: Handle[] = [];
      const init = prevSlotOf(sh, stepAt(sh, 0)) * B * H;
      // The state kernel packs [c | h]: after the first step both come from its output.
      let h = hs, hOff = init, c = cs, cOff = init;
      for (let s = 0; s < sh.T; s++) {
        const t = stepAt(sh, s);
        const hg = rec(h, hOff, w, B, 4 * H, H, b);
        const g = gates(xg, t * 4 * B * H, hg, H);
        const ch = state(g, h, hOff, c, cOff, masks, t * B, 1, H, B);
        h = ch;
        hOff = B * H;
        c = ch;
        cOff = 0;
        out.push(g, ch);
      }
      return out;
    };
  },
  lstmSequenceBackward(k, sh) {
    const { B, H } = sh;
    const back = k('seqLstmBackward', cell.lstmBackward, 6 * B * H);
    const loop = backwardLoop(k, sh, 4, B * H, 5 * B * H);
    const rows = gather(k, sh, 4 * H);
    const grads = paramGrads(k, sh, 4);
    // Packed [dc_{t−1} | dpre | direct dh_{t−1}]: dc_{t−1} first, where the next step's kernel reads dc.
    return function (gates, cs, hs, dhs, input, wIh, w, masks, carry0, dc0) {
      const r = loop(dhs, w, carry0, (t, dh, prev) =>
        back(gates, t * 4 * B * H, cs, prevSlotOf(sh, t) * B * H, cs, slotOf(sh, t) * B * H, dh, prev ?? dc0, masks, t * B, 1, B, H));
      const dpre = rows(r.packed, B * H);
      return [...r.dh, r.carry, r.last, ...grads(dpre, dpre, input, hs, wIh)];
    };
  },
  gruSequenceForward(k, sh) {
    const { B, H } = sh;
    const loop = forwardLoop(k, sh, 3);
    const gates = k('seqGruGates', cell.gruGates, 3 * B * H);
    const state = k('seqGruState', cell.gruState, B * H);
    return function (input, wIh, bIh, w, b, masks, hs) {
      return loop(input, wIh, bIh, w, b, hs, (t, xg, hg, h, hOff) => {
        const g = gates(xg, t * 3 * B * H, hg, H);
        const next = state(g, h, hOff, masks, t * B, 1, H);
        return { h: next, keep: [hg, g, next] };
      });
    };
  },
  gruSequenceBackward(k, sh) {
    const { B, H } = sh;
    const back = k('seqGruBackward', cell.gruBackward, 7 * B * H);
    const loop = backwardLoop(k, sh, 3, 3 * B * H, 6 * B * H);
    const rows = gather(k, sh, 3 * H);
    const grads = paramGrads(k, sh, 3);
    // Packed [dxg | dhg | direct dh_{t−1}].
    return function (gates, hg, hs, dhs, input, wIh, w, masks, carry0) {
      const r = loop(dhs, w, carry0, (t, dh) =>
        back(gates, t * 3 * B * H, hg, t * 3 * B * H, hs, prevSlotOf(sh, t) * B * H, dh, masks, t * B, 1, B, H));
      return [...r.dh, r.carry, ...grads(rows(r.packed, 0), rows(r.packed, 3 * B * H), input, hs, wIh)];
    };
  },
};

/**
 * Writes a pipeline's outputs into the op's written buffers (argv, the decoded call): forward, each step's rows at its
 * time index and state slots at their slot; backward, through writeBack, which adds into the accumulators.
 */
function scatter(op: AnyOpSpec, sh: Shape, argv: unknown[], outs: Outputs): void {
  const { B, T, H } = sh;
  const BH = B * H;
  const buf = (name: string) => argv[op.args.findIndex((a) => a.name === name)] as Float32Array;
  const rows = (dst: string, t: number, width: number, src: Float32Array) => buf(dst).set(src.subarray(0, width * B), t * width * B);
  const name = op.name as SequenceOpName;
  if (name.endsWith('Backward')) {
    // Processing order: the first output is the step processed first (s = T − 1).
    const dhTotal = new Float32Array(T * BH);
    for (let s = 0; s < T; s++) dhTotal.set(outs[T - 1 - s].subarray(0, BH), stepAt(sh, s) * BH);
    const lstm = name === 'lstmSequenceBackward';
    // The written buffers in the table's order: carry, (LSTM) dc — dc_{t−1} of the last step processed, at the start of
    // its packed output — the gradients, added into their accumulators, then dhTotal.
    const dc = lstm ? [outs[T + 1].subarray(0, BH)] : [];
    writeBack(op, argv, [outs[T], ...dc, ...outs.slice(T + 1 + dc.length), dhTotal]);
    return;
  }
  for (let s = 0; s < T; s++) {
    const t = stepAt(sh, s);
    const slot = slotOf(sh, t) * BH;
    if (name === 'rnnSequenceForward') {
      buf('hs').set(outs[s], slot);
    } else if (name === 'lstmSequenceForward') {
      rows('gates', t, 4 * H, outs[2 * s]);
      buf('cs').set(outs[2 * s + 1].subarray(0, BH), slot);
      buf('hs').set(outs[2 * s + 1].subarray(BH, 2 * BH), slot);
    } else {
      rows('hg', t, 3 * H, outs[3 * s]);
      rows('gates', t, 3 * H, outs[3 * s + 1]);
      buf('hs').set(outs[3 * s + 2], slot);
    }
  }
}

/**
 * Pipelines kept at once. Each holds GPU buffers for every step of its shape (for an LSTM at B = 32, T = 64, H = 512,
 * counting its buffers, some 60 MB forward and 130 MB backward), and a run meets a new shape for each length bucket of
 * its data (recurrentModel.ts graphSteps), evaluation batch and last partial batch: the least recently used one goes.
 */
export const MAX_PIPELINES = 16;

type KeptPipeline = Pipeline & { backend: string | null; fallbackReason: string | null; destroy(): Promise<void> };

/** Runs the sequence ops of one GPU.js instance (webgpu mode), one pipeline per op and shape, kept for reuse. */
export class SequenceRunner {
  /** In use order, most recent last. */
  private readonly pipelines = new Map<string, KeptPipeline>();
  /** Releases of evicted pipelines, which GPU.js finishes in the background. */
  private releases: Promise<void>[] = [];

  constructor(private readonly gpu: GPU, private readonly kernels: Map<string, IKernelRunShortcut>, private readonly keep = MAX_PIPELINES) {}

  /** Pipelines held now. */
  get size(): number {
    return this.pipelines.size;
  }

  /** Runs a decoded, checked call and writes its results into argv's written buffers. */
  async run(op: AnyOpSpec, argv: unknown[]): Promise<void> {
    const name = op.name as SequenceOpName;
    const rnn = name.startsWith('rnn');
    const [B, T, H, S, I] = [0, 1, 2, 3, 4].map((i) => sizeAt(op, argv, i));
    if (S !== T + 1) throw new RangeError(`gpu.js ${name}: S must be T + 1 state slots, got T = ${T}, S = ${S}`);
    if (T === 0 || B === 0 || H === 0 || I === 0) return;
    const sh: Shape = { B, T, H, I, reverse: argv[rnn ? 6 : 5] === true, relu: rnn && (argv[0] as Activation) === 'relu' ? 1 : 0 };
    // The kernels index the whole-sequence buffers at t's offset, in float32 arithmetic.
    checkIndexable(name, op.args.flatMap((a, i) => (a.kind === 'buf' ? [(argv[i] as Float32Array).length] : [])));
    const pipeline = this.pipelineFor(`${name}:${B}:${T}:${H}:${I}:${sh.reverse}:${sh.relu}`, () => TRACES[name](this.kernelOf, sh));
    const inputs = op.args.flatMap((a, i) => (a.kind === 'buf' && (a.role === 'in' || a.role === 'inout') ? [argv[i] as Float32Array] : []));
    const outs = await pipeline(...inputs);
    // GPU.js may run a plan its fused executor declines through its generic one (still webgpu kernels), but one that
    // ended on its cpu fallback would make the backend's name a lie.
    if (pipeline.backend !== 'webgpu') throw new Error(`gpu.js ${name}: the pipeline ran on ${pipeline.backend}, not webgpu: ${pipeline.fallbackReason}`);
    scatter(op, sh, argv, outs);
  }

  /** Forgets its pipelines (gpu.destroy() releases those it holds) once the evicted ones are released. */
  async clear(): Promise<void> {
    this.pipelines.clear();
    await Promise.all(this.releases);
    this.releases = [];
  }

  private readonly kernelOf: KernelOf = (name, source, outputLength) =>
    kernelFor(this.gpu, this.kernels, { name, source, outputLength, args: [] }) as unknown as Kernel;

  /** The pipeline for key, traced on first use; the least recently used one is released past `keep`. */
  private pipelineFor(key: string, trace: () => (...args: Handle[]) => Handle[]): KeptPipeline {
    let pipeline = this.pipelines.get(key);
    if (pipeline) {
      this.pipelines.delete(key);
    } else {
      pipeline = this.gpu.createPipeline(trace() as never) as unknown as KeptPipeline;
      if (this.pipelines.size >= this.keep) {
        const [oldKey, old] = this.pipelines.entries().next().value!;
        this.pipelines.delete(oldKey);
        this.releases.push(old.destroy().catch(() => undefined));
      }
    }
    this.pipelines.set(key, pipeline);
    return pipeline;
  }
}
