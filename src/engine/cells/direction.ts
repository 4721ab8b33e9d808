// One direction of one recurrent layer, unrolled over T steps for a batch of B.
//
// Buffers are time-major so a step's B rows are contiguous. Hidden states live in (T+1) slots of B×H:
// the forward direction keeps h_t in slot t+1 (slot 0 is the initial state), the reverse direction h_t
// in slot t (slot T is its initial state). So "every h_{t−1}" (the recurrent matmul's inputs in step
// order) and "every h_t" (the layer's outputs) are each one contiguous T·B×H view, which lets the
// W_hh gradient be a single gemm after the backward sweep.
//
// Subclasses (one per cell) implement one step forward and its backward, side by side. On a backend with sequence
// ops (backend.ts SequenceOps: one call for a direction's whole pass, where each op costs a round trip) a cell that
// has them runs forward and backward as one op each instead (input projection and parameter gradients included).

import type { Backend, Buf, SequenceOps } from '../backend';
import type { Param } from '../params';
import { Projection, slice, whole, type LayerNormSlices } from './projection';

export interface DirectionParams {
  wIh: Param;
  wHh: Param;
  bIh: Param;
  bHh: Param;
  lnIh: { weight: Param; bias: Param } | null;
  lnHh: { weight: Param; bias: Param } | null;
}

export interface DirectionShape {
  B: number;
  T: number;
  H: number;
  inSize: number;
  reverse: boolean;
}

export type StepMasks = ReadonlyArray<Float32Array | null>;

/** LN slices for gate blocks [g0, g1) of a layer norm parameter pair. */
export function lnBlocks(ln: { weight: Param; bias: Param } | null, H: number, g0: number, g1: number): LayerNormSlices | null {
  return ln ? { gamma: slice(ln.weight, g0 * H, g1 * H), beta: slice(ln.bias, g0 * H, g1 * H) } : null;
}

export abstract class Direction {
  readonly B: number;
  readonly T: number;
  readonly H: number;
  readonly reverse: boolean;
  /** Hidden state slots, (T+1)·B·H. */
  readonly hs: Buf;
  /** Gradient of the loss with respect to each h_t from outside this direction (layer above / head), T·B·H. */
  readonly dhs: Buf;
  /** W_ih·x_t + b_ih for every step, and its gradient. */
  protected readonly xproj: Projection;
  /** The projections making up the recurrent term, each with the T·B rows it reads (for the W_hh, b_hh gradients). */
  protected readonly recurrent: { proj: Projection; input: Buf }[] = [];
  /** Total dL/dh_t of the step being back-propagated. */
  private readonly dh: Buf;
  /** dL/dh_{t−1} flowing to the previous step. */
  private readonly carry: Buf;
  /**
   * For the sequence ops: every step's mask in one T·B buffer, every step's total dL/dh_t (T·B·H), and where the
   * input's gradient goes when nobody needs it.
   */
  private seqMasks: Buf | null = null;
  private seqDh: Buf | null = null;
  private seqDInput: Buf | null = null;

  constructor(protected readonly be: Backend, protected readonly p: DirectionParams, shape: DirectionShape, readonly G: number) {
    const { B, T, H } = shape;
    this.B = B;
    this.T = T;
    this.H = H;
    this.reverse = shape.reverse;
    this.hs = be.alloc((T + 1) * B * H);
    this.dhs = be.alloc(T * B * H);
    this.dh = be.alloc(B * H);
    this.carry = be.alloc(B * H);
    this.xproj = new Projection(be, T * B, shape.inSize, G, H, whole(p.wIh), whole(p.bIh), lnBlocks(p.lnIh, H, 0, G));
  }

  /**
   * W_hh·h_{t−1} + b_hh over all G blocks, as the whole recurrent term. sharedGrad: its gradient is xproj's
   * (true when both only add into the same pre-activation).
   */
  protected recurrentProjection(sharedGrad: boolean): Projection {
    const { B, T, H, G, p } = this;
    const proj = new Projection(this.be, T * B, H, G, H, whole(p.wHh), whole(p.bHh), lnBlocks(p.lnHh, H, 0, G), sharedGrad ? this.xproj.dOut : null);
    this.recurrent.push({ proj, input: this.prevStates() });
    return proj;
  }

