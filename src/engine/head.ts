// The output head over the top layer's outputs (time-major T·B×D):
//   "last":      logits of each sequence's last valid step
//   "all":       logits of every step
//   "attention": score_t = w·out_t + b, α = softmax over the valid steps, logits of Σ α_t out_t
// followed by nn.Linear(D, size) ("head.weight", "head.bias").

import type { Backend, Buf } from './backend';
import type { Param } from './params';
import type { HeadOutput } from './spec';

export interface HeadParams {
  weight: Param;
  bias: Param;
  attention: { weight: Param; bias: Param } | null;
}

export class HeadRun {
  /** Rows of logits: B ("last", "attention") or T·B ("all", time-major). */
  readonly rows: number;
  readonly Z: Buf;
  readonly dZ: Buf;
  /** The pooled/selected outputs, B×D ("last", "attention"). */
  private readonly P: Buf | null;
  private readonly dP: Buf | null;
  /** Attention scores, weights and score gradients, T·B. */
  private readonly S: Buf | null;
  private readonly alpha: Buf | null;
  private readonly dS: Buf | null;
  /** "last": local step of each sequence's output in this chunk, −1 if not in it. */
  readonly lastStep: Int32Array;
  /** "attention": number of valid steps of each sequence. */
  readonly validSteps: Int32Array;
  /** Per logits row: index of its target in the batch's y, −1 when the row has no loss term (filled by the model). */
  readonly target: Int32Array;

  constructor(
    private readonly be: Backend, private readonly kind: HeadOutput, private readonly B: number, private readonly T: number,
    private readonly D: number, private readonly size: number, private readonly p: HeadParams,
  ) {
    this.rows = kind === 'all' ? T * B : B;
    this.Z = be.alloc(this.rows * size);
    this.dZ = be.alloc(this.rows * size);
    this.P = kind === 'all' ? null : be.alloc(B * D);
    this.dP = kind === 'all' ? null : be.alloc(B * D);
    this.S = kind === 'attention' ? be.alloc(T * B) : null;
    this.alpha = kind === 'attention' ? be.alloc(T * B) : null;
    this.dS = kind === 'attention' ? be.alloc(T * B) : null;
    this.lastStep = new Int32Array(B);
    this.validSteps = new Int32Array(B);
    this.target = new Int32Array(this.rows);
  }

  /** Attention weights α (T·B, time-major), for inspection. */
  attentionWeights(): Buf | null {
    return this.alpha;
  }

  forward(top: Buf): void {
    const { be, B, T, D, size } = this;
    let input = top;
    if (this.kind === 'last') {
      const P = this.P!;
      for (let b = 0; b < B; b++) {
        const t = this.lastStep[b];
        if (t < 0) P.fill(0, b * D, (b + 1) * D);
        else P.set(top.subarray((t * B + b) * D, (t * B + b + 1) * D), b * D);
      }
      input = P;
    } else if (this.kind === 'attention') {
      const S = this.S!, alpha = this.alpha!, P = this.P!;
      const att = this.p.attention!;
      be.gemm(false, true, T * B, 1, D, top, att.weight.value, S, false);
      be.addRowVector(S, T * B, 1, att.bias.value);
      for (let b = 0; b < B; b++) {
        const V = this.validSteps[b];
        let m = -Infinity;
        for (let t = 0; t < V; t++) m = Math.max(m, S[t * B + b]);
        let s = 0;
        for (let t = 0; t < V; t++) s += Math.exp(S[t * B + b] - m);
        for (let t = 0; t < T; t++) alpha[t * B + b] = t < V ? Math.exp(S[t * B + b] - m) / s : 0;
        for (let j = 0; j < D; j++) {
          let acc = 0;
          for (let t = 0; t < V; t++) acc += alpha[t * B + b] * top[(t * B + b) * D + j];
          P[b * D + j] = acc;
        }
      }
      input = P;
    }
    be.gemm(false, true, this.rows, size, D, input, this.p.weight.value, this.Z, false);
    be.addRowVector(this.Z, this.rows, size, this.p.bias.value);
  }

  /** From dZ: accumulates head (and attention) parameter gradients and writes dL/dtop (T·B×D). */
  backward(top: Buf, dTop: Buf): void {
    const { be, B, T, D, size } = this;
    const input = this.kind === 'all' ? top : this.P!;
    be.gemm(true, false, size, D, this.rows, this.dZ, input, this.p.weight.grad, true);
    be.sumRows(this.dZ, this.rows, size, this.p.bias.grad);
    if (this.kind === 'all') {
      be.gemm(false, false, this.rows, D, size, this.dZ, this.p.weight.value, dTop, false);
      return;
    }
    const dP = this.dP!;
    be.gemm(false, false, B, D, size, this.dZ, this.p.weight.value, dP, false);
    dTop.fill(0);
    if (this.kind === 'last') {
      for (let b = 0; b < B; b++) {
        const t = this.lastStep[b];
        if (t >= 0) dTop.set(dP.subarray(b * D, (b + 1) * D), (t * B + b) * D);
      }
      return;
    }
    const alpha = this.alpha!, dS = this.dS!;
    const att = this.p.attention!;
    for (let b = 0; b < B; b++) {
      const V = this.validSteps[b];
      // pooled = Σ α_t out_t: dout_t = α_t dP, dα_t = dP·out_t; softmax: ds_t = α_t (dα_t − Σ α dα)
      let mean = 0;
      for (let t = 0; t < T; t++) {
        const r = t * B + b;
        let da = 0;
        if (t < V) {
          for (let j = 0; j < D; j++) {
            da += dP[b * D + j] * top[r * D + j];
            dTop[r * D + j] = alpha[r] * dP[b * D + j];
          }
        }
        dS[r] = da;
        mean += alpha[r] * da;
      }
      for (let t = 0; t < T; t++) {
        const r = t * B + b;
        dS[r] = t < V ? alpha[r] * (dS[r] - mean) : 0;
      }
    }
    be.gemm(true, false, 1, D, T * B, dS, top, att.weight.grad, true);
    be.sumRows(dS, T * B, 1, att.bias.grad);
    be.gemm(false, false, T * B, D, 1, dS, att.weight.value, dTop, true);
  }
}
