// nn.LayerNorm(d) (eps 1e-5) over rows, forward and backward: the backend's per-group layer norm with one group.
import type { Backend, Buf } from '../backend';
import type { Param } from '../params';

export class LayerNorm {
  /** Normalized rows × d. */
  readonly out: Buf;
  private readonly mean: Buf;
  private readonly rstd: Buf;
  /** The input of the last forward pass. */
  private input: Buf | null = null;

  constructor(private readonly be: Backend, private readonly weight: Param, private readonly bias: Param,
    private readonly rows: number, private readonly d: number) {
    this.out = be.alloc(rows * d);
    this.mean = be.alloc(rows);
    this.rstd = be.alloc(rows);
  }

  forward(x: Buf): Buf {
    this.input = x;
    this.be.layerNormForward(this.rows, 1, this.d, x, this.weight.value, this.bias.value, this.out, this.mean, this.rstd);
    return this.out;
  }

  /** Writes dx from dy (they may not alias) and accumulates the weight and bias gradients. */
  backward(dy: Buf, dx: Buf): void {
    if (!this.input) throw new Error('internal: layer norm backward before forward');
    this.be.layerNormBackward(this.rows, 1, this.d, dy, this.input, this.mean, this.rstd, this.weight.value, dx, this.weight.grad, this.bias.grad);
  }
}
