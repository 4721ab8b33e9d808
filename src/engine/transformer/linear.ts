// nn.Linear over a block of rows, forward and backward side by side: y = x·Wᵀ + b.
import type { Backend, Buf } from '../backend';
import type { Param } from '../params';

export class Linear {
  readonly inF: number;
  readonly outF: number;

  constructor(private readonly be: Backend, readonly weight: Param, readonly bias: Param) {
    [this.outF, this.inF] = weight.shape;
  }

  /** y (rows × outF) = x (rows × inF)·Wᵀ + b. */
  forward(rows: number, x: Buf, y: Buf): void {
    this.be.gemm(false, true, rows, this.outF, this.inF, x, this.weight.value, y, false);
    this.be.addRowVector(y, rows, this.outF, this.bias.value);
  }

  /** dW += dyᵀ·x and db += Σ dy; then dx = dy·W (or dx += dy·W when accumulate) when dx is given. */
  backward(rows: number, x: Buf, dy: Buf, dx: Buf | null, accumulate = false): void {
    const { be, inF, outF } = this;
    be.gemm(true, false, outF, inF, rows, dy, x, this.weight.grad, true);
    be.sumRows(dy, rows, outF, this.bias.grad);
    if (dx) be.gemm(false, false, rows, inF, outF, dy, this.weight.value, dx, accumulate);
  }
}
