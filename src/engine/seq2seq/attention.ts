// Attention of a decoder over the encoder's outputs, for B sequences of S source and U target steps, forward and
// backward side by side. Per sequence b, with its encoder outputs V_b (S×De) as values and keys K_b (S×A):
//
//   scores  E_b = Q_b·K_bᵀ (dot: K = V; general: K = V·W_aᵀ)  or  e_ts = v·tanh(q_t + k_s) (additive: q = W_q·h_t,
//           k = W_k·h̄_s + b_k);  weights A_b = softmax over the first len_b source steps (padding gets 0);
//   context C_b = A_b·V_b.
//
// Queries, scores, weights and contexts are kept batch-first (B×U×…) so that each sequence's block is contiguous and
// every product is one gemm per sequence over a chunk of decoder steps: all U at once when teacher forcing lets the
// decoder run ahead of its attention, one step at a time otherwise. The decoder's own rows are time-major (U·B×…).

import type { Backend, Buf } from '../backend';
import type { Param } from '../params';
import type { AttentionType } from '../spec';

export interface AttentionParams {
  /** additive only: query (H×H, no bias), v (1×H). */
  query: Param | null;
  v: Param | null;
  /** additive (with bias) and general (without): the key projection, A×De. */
  key: Param | null;
  keyBias: Param | null;
}

export interface AttentionShape {
  B: number;
  /** Source steps of the graph. */
  S: number;
  /** Target steps of the graph. */
  U: number;
  /** Width of the encoder outputs. */
  De: number;
  /** Width of the decoder state (and of keys and queries). */
  H: number;
  /** false: forward only, one decoder step at a time (decoding), so the additive tanh terms of one step are kept. */
  forBackward: boolean;
}

export class Attention {
  readonly B: number;
  readonly S: number;
  readonly U: number;
  readonly De: number;
  readonly A: number;
  /** Attention weights, B×U×S: row (b, t) is step t's distribution over the source of sequence b. */
  readonly weights: Buf;
  private readonly values: Buf;
  private readonly dValues: Buf;
  private readonly keys: Buf;
  private readonly dKeys: Buf;
  private readonly queries: Buf;
  private readonly dQueries: Buf;
  /** additive: W_q·h_t time-major (U·B×A) and its gradient. */
  private readonly projected: Buf | null;
  private readonly dProjected: Buf | null;
  private readonly scores: Buf;
  private readonly dScores: Buf;
  private readonly dWeights: Buf;
  private readonly contexts: Buf;
  private readonly dContexts: Buf;
  /** additive: tanh(q_t + k_s) per (b, t, s), B×U×S×A (or B×S×A for one step when forward only). */
  private readonly th: Buf | null;
  /** Per sequence, U copies of its source length: softmaxRows' counts for any chunk of its rows. */
  private readonly valid: Int32Array[];

  constructor(private readonly be: Backend, readonly type: Exclude<AttentionType, 'none'>, private readonly p: AttentionParams, shape: AttentionShape) {
    const { B, S, U, De, H } = shape;
    this.B = B; this.S = S; this.U = U; this.De = De; this.A = H;
    const A = H;
    this.values = be.alloc(B * S * De);
    this.dValues = be.alloc(B * S * De);
    // dot attention's keys are the values themselves (and so are their gradients: both accumulate).
    this.keys = type === 'dot' ? this.values : be.alloc(B * S * A);
    this.dKeys = type === 'dot' ? this.dValues : be.alloc(B * S * A);
    this.queries = be.alloc(B * U * A);
    this.dQueries = be.alloc(B * U * A);
    this.projected = type === 'additive' ? be.alloc(U * B * A) : null;
    this.dProjected = type === 'additive' ? be.alloc(U * B * A) : null;
    this.scores = be.alloc(B * U * S);
    this.dScores = be.alloc(B * U * S);
    this.weights = be.alloc(B * U * S);
    this.dWeights = be.alloc(B * U * S);
    this.contexts = be.alloc(B * U * De);
    this.dContexts = be.alloc(B * U * De);
    this.th = type === 'additive' ? be.alloc(B * (shape.forBackward ? U : 1) * S * A) : null;
    this.valid = Array.from({ length: B }, () => new Int32Array(U));
  }

