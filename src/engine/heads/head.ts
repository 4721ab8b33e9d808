// The output head over the top layer's outputs (time-major T·B×D): one subclass per head kind picks or pools the
// rows its linear layer reads, followed by nn.Linear(D, size) ("head.weight", "head.bias"), which is shared here.

import type { Backend, Buf } from '../backend';
import type { Batch } from '../batch';
import type { Param } from '../params';

export interface HeadParams {
  weight: Param;
  bias: Param;
  /** The attention head's scoring layer nn.Linear(D, 1), null for other heads. */
  attention: { weight: Param; bias: Param } | null;
}

export interface HeadShape {
  B: number;
  /** Steps of the graph. */
  T: number;
  /** Width of the top layer's outputs. */
  D: number;
  /** Output features. */
  size: number;
}

export abstract class Head {
  readonly B: number;
  readonly T: number;
  readonly D: number;
  readonly size: number;
  /** Logits, rows×size. */
  readonly Z: Buf;
  /** dL/dZ, written by the loss. */
  readonly dZ: Buf;
  /** Per logits row: index of its target in the batch's y, −1 when the row has no loss term (set by load). */
  readonly target: Int32Array;

  constructor(protected readonly be: Backend, protected readonly p: HeadParams, shape: HeadShape,
    /** Rows of logits: B, or T·B (time-major) for a head with one row per step. */
    readonly rows: number) {
    this.B = shape.B;
    this.T = shape.T;
    this.D = shape.D;
    this.size = shape.size;
    this.Z = be.alloc(rows * shape.size);
    this.dZ = be.alloc(rows * shape.size);
    this.target = new Int32Array(rows);
  }

  /** Takes what the head needs of steps [s, s+steps) of the batch: the steps it reads and each row's target. */
  abstract load(batch: Batch, s: number, steps: number): void;

  forward(top: Buf): void {
    const { be, rows, size, D } = this;
    this.pool(top);
    be.gemm(false, true, rows, size, D, this.linearInput(top), this.p.weight.value, this.Z, false);
    be.addRowVector(this.Z, rows, size, this.p.bias.value);
  }

  /** From dZ: accumulates the head's parameter gradients and writes dL/dtop (T·B×D). */
  backward(top: Buf, dTop: Buf): void {
    const { be, rows, size, D } = this;
    be.gemm(true, false, size, D, rows, this.dZ, this.linearInput(top), this.p.weight.grad, true);
    be.sumRows(this.dZ, rows, size, this.p.bias.grad);
    this.backwardInput(top, dTop);
  }

  /** Computes the linear layer's input from top (nothing to do when it reads top itself). */
  protected abstract pool(top: Buf): void;
  /** The rows×D rows the linear layer reads. */
  protected abstract linearInput(top: Buf): Buf;
  /** Writes dL/dtop from dZ, accumulating the pooling's own parameter gradients. */
  protected abstract backwardInput(top: Buf, dTop: Buf): void;
}

/** A head whose linear layer reads one row per sequence (B×D) made from that sequence's outputs. */
export abstract class PooledHead extends Head {
  /** The pooled rows, and their gradient. */
  protected readonly P: Buf;
  protected readonly dP: Buf;

  constructor(be: Backend, p: HeadParams, shape: HeadShape) {
    super(be, p, shape, shape.B);
    this.P = be.alloc(shape.B * shape.D);
    this.dP = be.alloc(shape.B * shape.D);
  }

  protected linearInput(): Buf {
    return this.P;
  }

  protected backwardInput(top: Buf, dTop: Buf): void {
    const { B, D, size } = this;
    this.be.gemm(false, false, B, D, size, this.dZ, this.p.weight.value, this.dP, false);
    dTop.fill(0);
    this.unpool(top, dTop);
  }

  /** Adds dP's contribution to each output into dTop (which starts at zero). */
  protected abstract unpool(top: Buf, dTop: Buf): void;
}