  protected slotOf(t: number): number {
    return this.reverse ? t : t + 1;
  }
  protected prevSlotOf(t: number): number {
    return this.reverse ? t + 1 : t;
  }
  protected slot(buf: Buf, s: number): Buf {
    const n = this.B * this.H;
    return buf.subarray(s * n, (s + 1) * n);
  }
  /** h_t (B×H). */
  protected h(t: number): Buf {
    return this.slot(this.hs, this.slotOf(t));
  }
  protected hPrev(t: number): Buf {
    return this.slot(this.hs, this.prevSlotOf(t));
  }
  /** Rows of step t in a T·B×w buffer. */
  protected stepRows(buf: Buf, t: number, w: number): Buf {
    return buf.subarray(t * this.B * w, (t + 1) * this.B * w);
  }

  /** h_t for t = 0..T−1, time-major T·B×H. */
  outputs(): Buf {
    const n = this.B * this.H;
    return this.reverse ? this.hs.subarray(0, this.T * n) : this.hs.subarray(n);
  }
  /** The recurrent input of each step in step order: h_{t−1} (forward) or h_{t+1} (reverse). */
  protected prevStates(): Buf {
    const n = this.B * this.H;
    return this.reverse ? this.hs.subarray(n) : this.hs.subarray(0, this.T * n);
  }
  private initialSlot(): number {
    return this.reverse ? this.T : 0;
  }
  private finalSlot(): number {
    return this.reverse ? 0 : this.T;
  }
  /** The state after the last processed step (what truncated BPTT carries into the next chunk). */
  finalState(): { h: Buf; c: Buf | null } {
    const cs = this.cellStates();
    return { h: this.slot(this.hs, this.finalSlot()), c: cs && this.slot(cs, this.finalSlot()) };
  }

  /** Cell states in hs's slot layout (LSTM), null for cells without one. */
  protected cellStates(): Buf | null {
    return null;
  }
  /** Activated gates per step (T·B×G·H) and the name of each block, for traces; null for cells that keep none. */
  protected gateValues(): { names: readonly string[]; values: Buf } | null {
    return null;
  }

  /** Runs the direction over the whole input (T·B×inSize, time-major) from h0/c0 (zero when null). */
  forward(input: Buf, masks: StepMasks, h0: Buf | null, c0: Buf | null): void {
    this.begin(h0, c0);
    const seq = this.sequenceOps();
    if (seq) return this.forwardSequence!(seq, input, this.allMasks(masks));
    this.xproj.forward(0, this.T * this.B, input);
    for (let s = 0; s < this.T; s++) {
      const t = this.reverse ? this.T - 1 - s : s;
      this.stepForward(t, masks[t]);
    }
  }

  /** Sets the initial state (zero when null), before forwardStep runs the steps one at a time. */
  begin(h0: Buf | null, c0: Buf | null): void {
    const init = this.slot(this.hs, this.initialSlot());
    if (h0) init.set(h0);
    else init.fill(0);
    const cs = this.cellStates();
    if (cs) {
      const cInit = this.slot(cs, this.initialSlot());
      if (c0) cInit.set(c0);
      else cInit.fill(0);
    }
  }

  /**
   * One step of a direction run step by step (a decoder, whose next input depends on this step's output):
   * step t reads rows t of input (T·B×inSize, time-major). Steps must come in order, after begin().
   */
  forwardStep(t: number, input: Buf, mask: Float32Array | null): void {
    const { B } = this;
    this.xproj.forward(t * B, B, this.stepRows(input, t, this.xproj.inWidth));
    this.stepForward(t, mask);
  }

