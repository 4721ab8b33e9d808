// TransformerEncoderLayer's _ff_block, forward and backward side by side:
//   y = dropout2(linear2(dropout(act(linear1(x)))))
import type { Backend, Buf } from '../backend';
import type { Param } from '../params';
import { activate, activateBackward, type FeedForwardActivation } from './activation';
import { Dropout } from './dropout';
import { Linear } from './linear';

export interface FeedForwardParams {
  w1: Param;
  b1: Param;
  w2: Param;
  b2: Param;
}

export interface FeedForwardShape {
  B: number;
  T: number;
  d: number;
  /** dim_feedforward. */
  F: number;
}

/** Buffers the block needs only within one backward call, shared by every layer of a graph. */
export class FeedForwardScratch {
  readonly dOut: Buf;
  readonly dHidden: Buf;
  readonly dPre: Buf;

  constructor(be: Backend, s: FeedForwardShape) {
    this.dOut = be.alloc(s.B * s.T * s.d);
    this.dHidden = be.alloc(s.B * s.T * s.F);
    this.dPre = be.alloc(s.B * s.T * s.F);
  }
}

export class FeedForward {
  private readonly linear1: Linear;
  private readonly linear2: Linear;
  private readonly pre: Buf;
  private readonly hidden: Buf;
  private readonly out: Buf;
  private readonly hiddenDrop: Dropout;
  private readonly outDrop: Dropout;
  /** What linear2 read in the last forward pass (hidden, or its dropped copy). */
  private linear2In: Buf;

  constructor(be: Backend, p: FeedForwardParams, private readonly s: FeedForwardShape,
    private readonly activation: FeedForwardActivation, private readonly scratch: () => FeedForwardScratch) {
    const N = s.B * s.T;
    this.linear1 = new Linear(be, p.w1, p.b1);
    this.linear2 = new Linear(be, p.w2, p.b2);
    this.pre = be.alloc(N * s.F);
    this.hidden = be.alloc(N * s.F);
    this.out = be.alloc(N * s.d);
    this.hiddenDrop = new Dropout(be, { outer: s.B, T: s.T, width: s.F });
    this.outDrop = new Dropout(be, { outer: s.B, T: s.T, width: s.d });
    this.linear2In = this.hidden;
  }

  forward(x: Buf, steps: number, p: number, random: (() => number) | null): Buf {
    const { B, T, d, F } = this.s;
    this.linear1.forward(B * T, x, this.pre);
    activate(this.activation, this.pre, this.hidden, B * T * F);
    this.linear2In = this.hiddenDrop.forward(this.hidden, p, random, steps, F);
    this.linear2.forward(B * T, this.linear2In, this.out);
    return this.outDrop.forward(this.out, p, random, steps, d);
  }

  /** From dY, the gradient of the block's output: accumulates parameter gradients and writes (or adds) dL/dx into dX. */
  backward(x: Buf, dY: Buf, dX: Buf, accumulate: boolean): void {
    const { B, T, F } = this.s;
    const s = this.scratch();
    this.outDrop.backward(dY, s.dOut);
    this.linear2.backward(B * T, this.linear2In, s.dOut, s.dHidden);
    this.hiddenDrop.backward(s.dHidden, s.dHidden);
    activateBackward(this.activation, this.pre, s.dHidden, s.dPre, B * T * F);
    this.linear1.backward(B * T, x, s.dPre, dX, accumulate);
  }
}
