// A recurrent direction's whole time loop as one GPU.js pipeline (gpu.createPipeline), for the sequence ops of
// backend.ts (SequenceOps) on the GPU thread. The pipeline is traced once per shape: every step's kernels are recorded
// into one plan, which on webgpu runs as one command encoder over buffers that stay on the GPU (the hidden and cell
// state, the recurrent term, the gates) and one readback at the end. Per step it runs the recurrent product and the
// cell kernels of ./kernels.ts, which the op-by-op path runs too, reading step t at an offset into the whole-sequence
// buffers (withOffsets), so both paths compute the same sums in the same order.
import type { GPU, IKernelRunShortcut } from 'gpu.js';
import type { Activation } from '../../backend';
import { sizeAt, type AnyOpSpec, type SequenceOpName } from '../../backendOps';
import * as K from './kernels';
import { checkIndexable, kernelFor } from './opCall';

type Handle = unknown;
type Kernel = (...args: unknown[]) => Handle;
/** What a traced pipeline returns per call: its handles resolved to arrays, in the order the trace returned them. */
type Outputs = Float32Array[];
type Pipeline = (...args: Float32Array[]) => Promise<Outputs>;

interface Shape {
  B: number;
  T: number;
  H: number;
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

/**
 * The backward loop every cell shares, from the last step processed to the first: dh_t = dhs_t + carry; the cell's
 * backward kernel (`back`, given the previous step's packed output, null at the first); carry = that output's direct
 * dh_{t−1} (at addOff) + its dpre (G·H wide, at dOff)·W_hh. Returns each step's dh and packed output, then the carry.
 */
function backwardLoop(k: KernelOf, sh: Shape, G: number, dOff: number, addOff: number) {
  const { B, H } = sh;
  const total = k('seqTotalGrad', K.totalGradSource, B * H);
  const carry = k('seqCarry', K.carrySource, B * H);
  return (dhs: Handle, w: Handle, carry0: Handle, back: (t: number, dh: Handle, prev: Handle | null) => Handle): Handle[] => {
    const out: Handle[] = [];
    let c = carry0;
    let prev: Handle | null = null;
    for (let s = sh.T - 1; s >= 0; s--) {
      const t = stepAt(sh, s);
      const dh = total(dhs, t * B * H, c);
      prev = back(t, dh, prev);
      c = carry(prev, dOff, w, addOff, H, G * H);
      out.push(dh, prev);
    }
    out.push(c);
    return out;
  };
}

/**
 * Each trace is an orchestration function for createPipeline (its declared parameters are the pipeline's arguments,
 * in the op's order of input buffers) and returns its handles: per step, what the host needs of that step.
 */
const TRACES: Record<SequenceOpName, (k: KernelOf, sh: Shape) => (...args: Handle[]) => Handle[]> = {
  rnnSequenceForward(k, sh) {
    const { B, H } = sh;
    const rec = k('seqRecurrent', K.recurrentSource, B * H);
    const step = k('seqRnnForward', cell.rnnForward, B * H);
    return function (xg, w, b, masks, hs) {
      const out: Handle[] = [];
      let h = hs, hOff = prevSlotOf(sh, stepAt(sh, 0)) * B * H;
      for (let s = 0; s < sh.T; s++) {
        const t = stepAt(sh, s);
        const hg = rec(h, hOff, w, b, H, H);
        h = step(xg, t * B * H, hg, h, hOff, masks, t * B, 1, B, H, sh.relu);
        hOff = 0;
        out.push(h);
      }
      return out;
    };
  },
  rnnSequenceBackward(k, sh) {
    const { B, H } = sh;
    const back = k('seqRnnBackward', cell.rnnBackward, 2 * B * H);
    const loop = backwardLoop(k, sh, 1, 0, B * H);
    // Packed [dpre | direct dh_{t−1}].
    return function (hs, dhs, w, masks, carry0) {
      return loop(dhs, w, carry0, (t, dh) => back(hs, slotOf(sh, t) * B * H, dh, masks, t * B, 1, B, H, sh.relu));
    };
  },
  lstmSequenceForward(k, sh) {
    const { B, H } = sh;
    const rec = k('seqRecurrent', K.recurrentSource, 4 * B * H);
    const gates = k('seqLstmGates', cell.lstmGates, 4 * B * H);
    const state = k('seqLstmState', cell.lstmState, 2 * B * H);
    return function (xg, w, b, masks, hs, cs) {
      const out: Handle[] = [];
      const init = prevSlotOf(sh, stepAt(sh, 0)) * B * H;
      // The state kernel packs [c | h]: after the first step both come from its output.
      let h = hs, hOff = init, c = cs, cOff = init;
      for (let s = 0; s < sh.T; s++) {
        const t = stepAt(sh, s);
        const hg = rec(h, hOff, w, b, 4 * H, H);
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
    // Packed [dc_{t−1} | dpre | direct dh_{t−1}]: dc_{t−1} first, where the next step's kernel reads dc.
    return function (gates, cs, dhs, w, masks, carry0, dc0) {
      return loop(dhs, w, carry0, (t, dh, prev) =>
        back(gates, t * 4 * B * H, cs, prevSlotOf(sh, t) * B * H, cs, slotOf(sh, t) * B * H, dh, prev ?? dc0, masks, t * B, 1, B, H));
    };
  },
  gruSequenceForward(k, sh) {
    const { B, H } = sh;
    const rec = k('seqRecurrent', K.recurrentSource, 3 * B * H);
    const gates = k('seqGruGates', cell.gruGates, 3 * B * H);
    const state = k('seqGruState', cell.gruState, B * H);
    return function (xg, w, b, masks, hs) {
      const out: Handle[] = [];
      let h = hs, hOff = prevSlotOf(sh, stepAt(sh, 0)) * B * H;
      for (let s = 0; s < sh.T; s++) {
        const t = stepAt(sh, s);
        const hg = rec(h, hOff, w, b, 3 * H, H);
        const g = gates(xg, t * 3 * B * H, hg, H);
        h = state(g, h, hOff, masks, t * B, 1, H);
        hOff = 0;
        out.push(hg, g, h);
      }
      return out;
    };
  },
  gruSequenceBackward(k, sh) {
    const { B, H } = sh;
    const back = k('seqGruBackward', cell.gruBackward, 7 * B * H);
    const loop = backwardLoop(k, sh, 3, 3 * B * H, 6 * B * H);
    // Packed [dxg | dhg | direct dh_{t−1}].
    return function (gates, hg, hs, dhs, w, masks, carry0) {
      return loop(dhs, w, carry0, (t, dh) =>
        back(gates, t * 3 * B * H, hg, t * 3 * B * H, hs, prevSlotOf(sh, t) * B * H, dh, masks, t * B, 1, B, H));
    };
  },
};

/**
 * Writes a pipeline's outputs into the op's written buffers (argv, the decoded call): each step's rows at its time
 * index, state slots at their slot.
 */
function scatter(op: AnyOpSpec, sh: Shape, argv: unknown[], outs: Outputs): void {
  const { B, T, H } = sh;
  const BH = B * H;
  const buf = (name: string) => argv[op.args.findIndex((a) => a.name === name)] as Float32Array;
  const rows = (dst: string, t: number, width: number, src: Float32Array, from = 0) =>
    buf(dst).set(src.subarray(from, from + width * B), t * width * B);
  for (let s = 0; s < T; s++) {
    const t = stepAt(sh, s);
    const slot = slotOf(sh, t) * BH;
    // Backward outputs come in processing order, the step processed first (s = T − 1) first.
    const back = 2 * (T - 1 - s);
    switch (op.name as SequenceOpName) {
      case 'rnnSequenceForward':
        buf('hs').set(outs[s], slot);
        break;
      case 'lstmSequenceForward':
        rows('gates', t, 4 * H, outs[2 * s]);
        buf('cs').set(outs[2 * s + 1].subarray(0, BH), slot);
        buf('hs').set(outs[2 * s + 1].subarray(BH, 2 * BH), slot);
        break;
      case 'gruSequenceForward':
        rows('hg', t, 3 * H, outs[3 * s]);
        rows('gates', t, 3 * H, outs[3 * s + 1]);
        buf('hs').set(outs[3 * s + 2], slot);
        break;
      case 'rnnSequenceBackward':
        rows('dhTotal', t, H, outs[back]);
        rows('dpre', t, H, outs[back + 1]);
        break;
      case 'lstmSequenceBackward':
        rows('dhTotal', t, H, outs[back]);
        rows('dpre', t, 4 * H, outs[back + 1], BH);
        // dc_{t−1} of the last step processed (s = 0) is what reaches the initial cell state.
        if (s === 0) buf('dc').set(outs[back + 1].subarray(0, BH));
        break;
      case 'gruSequenceBackward':
        rows('dhTotal', t, H, outs[back]);
        rows('dxg', t, 3 * H, outs[back + 1]);
        rows('dhg', t, 3 * H, outs[back + 1], 3 * BH);
        break;
    }
  }
  if (op.name.endsWith('Backward')) buf('carry').set(outs[outs.length - 1]);
}

/** Runs the sequence ops of one GPU.js instance (webgpu mode), one pipeline per op and shape, kept for reuse. */
export class SequenceRunner {
  private readonly pipelines = new Map<string, Pipeline & { backend: string | null; fallbackReason: string | null }>();

  constructor(private readonly gpu: GPU, private readonly kernels: Map<string, IKernelRunShortcut>) {}

  /** Runs a decoded, checked call and writes its results into argv's written buffers. */
  async run(op: AnyOpSpec, argv: unknown[]): Promise<void> {
    const name = op.name as SequenceOpName;
    const rnn = name.startsWith('rnn');
    const [B, T, H, S] = [0, 1, 2, 3].map((i) => sizeAt(op, argv, i));
    if (S !== T + 1) throw new RangeError(`gpu.js ${name}: S must be T + 1 state slots, got T = ${T}, S = ${S}`);
    if (T === 0 || B === 0 || H === 0) return;
    const sh: Shape = { B, T, H, reverse: argv[rnn ? 5 : 4] === true, relu: rnn && (argv[0] as Activation) === 'relu' ? 1 : 0 };
    // The kernels index the whole-sequence buffers at t's offset, in float32 arithmetic.
    checkIndexable(name, op.args.flatMap((a, i) => (a.kind === 'buf' ? [(argv[i] as Float32Array).length] : [])));
    const key = `${name}:${B}:${T}:${H}:${sh.reverse}:${sh.relu}`;
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      const kernel: KernelOf = (kname, source, outputLength) =>
        kernelFor(this.gpu, this.kernels, { name: kname, source, outputLength, args: [] }) as unknown as Kernel;
      pipeline = this.gpu.createPipeline(TRACES[name](kernel, sh) as never) as never;
      this.pipelines.set(key, pipeline!);
    }
    const inputs = op.args.flatMap((a, i) => (a.kind === 'buf' && a.role !== 'out' ? [argv[i] as Float32Array] : []));
    const outs = await pipeline!(...inputs);
    // GPU.js may run a plan its fused executor declines through its generic one (still webgpu kernels), but one that
    // ended on its cpu fallback would make the backend's name a lie.
    if (pipeline!.backend !== 'webgpu') throw new Error(`gpu.js ${name}: the pipeline ran on ${pipeline!.backend}, not webgpu: ${pipeline!.fallbackReason}`);
    scatter(op, sh, argv, outs);
  }

  /** Forgets its pipelines; gpu.destroy() releases them. */
  clear(): void {
    this.pipelines.clear();
  }
}