  /**
   * Back-propagates dhs through every step, accumulating parameter gradients and adding dL/dinput into dInput.
   * final: the gradient reaching the state after the last step from outside (an encoder's final state feeding a
   * decoder); null: none enters from beyond the last step (the truncation point of truncated BPTT).
   * flowSq, when given, receives Σ (dL/dh_t)² of the total derivative at each step t (indexed flowOffset + t,
   * steps beyond its length — padding — left out).
   */
  backward(input: Buf, masks: StepMasks, dInput: Buf | null, flowSq: Float64Array | null, flowOffset: number,
    final: { h: Buf; c: Buf | null } | null = null): void {
    this.beginBackward(final);
    const seq = this.sequenceOps();
    if (seq) {
      const { B, T, H } = this;
      this.seqDh ??= this.be.alloc(T * B * H);
      const dIn = dInput ?? (this.seqDInput ??= this.be.alloc(T * B * this.xproj.inWidth));
      this.backwardSequence!(seq, input, this.allMasks(masks), this.carry, dIn, this.seqDh);
      if (flowSq) this.addFlow(this.seqDh, flowSq, flowOffset);
      return;
    }
    for (let s = this.T - 1; s >= 0; s--) {
      const t = this.reverse ? this.T - 1 - s : s;
      this.backStep(t, masks[t], flowSq, flowOffset);
    }
    this.xproj.backward(0, this.T * this.B, dInput);
    this.finishBackward(input);
  }

  /** Starts a step-by-step backward pass (backwardStep from the last step down, then finishBackward). */
  beginBackward(final: { h: Buf; c: Buf | null } | null): void {
    if (final) this.carry.set(final.h);
    else this.carry.fill(0);
    this.resetCellCarry(final?.c ?? null);
  }

  /** Back through step t alone; dL/d(input rows of step t) is added into rows t of dInput (T·B×inSize). */
  backwardStep(t: number, mask: Float32Array | null, dInput: Buf | null): void {
    this.backStep(t, mask, null, 0);
    this.xproj.backward(t * this.B, this.B, dInput && this.stepRows(dInput, t, this.xproj.inWidth));
  }

  /** After every step's backward: the weight and bias gradients, as one gemm over all steps each. */
  finishBackward(input: Buf): void {
    this.xproj.accumulateParamGrads(input);
    for (const { proj, input: rows } of this.recurrent) proj.accumulateParamGrads(rows);
  }

  /** dL/dh_t = the direct gradient from above (dhs) + what flowed back from the next step, then the cell's backward. */
  private backStep(t: number, mask: Float32Array | null, flowSq: Float64Array | null, flowOffset: number): void {
    const { dh, carry } = this;
    const above = this.stepRows(this.dhs, t, this.H);
    let sq = 0;
    for (let i = 0; i < dh.length; i++) {
      dh[i] = above[i] + carry[i];
      // The stored value (rounded to the backend's dtype), as the backward pass uses it and the sequence ops report it.
      sq += dh[i] * dh[i];
    }
    if (flowSq && flowOffset + t < flowSq.length) flowSq[flowOffset + t] += sq;
    this.stepBackward(t, mask, dh, carry);
  }

  /** The backend's sequence ops, when it has them and this cell runs on them (not with layer norm). */
  private sequenceOps(): SequenceOps | null {
    const { p } = this;
    return this.be.sequence && this.forwardSequence && this.backwardSequence && !p.lnHh && !p.lnIh ? this.be.sequence : null;
  }

  /** Every step's mask in one T·B buffer (1 for every row of a step without one). */
  private allMasks(masks: StepMasks): Buf {
    const { B, T } = this;
    this.seqMasks ??= this.be.alloc(T * B);
    for (let t = 0; t < T; t++) {
      const m = masks[t];
      const rows = this.seqMasks.subarray(t * B, (t + 1) * B);
      if (m) rows.set(m.subarray(0, B));
      else rows.fill(1);
    }
    return this.seqMasks;
  }

