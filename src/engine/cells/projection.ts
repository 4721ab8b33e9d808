// One affine map used by the recurrent cells: out = LN(input·Wᵀ) + b (LN optional, per gate block),
// over a rows × width slab that holds every time step, so the input projection of all T steps is one
// gemm and the recurrent projection of step t fills rows [t·B, (t+1)·B).

import type { Backend, Buf } from '../backend';
import type { Param } from '../params';

/** A contiguous run of a parameter (some gate blocks of W or b) with its gradient. */
export interface Slice {
  value: Buf;
  grad: Buf;
}

export function slice(p: Param, from: number, to: number): Slice {
  return { value: p.value.subarray(from, to), grad: p.grad.subarray(from, to) };
}

export function whole(p: Param): Slice {
  return { value: p.value, grad: p.grad };
}

export interface LayerNormSlices {
  gamma: Slice;
  beta: Slice;
}

export class Projection {
  readonly width: number;
  /** Pre-activation contribution, rows × width. */
  readonly out: Buf;
  /** Its gradient, written by the cell's backward step (may be shared with another projection). */
  readonly dOut: Buf;
  private readonly raw: Buf | null;
  private readonly dRaw: Buf | null;
  private readonly mean: Buf | null;
  private readonly rstd: Buf | null;

  constructor(
    private readonly be: Backend,
    private readonly rows: number,
    readonly inWidth: number,
    private readonly groups: number,
    private readonly H: number,
    private readonly w: Slice,
    private readonly b: Slice,
    private readonly ln: LayerNormSlices | null,
    sharedDOut: Buf | null = null,
  ) {
    this.width = groups * H;
    const n = rows * this.width;
    this.out = be.alloc(n);
    this.dOut = sharedDOut ?? be.alloc(n);
    this.raw = ln ? be.alloc(n) : null;
    this.dRaw = ln ? be.alloc(n) : null;
    this.mean = ln ? be.alloc(rows * groups) : null;
    this.rstd = ln ? be.alloc(rows * groups) : null;
  }

  /** Rows [r0, r0+n) of a rows × w buffer. */
  private static rowsOf(buf: Buf, r0: number, n: number, w: number): Buf {
    return buf.subarray(r0 * w, (r0 + n) * w);
  }

  rowsOut(r0: number, n: number): Buf {
    return Projection.rowsOf(this.out, r0, n, this.width);
  }

  rowsDOut(r0: number, n: number): Buf {
    return Projection.rowsOf(this.dOut, r0, n, this.width);
  }

  /** out[r0..r0+n) = LN(input·Wᵀ) + b, input being n × inWidth. */
  forward(r0: number, n: number, input: Buf): void {
    const { be, width } = this;
    const out = this.rowsOut(r0, n);
    if (!this.ln) {
      be.gemm(false, true, n, width, this.inWidth, input, this.w.value, out, false);
    } else {
      const raw = Projection.rowsOf(this.raw!, r0, n, width);
      be.gemm(false, true, n, width, this.inWidth, input, this.w.value, raw, false);
      be.layerNormForward(n, this.groups, this.H, raw, this.ln.gamma.value, this.ln.beta.value, out,
        Projection.rowsOf(this.mean!, r0, n, this.groups), Projection.rowsOf(this.rstd!, r0, n, this.groups));
    }
    be.addRowVector(out, n, width, this.b.value);
  }

  /**
   * Back through LN (accumulating its γ, β gradients) to the gradient of input·Wᵀ for rows [r0, r0+n),
   * then dInput += that · W when dInput is given.
   */
  backward(r0: number, n: number, dInput: Buf | null): void {
    const { be, width } = this;
    let d = this.rowsDOut(r0, n);
    if (this.ln) {
      const dRaw = Projection.rowsOf(this.dRaw!, r0, n, width);
      be.layerNormBackward(n, this.groups, this.H, d, Projection.rowsOf(this.raw!, r0, n, width),
        Projection.rowsOf(this.mean!, r0, n, this.groups), Projection.rowsOf(this.rstd!, r0, n, this.groups),
        this.ln.gamma.value, dRaw, this.ln.gamma.grad, this.ln.beta.grad);
      d = dRaw;
    }
    if (dInput) be.gemm(false, false, n, this.inWidth, width, d, this.w.value, dInput, true);
  }

  /** After backward of every row: dW += dPreᵀ·input and db += Σ dOut over all rows, as two batched calls. */
  accumulateParamGrads(inputAll: Buf): void {
    this.be.gemm(true, false, this.width, this.inWidth, this.rows, this.dRaw ?? this.dOut, inputAll, this.w.grad, true);
    this.be.sumRows(this.dOut, this.rows, this.width, this.b.grad);
  }
}
