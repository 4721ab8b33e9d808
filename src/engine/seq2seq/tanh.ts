// An elementwise tanh layer run through the backend's simple-RNN step: with no recurrent term, h = tanh(x + 0) and
// its backward dx = dh·(1 − h²), so every backend runs it with the kernels it already has (SIMD on WASM).

import type { Backend, Buf } from '../backend';

export class TanhLayer {
  private readonly zeros: Buf;
  private readonly scratch: Buf;

  /** rows × width is the largest block it is asked to handle. */
  constructor(private readonly be: Backend, rows: number, private readonly width: number) {
    this.zeros = be.alloc(rows * width);
    this.scratch = be.alloc(rows * width);
  }

  /** y = tanh(x) on rows × width. */
  forward(rows: number, x: Buf, y: Buf): void {
    const n = rows * this.width;
    this.be.rnnForward('tanh', rows, this.width, x, this.zeros.subarray(0, n), this.zeros.subarray(0, n), null, y);
  }

  /** dx = dy⊙(1 − y²) on rows × width (dx may be dy itself). */
  backward(rows: number, y: Buf, dy: Buf, dx: Buf): void {
    this.be.rnnBackward('tanh', rows, this.width, y, dy, null, dx, this.scratch.subarray(0, rows * this.width));
  }
}
