// Multi-head self-attention as torch.nn.MultiheadAttention computes it (batch_first), with dropout1 after it, as
// TransformerEncoderLayer's _sa_block: forward and backward side by side.
//
//   [q | k | v] = x·W_inᵀ + b_in;  per head: A = softmax(q·kᵀ/√dk over the row's valid keys);  A' = dropout(A);
//   o = concat_h(A'·v)·W_outᵀ + b_out;  y = dropout1(o)
//
// The valid keys of each query row (end padding and the causal mask) are softmaxRows' counts; the products are one
// backend.gemm per (sequence, head) on views, the softmax one backend call for all rows.
import type { Backend, Buf } from '../backend';
import type { Param } from '../params';
import { Dropout } from './dropout';
import { blocks, fromHeads, toHeads, type HeadLayout } from './heads';
import { Linear } from './linear';
import { once } from './once';

export interface AttentionParams {
  inWeight: Param;
  inBias: Param;
  outWeight: Param;
  outBias: Param;
}

export interface AttentionShape {
  B: number;
  T: number;
  d: number;
  heads: number;
}

/** Buffers an attention block needs only within one call, shared by every layer of a graph. */
export class AttentionScratch {
  /** Scores in the forward pass; the gradient of the attention weights in the backward pass. */
  readonly scores: Buf[];
  readonly scoresAll: Buf;
  /** The backward pass's buffers, made by the first backward pass. */
  readonly grads: () => AttentionGrads;

  constructor(be: Backend, s: AttentionShape) {
    const { B, T, heads } = s;
    this.scoresAll = be.alloc(B * heads * T * T);
    this.scores = blocks(this.scoresAll, B * heads, T * T);
    this.grads = once(() => new AttentionGrads(be, s));
  }
}

class AttentionGrads {
  readonly dScores: Buf[];
  readonly dScoresAll: Buf;
  readonly dHeads: Buf;
  readonly dHeadViews: Buf[];
  readonly dq: Buf[];
  readonly dk: Buf[];
  readonly dv: Buf[];
  readonly dqAll: Buf;
  readonly dkAll: Buf;
  readonly dvAll: Buf;
  /** Row layout: d(q|k|v) (N × 3d), d(context) and d(output projection) (N × d). */
  readonly dQkv: Buf;
  readonly dContext: Buf;
  readonly dOut: Buf;

  constructor(be: Backend, s: AttentionShape) {
    const { B, T, d, heads } = s;
    const G = B * heads, dk = d / heads;
    this.dScoresAll = be.alloc(G * T * T);
    this.dScores = blocks(this.dScoresAll, G, T * T);
    this.dHeads = be.alloc(G * T * dk);
    this.dHeadViews = blocks(this.dHeads, G, T * dk);
    [this.dqAll, this.dkAll, this.dvAll] = [be.alloc(G * T * dk), be.alloc(G * T * dk), be.alloc(G * T * dk)];
    [this.dq, this.dk, this.dv] = [this.dqAll, this.dkAll, this.dvAll].map((b) => blocks(b, G, T * dk));
    this.dQkv = be.alloc(B * T * 3 * d);
    this.dContext = be.alloc(B * T * d);
    this.dOut = be.alloc(B * T * d);
  }
}

export class SelfAttention {
  /** Attention weights of the last forward pass, B·heads blocks of T×T (query rows, key columns). */
  readonly probs: Buf;
  private readonly layout: HeadLayout;
  private readonly inProj: Linear;
  private readonly outProj: Linear;
  private readonly qkv: Buf;
  private readonly qAll: Buf;
  private readonly kAll: Buf;
  private readonly vAll: Buf;
  private readonly q: Buf[];
  private readonly k: Buf[];
  private readonly v: Buf[];
  private readonly probViews: Buf[];
  private readonly droppedViews: () => Buf[];
  private readonly headsAll: Buf;
  private readonly headViews: Buf[];
  private readonly context: Buf;
  private readonly projected: Buf;
  private readonly weightDrop: Dropout;
  private readonly outDrop: Dropout;
  private readonly G: number;
  private readonly scale: number;

