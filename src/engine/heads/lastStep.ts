// Head "last": logits of each sequence's last valid step. Under truncated BPTT a sequence has its loss term in
// the chunk holding that step only.

import type { Buf } from '../backend';
import { sequenceLength, type Batch } from '../batch';
import { PooledHead } from './head';

export class LastStepHead extends PooledHead {
  /** Local step of each sequence's last valid step in the loaded chunk, −1 when it is not in it. */
  private readonly lastStep = new Int32Array(this.B);

  load(batch: Batch, s: number, steps: number): void {
    for (let b = 0; b < this.B; b++) {
      const last = sequenceLength(batch, b) - 1 - s;
      this.lastStep[b] = last >= 0 && last < steps ? last : -1;
      this.target[b] = this.lastStep[b] < 0 ? -1 : b;
    }
  }

  protected pool(top: Buf): void {
    const { B, D, P } = this;
    for (let b = 0; b < B; b++) {
      const t = this.lastStep[b];
      if (t < 0) P.fill(0, b * D, (b + 1) * D);
      else P.set(top.subarray((t * B + b) * D, (t * B + b + 1) * D), b * D);
    }
  }

  protected unpool(_top: Buf, dTop: Buf): void {
    const { B, D, dP } = this;
    for (let b = 0; b < B; b++) {
      const t = this.lastStep[b];
      if (t >= 0) dTop.set(dP.subarray(b * D, (b + 1) * D), (t * B + b) * D);
    }
  }
}