  /** flowSq[flowOffset + t] += Σ (dL/dh_t)² from each step's total gradient, as backStep adds it. */
  private addFlow(dhTotal: Buf, flowSq: Float64Array, flowOffset: number): void {
    const n = this.B * this.H;
    for (let t = 0; t < this.T && flowOffset + t < flowSq.length; t++) {
      let sq = 0;
      for (let i = t * n; i < (t + 1) * n; i++) sq += dhTotal[i] * dhTotal[i];
      flowSq[flowOffset + t] += sq;
    }
  }

  /** After a backward pass: the gradient of the initial state h0 (and c0 for cells that have one). */
  initialGrad(): { h: Buf; c: Buf | null } {
    return { h: this.carry, c: this.cellCarry() };
  }

  /** Permutes the B rows of the state after step t: row b takes row order[b] (beam search following its parents). */
  reorderState(t: number, order: Int32Array): void {
    const cs = this.cellStates();
    for (const buf of cs ? [this.hs, cs] : [this.hs]) {
      const state = this.slot(buf, this.slotOf(t));
      const copy = state.slice();
      const H = this.H;
      for (let b = 0; b < this.B; b++) state.set(copy.subarray(order[b] * H, (order[b] + 1) * H), b * H);
    }
  }

  /** Sets the carried cell-state gradient (LSTM's dc) to c, or 0 when null; cells without one ignore it. */
  protected resetCellCarry(_c: Buf | null): void {}
  /** The carried cell-state gradient, null for cells without one. */
  protected cellCarry(): Buf | null {
    return null;
  }

  /** The whole forward pass (input projection and time loop) as one sequence op, after begin(); for cells that have one. */
  protected forwardSequence?(ops: SequenceOps, input: Buf, masks: Buf): void;
  /**
   * The whole backward pass as one sequence op, after beginBackward(): carry holds the gradient reaching the final
   * state and receives dL/dh0; adds the parameters' gradients and the input's (into dInput), and writes each step's
   * total dL/dh_t into dhTotal.
   */
  protected backwardSequence?(ops: SequenceOps, input: Buf, masks: Buf, carry: Buf, dInput: Buf, dhTotal: Buf): void;

  /** Computes h_t (and whatever the cell keeps) from xproj's rows of step t and h_{t−1}. */
  protected abstract stepForward(t: number, mask: Float32Array | null): void;
  /**
   * Given the total dL/dh_t, writes the pre-activation gradients of step t into the projections'
   * dOut rows and the complete dL/dh_{t−1} (direct part + through W_hh) into dhPrev.
   */
  protected abstract stepBackward(t: number, mask: Float32Array | null, dh: Buf, dhPrev: Buf): void;

  /** Gate activations and states of sequence b over steps 0..steps−1, name → steps×H row-major: the gates, h, c. */
  trace(b: number, steps: number): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    const gates = this.gateValues();
    gates?.names.forEach((name, q) => (out[name] = this.traceBlocks(gates.values, gates.names.length, q, b, steps)));
    out.h = this.traceStates(this.hs, b, steps);
    const cs = this.cellStates();
    if (cs) out.c = this.traceStates(cs, b, steps);
    return out;
  }

  /** Block q (of G) of row b at step t of a T·B×G·H buffer. */
  private traceBlocks(buf: Buf, G: number, q: number, b: number, steps: number): number[] {
    const out: number[] = [];
    const { B, H } = this;
    for (let t = 0; t < steps; t++) {
      const o = (t * B + b) * G * H + q * H;
      for (let j = 0; j < H; j++) out.push(buf[o + j]);
    }
    return out;
  }
  /** Row b of the state slots holding s_t for t = 0..steps−1. */
  private traceStates(buf: Buf, b: number, steps: number): number[] {
    const out: number[] = [];
    const { B, H } = this;
    for (let t = 0; t < steps; t++) {
      const o = (this.slotOf(t) * B + b) * H;
      for (let j = 0; j < H; j++) out.push(buf[o + j]);
    }
    return out;
  }
}