  /**
   * Takes the encoder's top-layer outputs (time-major S·B×De) as values, projects the keys, and each sequence's
   * source length (1..S) from `length`.
   */
  setKeys(encoderTop: Buf, length: (b: number) => number): void {
    const { be, B, S, De, A, p } = this;
    for (let s = 0; s < S; s++)
      for (let b = 0; b < B; b++) this.values.set(encoderTop.subarray((s * B + b) * De, (s * B + b + 1) * De), (b * S + s) * De);
    for (let b = 0; b < B; b++) this.valid[b].fill(length(b));
    if (this.type === 'dot') return;
    be.gemm(false, true, B * S, A, De, this.values, p.key!.value, this.keys, false);
    if (p.keyBias) be.addRowVector(this.keys, B * S, A, p.keyBias.value);
  }

  /** Clears what the backward passes accumulate; call before the first backward(). */
  beginBackward(): void {
    this.dValues.fill(0);
    if (this.dKeys !== this.dValues) this.dKeys.fill(0);
  }

  /**
   * Steps [t0, t0+n) (n = 1 when forward only): queries from h (the decoder's top states, time-major U·B×H), and each
   * step's context written into the first De columns of rows t·B+b of out (time-major, `width` columns per row).
   */
  forward(t0: number, n: number, h: Buf, out: Buf, width: number): void {
    const { be, B, U, S, De, A } = this;
    if (!this.keepsAll() && n !== 1) throw new Error('internal: a forward-only attention runs one step at a time');
    let q = h.subarray(t0 * B * A, (t0 + n) * B * A);
    if (this.projected) {
      const rows = this.projected.subarray(t0 * B * A, (t0 + n) * B * A);
      be.gemm(false, true, n * B, A, A, q, this.p.query!.value, rows, false);
      q = rows;
    }
    for (let t = t0; t < t0 + n; t++)
      for (let b = 0; b < B; b++) this.queries.set(q.subarray(((t - t0) * B + b) * A, ((t - t0) * B + b + 1) * A), (b * U + t) * A);
    for (let b = 0; b < B; b++) {
      const e = this.rowsOf(this.scores, b, t0, n, S);
      const qb = this.rowsOf(this.queries, b, t0, n, A);
      const kb = this.keys.subarray(b * S * A, (b + 1) * S * A);
      if (this.th) be.additiveScores(n, S, A, qb, kb, this.p.v!.value, this.thOf(b, t0, n), e);
      else be.gemm(false, true, n, S, A, qb, kb, e, false);
      const w = this.rowsOf(this.weights, b, t0, n, S);
      be.softmaxRows(n, S, e, this.valid[b].subarray(0, n), w);
      be.gemm(false, false, n, De, S, w, this.values.subarray(b * S * De, (b + 1) * S * De), this.rowsOf(this.contexts, b, t0, n, De), false);
    }
    for (let t = t0; t < t0 + n; t++)
      for (let b = 0; b < B; b++) out.set(this.contexts.subarray((b * U + t) * De, (b * U + t + 1) * De), (t * B + b) * width);
  }

