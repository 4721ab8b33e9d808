// Head "all": logits of every step (T·B rows, time-major); padded steps have no loss term.

import type { Backend, Buf } from '../backend';
import { sequenceLength, type Batch } from '../batch';
import { Head, type HeadParams, type HeadShape } from './head';

export class AllStepsHead extends Head {
  constructor(be: Backend, p: HeadParams, shape: HeadShape) {
    super(be, p, shape, shape.T * shape.B);
  }

  load(batch: Batch, s: number, steps: number): void {
    const { B, T } = this;
    for (let t = 0; t < T; t++)
      for (let b = 0; b < B; b++) this.target[t * B + b] = t < steps && s + t < sequenceLength(batch, b) ? b * batch.T + s + t : -1;
  }

  protected pool(): void {}

  protected linearInput(top: Buf): Buf {
    return top;
  }

  protected backwardInput(_top: Buf, dTop: Buf): void {
    this.be.gemm(false, false, this.rows, this.D, this.size, this.dZ, this.p.weight.value, dTop, false);
  }
}