  constructor(private readonly be: Backend, p: AttentionParams, private readonly s: AttentionShape, private readonly scratch: AttentionScratch) {
    const { B, T, d, heads } = s;
    const dk = d / heads;
    this.G = B * heads;
    this.scale = 1 / Math.sqrt(dk);
    this.layout = { B, T, heads, dk };
    this.inProj = new Linear(be, p.inWeight, p.inBias);
    this.outProj = new Linear(be, p.outWeight, p.outBias);
    this.qkv = be.alloc(B * T * 3 * d);
    [this.qAll, this.kAll, this.vAll] = [be.alloc(B * T * d), be.alloc(B * T * d), be.alloc(B * T * d)];
    [this.q, this.k, this.v] = [this.qAll, this.kAll, this.vAll].map((b) => blocks(b, this.G, T * dk));
    this.probs = be.alloc(this.G * T * T);
    this.probViews = blocks(this.probs, this.G, T * T);
    this.weightDrop = new Dropout(be, { outer: this.G, T, width: T });
    this.droppedViews = once(() => blocks(this.weightDrop.buffers().out, this.G, T * T));
    this.headsAll = be.alloc(B * T * d);
    this.headViews = blocks(this.headsAll, this.G, T * dk);
    this.context = be.alloc(B * T * d);
    this.projected = be.alloc(B * T * d);
    this.outDrop = new Dropout(be, { outer: B, T, width: d });
  }

  /** The block's output for input x (N × d); valid: the keys each of the B·heads·T query rows attends to. */
  forward(x: Buf, valid: Int32Array, steps: number, p: number, random: (() => number) | null): Buf {
    const { be, G, layout, scratch } = this;
    const { B, T, d } = this.s;
    const dk = layout.dk;
    this.inProj.forward(B * T, x, this.qkv);
    toHeads(layout, this.qkv, 3 * d, 0, this.qAll, this.scale);
    toHeads(layout, this.qkv, 3 * d, d, this.kAll);
    toHeads(layout, this.qkv, 3 * d, 2 * d, this.vAll);
    for (let g = 0; g < G; g++) be.gemm(false, true, T, T, dk, this.q[g], this.k[g], scratch.scores[g], false);
    be.softmaxRows(G * T, T, scratch.scoresAll, valid, this.probs);
    this.weightDrop.forward(this.probs, p, random, steps, steps);
    const weights = this.weightDrop.active ? this.droppedViews() : this.probViews;
    for (let g = 0; g < G; g++) be.gemm(false, false, T, dk, T, weights[g], this.v[g], this.headViews[g], false);
    fromHeads(layout, this.headsAll, this.context, d, 0);
    this.outProj.forward(B * T, this.context, this.projected);
    return this.outDrop.forward(this.projected, p, random, steps, d);
  }

  /** From dY, the gradient of the block's output: accumulates parameter gradients and writes (or adds) dL/dx into dX. */
  backward(x: Buf, dY: Buf, dX: Buf, accumulate: boolean): void {
    const { be, G, layout } = this;
    const { B, T, d } = this.s;
    const dk = layout.dk;
    const scores = this.scratch.scores, scoresAll = this.scratch.scoresAll;
    const s = this.scratch.grads();
    this.outDrop.backward(dY, s.dOut);
    this.outProj.backward(B * T, this.context, s.dOut, s.dContext);
    toHeads(layout, s.dContext, d, 0, s.dHeads);
    const weights = this.weightDrop.active ? this.droppedViews() : this.probViews;
    for (let g = 0; g < G; g++) {
      be.gemm(false, true, T, T, dk, s.dHeadViews[g], this.v[g], scores[g], false); // dA' = dC·vᵀ
      be.gemm(true, false, T, dk, T, weights[g], s.dHeadViews[g], s.dv[g], false); //  dv = A'ᵀ·dC
    }
    this.weightDrop.backward(scoresAll, scoresAll);
    be.softmaxRowsBackward(G * T, T, this.probs, scoresAll, s.dScoresAll);
    for (let g = 0; g < G; g++) {
      be.gemm(false, false, T, dk, T, s.dScores[g], this.k[g], s.dq[g], false); // d(q/√dk) = dS·k
      be.gemm(true, false, T, dk, T, s.dScores[g], this.q[g], s.dk[g], false); //   dk = dSᵀ·(q/√dk)
    }
    fromHeads(layout, s.dqAll, s.dQkv, 3 * d, 0, this.scale);
    fromHeads(layout, s.dkAll, s.dQkv, 3 * d, d);
    fromHeads(layout, s.dvAll, s.dQkv, 3 * d, 2 * d);
    this.inProj.backward(B * T, x, s.dQkv, dX, accumulate);
  }
}