  /**
   * Back through steps [t0, t0+n): dL/d(context) from the first De columns of dOut's rows (time-major, `width`
   * columns), into the values and keys (accumulated until finishBackward) and dL/dh added into dh (U·B×H).
   */
  backward(t0: number, n: number, dOut: Buf, width: number, dh: Buf): void {
    const { be, B, U, S, De, A } = this;
    for (let t = t0; t < t0 + n; t++)
      for (let b = 0; b < B; b++) this.dContexts.set(dOut.subarray((t * B + b) * width, (t * B + b) * width + De), (b * U + t) * De);
    for (let b = 0; b < B; b++) {
      const dc = this.rowsOf(this.dContexts, b, t0, n, De);
      const w = this.rowsOf(this.weights, b, t0, n, S);
      const dw = this.rowsOf(this.dWeights, b, t0, n, S);
      const vb = this.values.subarray(b * S * De, (b + 1) * S * De);
      // C = A·V: dA = dC·Vᵀ, dV += Aᵀ·dC
      be.gemm(false, true, n, S, De, dc, vb, dw, false);
      be.gemm(true, false, S, De, n, w, dc, this.dValues.subarray(b * S * De, (b + 1) * S * De), true);
      const de = this.rowsOf(this.dScores, b, t0, n, S);
      be.softmaxRowsBackward(n, S, w, dw, de);
      const dq = this.rowsOf(this.dQueries, b, t0, n, A);
      const dk = this.dKeys.subarray(b * S * A, (b + 1) * S * A);
      if (this.th) be.additiveScoresBackward(n, S, A, this.thOf(b, t0, n), this.p.v!.value, de, dq, dk, this.p.v!.grad);
      else {
        // E = Q·Kᵀ: dQ = dE·K, dK += dEᵀ·Q
        be.gemm(false, false, n, A, S, de, this.keys.subarray(b * S * A, (b + 1) * S * A), dq, false);
        be.gemm(true, false, S, A, n, de, this.rowsOf(this.queries, b, t0, n, A), dk, true);
      }
    }
    this.queryBackward(t0, n, dh);
  }

  /** dL/d(queries) of steps [t0, t0+n) back to the decoder states (through W_q for additive attention). */
  private queryBackward(t0: number, n: number, dh: Buf): void {
    const { B, U, A } = this;
    const dhRows = dh.subarray(t0 * B * A, (t0 + n) * B * A);
    const target = this.dProjected ? this.dProjected.subarray(t0 * B * A, (t0 + n) * B * A) : null;
    for (let t = t0; t < t0 + n; t++)
      for (let b = 0; b < B; b++) {
        const src = (b * U + t) * A, dst = ((t - t0) * B + b) * A;
        if (target) target.set(this.dQueries.subarray(src, src + A), dst);
        else for (let j = 0; j < A; j++) dhRows[dst + j] += this.dQueries[src + j];
      }
    if (target) this.be.gemm(false, false, n * B, A, A, target, this.p.query!.value, dhRows, true);
  }

  /**
   * After every step's backward: the query and key projections' parameter gradients, and dL/d(encoder outputs)
   * written (time-major S·B×De) into dEncoderTop. h: the decoder's top states of every step (U·B×H).
   */
  finishBackward(h: Buf, dEncoderTop: Buf): void {
    const { be, B, U, S, De, A, p } = this;
    if (this.dProjected) be.gemm(true, false, A, A, U * B, this.dProjected, h, p.query!.grad, true);
    if (this.type !== 'dot') {
      be.gemm(true, false, A, De, B * S, this.dKeys, this.values, p.key!.grad, true);
      if (p.keyBias) be.sumRows(this.dKeys, B * S, A, p.keyBias.grad);
      be.gemm(false, false, B * S, De, A, this.dKeys, p.key!.value, this.dValues, true);
    }
    for (let s = 0; s < S; s++)
      for (let b = 0; b < B; b++) dEncoderTop.set(this.dValues.subarray((b * S + s) * De, (b * S + s + 1) * De), (s * B + b) * De);
  }

  /** Weights of sequence b at step t over its source steps (a view). */
  weightsAt(b: number, t: number): Buf {
    const o = (b * this.U + t) * this.S;
    return this.weights.subarray(o, o + this.valid[b][0]);
  }

  /** True when the additive tanh terms of every step are kept (for backward), not only those of the current one. */
  private keepsAll(): boolean {
    return this.th === null || this.th.length === this.B * this.U * this.S * this.A;
  }

  /** Rows [t0, t0+n) of sequence b in a batch-first B×U×w buffer. */
  private rowsOf(buf: Buf, b: number, t0: number, n: number, w: number): Buf {
    return buf.subarray((b * this.U + t0) * w, (b * this.U + t0 + n) * w);
  }

  /** The additive tanh terms of sequence b, steps [t0, t0+n). */
  private thOf(b: number, t0: number, n: number): Buf {
    const { S, A } = this;
    const th = this.th!;
    if (!this.keepsAll()) return th.subarray(b * S * A, (b + 1) * S * A);
    return th.subarray((b * this.U + t0) * S * A, (b * this.U + t0 + n) * S * A);
  }
}
