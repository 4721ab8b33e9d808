// Elman RNN (torch.nn.RNN): h_t = act(W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh).

import type { Activation, Backend, Buf, SequenceOps } from '../backend';
import { Direction, type DirectionParams, type DirectionShape } from './direction';
import type { Projection } from './projection';

export class RnnDirection extends Direction {
  /** W_hh·h_{t−1} + b_hh; shares its gradient with xproj (both are added into the same pre-activation). */
  private readonly hproj: Projection;

  constructor(be: Backend, p: DirectionParams, shape: DirectionShape, private readonly act: Activation) {
    super(be, p, shape, 1);
    this.hproj = this.recurrentProjection(true);
  }

  protected stepForward(t: number, mask: Float32Array | null): void {
    const { B, H } = this;
    const hPrev = this.hPrev(t);
    this.hproj.forward(t * B, B, hPrev);
    this.be.rnnForward(this.act, B, H, this.xproj.rowsOut(t * B, B), this.hproj.rowsOut(t * B, B), hPrev, mask, this.h(t));
  }

  protected stepBackward(t: number, mask: Float32Array | null, dh: Buf, dhPrev: Buf): void {
    const { B, H } = this;
    // dpre = dh⊙act'(pre); dh_{t−1} = dpreᵀ·W_hh (+ dh on padded rows)
    this.be.rnnBackward(this.act, B, H, this.h(t), dh, mask, this.xproj.rowsDOut(t * B, B), dhPrev);
    this.hproj.backward(t * B, B, dhPrev);
  }

  protected forwardSequence(ops: SequenceOps, input: Buf, masks: Buf): void {
    const { B, T, H, p } = this;
    ops.rnnSequenceForward(this.act, B, T, H, T + 1, this.xproj.inWidth, this.reverse, input, p.wIh.value, p.bIh.value,
      p.wHh.value, p.bHh.value, masks, this.hs);
  }

  protected backwardSequence(ops: SequenceOps, input: Buf, masks: Buf, carry: Buf, dInput: Buf, dhTotal: Buf): void {
    const { B, T, H, p } = this;
    ops.rnnSequenceBackward(this.act, B, T, H, T + 1, this.xproj.inWidth, this.reverse, this.hs, this.dhs, input, p.wIh.value,
      p.wHh.value, masks, carry, dInput, p.wIh.grad, p.bIh.grad, p.wHh.grad, p.bHh.grad, dhTotal);
  }
}
