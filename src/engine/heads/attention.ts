// Head "attention": score_t = w·out_t + b, α = softmax over the sequence's valid steps, logits of Σ α_t out_t.
// It pools over the whole sequence, so it never runs under truncated BPTT.

import type { Backend, Buf } from '../backend';
import { sequenceLength, type Batch } from '../batch';
import { PooledHead, type HeadParams, type HeadShape } from './head';

export class AttentionHead extends PooledHead {
  /** Scores, weights α and score gradients, T·B time-major. */
  private readonly S: Buf;
  private readonly alpha: Buf;
  private readonly dS: Buf;
  /** Valid steps of each sequence. */
  private readonly validSteps: Int32Array;
  private readonly att: NonNullable<HeadParams['attention']>;

  constructor(be: Backend, p: HeadParams, shape: HeadShape) {
    super(be, p, shape);
    if (!p.attention) throw new Error('internal: attention head without attention parameters');
    this.att = p.attention;
    const n = shape.T * shape.B;
    this.S = be.alloc(n);
    this.alpha = be.alloc(n);
    this.dS = be.alloc(n);
    this.validSteps = new Int32Array(shape.B);
  }

  load(batch: Batch, s: number, steps: number): void {
    for (let b = 0; b < this.B; b++) {
      this.validSteps[b] = Math.max(0, Math.min(steps, sequenceLength(batch, b) - s));
      this.target[b] = b;
    }
  }

  protected pool(top: Buf): void {
    const { be, B, T, D, S, alpha, P } = this;
    be.gemm(false, true, T * B, 1, D, top, this.att.weight.value, S, false);
    be.addRowVector(S, T * B, 1, this.att.bias.value);
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
  }

  protected unpool(top: Buf, dTop: Buf): void {
    const { be, B, T, D, alpha, dS, dP } = this;
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
    be.gemm(true, false, 1, D, T * B, dS, top, this.att.weight.grad, true);
    be.sumRows(dS, T * B, 1, this.att.bias.grad);
    be.gemm(false, false, T * B, D, 1, dS, this.att.weight.value, dTop, true);
  }
}
