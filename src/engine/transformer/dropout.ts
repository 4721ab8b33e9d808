// Inverted dropout on a batch-first block of activations, with the mask drawn from the caller's uniform [0, 1) stream:
// a unit is dropped when its draw is < p and kept ×1/(1−p) otherwise, so expectations match evaluation.
//
// The layout is `outer` blocks of T rows of `width` values (B×T×d activations; B·heads×T×T attention weights). Draws
// cover the loaded steps only, in row-major order: rows t < steps of every block, and of each row its first
// `drawnWidth` values (all of them, or the loaded steps of an attention row); everything else is kept as it is.
import type { Backend, Buf } from '../backend';
import { once } from './once';

export interface DropoutLayout {
  outer: number;
  T: number;
  width: number;
  steps: number;
  drawnWidth: number;
}

export class Dropout {
  /** The dropped values and the mask, allocated by the first forward pass that drops. */
  readonly buffers: () => { out: Buf; mask: Buf };
  private readonly n: number;
  /** Whether the last forward pass dropped anything (then backward scales by the mask). */
  active = false;

  constructor(be: Backend, private readonly layout: Omit<DropoutLayout, 'steps' | 'drawnWidth'>) {
    const n = (this.n = layout.outer * layout.T * layout.width);
    this.buffers = once(() => ({ out: be.alloc(n), mask: be.alloc(n) }));
  }

  /** out = x·mask with a fresh mask, or x itself when random is null (evaluation, or p = 0). */
  forward(x: Buf, p: number, random: (() => number) | null, steps: number, drawnWidth: number): Buf {
    this.active = random !== null && p > 0;
    if (!this.active) return x;
    const { outer, T, width } = this.layout;
    const { mask, out } = this.buffers();
    mask.fill(1);
    const keep = 1 / (1 - p);
    for (let o = 0; o < outer; o++)
      for (let t = 0; t < steps; t++) {
        const row = (o * T + t) * width;
        for (let j = 0; j < drawnWidth; j++) mask[row + j] = random!() < p ? 0 : keep;
      }
    for (let i = 0; i < this.n; i++) out[i] = x[i] * mask[i];
    return out;
  }

  /** dx = dy·mask after an active forward pass (dx may be dy); otherwise dx = dy. */
  backward(dy: Buf, dx: Buf): void {
    if (!this.active) {
      if (dx !== dy) dx.set(dy.subarray(0, this.n));
      return;
    }
    const { mask } = this.buffers();
    for (let i = 0; i < this.n; i++) dx[i] = dy[i] * mask[i];
  }
}
