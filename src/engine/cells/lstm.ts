// LSTM (torch.nn.LSTM): [i f g o] = [σ σ tanh σ](W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh),
// c_t = f⊙c_{t−1} + i⊙g, h_t = o⊙tanh(c_t).

import type { Backend, Buf, SequenceOps } from '../backend';
import { Direction, type DirectionParams, type DirectionShape } from './direction';
import type { Projection } from './projection';

const GATE_NAMES = ['i', 'f', 'g', 'o'];

export class LstmDirection extends Direction {
  private readonly hproj: Projection;
  /** Activated gates i, f, g, o per step, T·B×4H. */
  private readonly gates: Buf;
  /** Cell states in the same slot layout as hs. */
  private readonly cs: Buf;
  /** dL/dc carried backwards through time. */
  private readonly dc: Buf;

  constructor(be: Backend, p: DirectionParams, shape: DirectionShape) {
    super(be, p, shape, 4);
    const { B, T, H } = shape;
    this.hproj = this.recurrentProjection(true);
    this.gates = be.alloc(T * B * 4 * H);
    this.cs = be.alloc((T + 1) * B * H);
    this.dc = be.alloc(B * H);
  }

  protected cellStates(): Buf {
    return this.cs;
  }
  protected gateValues(): { names: readonly string[]; values: Buf } {
    return { names: GATE_NAMES, values: this.gates };
  }

  protected stepForward(t: number, mask: Float32Array | null): void {
    const { B, H } = this;
    const hPrev = this.hPrev(t);
    this.hproj.forward(t * B, B, hPrev);
    this.be.lstmForward(B, H, this.xproj.rowsOut(t * B, B), this.hproj.rowsOut(t * B, B), hPrev,
      this.slot(this.cs, this.prevSlotOf(t)), mask, this.stepRows(this.gates, t, 4 * H),
      this.slot(this.cs, this.slotOf(t)), this.h(t));
  }

  protected resetCellCarry(c: Buf | null): void {
    if (c) this.dc.set(c);
    else this.dc.fill(0);
  }

  protected cellCarry(): Buf {
    return this.dc;
  }

  protected stepBackward(t: number, mask: Float32Array | null, dh: Buf, dhPrev: Buf): void {
    const { B, H } = this;
    // dc_t = dc + dh⊙o⊙tanh'(c_t); gate gradients from c_t and h_t; dc ← dc_t⊙f; dh_{t−1} = dpreᵀ·W_hh
    this.be.lstmBackward(B, H, this.stepRows(this.gates, t, 4 * H), this.slot(this.cs, this.prevSlotOf(t)),
      this.slot(this.cs, this.slotOf(t)), dh, this.dc, mask, this.xproj.rowsDOut(t * B, B), dhPrev);
    this.hproj.backward(t * B, B, dhPrev);
  }

  protected forwardSequence(ops: SequenceOps, input: Buf, masks: Buf): void {
    const { B, T, H, p } = this;
    ops.lstmSequenceForward(B, T, H, T + 1, this.xproj.inWidth, this.reverse, input, p.wIh.value, p.bIh.value, p.wHh.value,
      p.bHh.value, masks, this.hs, this.cs, this.gates);
  }

  protected backwardSequence(ops: SequenceOps, input: Buf, masks: Buf, carry: Buf, dInput: Buf, dhTotal: Buf): void {
    const { B, T, H, p } = this;
    ops.lstmSequenceBackward(B, T, H, T + 1, this.xproj.inWidth, this.reverse, this.gates, this.cs, this.hs, this.dhs, input,
      p.wIh.value, p.wHh.value, masks, carry, this.dc, dInput, p.wIh.grad, p.bIh.grad, p.wHh.grad, p.bHh.grad, dhTotal);
  }
}
