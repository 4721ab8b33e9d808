// The decoder unrolled over U target steps for a batch of B, forward and backward side by side:
//
//   x_t  = [embed(y_{t−1}); h̃_{t−1} with input feeding]        y_{−1} = the start token, h̃_{−1} = 0
//   h_t  = the stacked cells (same kind, size and layers as the encoder), started from the bridge's h0 (c0)
//   c_t  = attention over the encoder outputs with query h_t (attention.ts)
//   h̃_t = tanh(W_c·[c_t; h_t] + b_c)   (Luong et al. 2015; without attention h̃_t = h_t)
//   z_t  = W_o·h̃_t + b_o                the logits over the target vocabulary
//
// Attention comes after the recurrent step (Luong's placement) for every score function, "additive" included
// (Bahdanau's score, as OpenNMT's "mlp" attention): with teacher forcing and no input feeding the recurrent steps
// do not depend on attention, so the cells run over all U steps first and attention, combination and output
// layer each run once over every step as batched products (runAll). Otherwise each step waits for the previous
// one's output (step). Rows are time-major (U·B×…), as the cells keep them.

import type { Backend, Buf } from '../backend';
import type { Direction, DirectionParams, StepMasks } from '../cells/direction';
import { makeDirection } from '../network';
import type { Param } from '../params';
import type { ModelSpec } from '../spec';
import { Attention, type AttentionParams } from './attention';
import { TanhLayer } from './tanh';

export interface DecoderParams {
  embedding: Param;
  layers: DirectionParams[];
  attention: AttentionParams | null;
  combine: { weight: Param; bias: Param } | null;
  out: { weight: Param; bias: Param };
}

export interface DecoderShape {
  B: number;
  U: number;
  /** Source steps of the graph and the encoder outputs' width. */
  S: number;
  De: number;
  /** false: forward only, one step at a time (decoding). */
  forBackward: boolean;
}

export class DecoderGraph {
  readonly B: number;
  readonly U: number;
  readonly V: number;
  readonly dirs: Direction[];
  readonly attention: Attention | null;
  /** Logits, U·B×V time-major, and their gradient (written by the loss). */
  readonly logits: Buf;
  readonly dLogits: Buf;
  /** The input token of every step, U·B time-major. */
  readonly tokens: Int32Array;
  private readonly H: number;
  private readonly E: number;
  /** Layer-0 input width: E, plus H with input feeding. */
  private readonly W: number;
  private readonly De: number;
  private readonly feed: boolean;
  private readonly x0: Buf;
  private readonly dx0: Buf;
  /** [c_t; h_t] per row and its gradient (attention only). */
  private readonly cat: Buf | null;
  private readonly dCat: Buf | null;
  /** h̃_t per row and its gradient, which the backward pass turns into the gradient of its pre-activation. */
  private readonly ht: Buf | null;
  private readonly dht: Buf | null;
  private readonly tanh: TanhLayer;
  private readonly masks: StepMasks;

  constructor(private readonly be: Backend, spec: ModelSpec, private readonly p: DecoderParams, shape: DecoderShape) {
    const d = spec.decoder!;
    const { B, U, S, De } = shape;
    const H = spec.hiddenSize;
    this.B = B; this.U = U; this.V = d.vocabSize; this.H = H; this.E = d.embeddingDim; this.De = De;
    this.feed = d.inputFeeding;
    this.W = this.E + (this.feed ? H : 0);
    const rows = U * B;
    this.dirs = p.layers.map((lp, k) => makeDirection(be, spec, lp, { B, T: U, H, inSize: k === 0 ? this.W : H, reverse: false }));
    const withAttention = d.attention !== 'none';
    this.attention = withAttention ? new Attention(be, d.attention as Exclude<typeof d.attention, 'none'>, p.attention!, { B, S, U, De, H, forBackward: shape.forBackward }) : null;
    this.logits = be.alloc(rows * this.V);
    this.dLogits = be.alloc(rows * this.V);
    this.tokens = new Int32Array(rows);
    this.x0 = be.alloc(rows * this.W);
    this.dx0 = be.alloc(rows * this.W);
    this.cat = withAttention ? be.alloc(rows * (De + H)) : null;
    this.dCat = withAttention ? be.alloc(rows * (De + H)) : null;
    this.ht = withAttention ? be.alloc(rows * H) : null;
    this.dht = withAttention ? be.alloc(rows * H) : null;
    this.tanh = new TanhLayer(be, rows, H);
    this.masks = new Array<null>(U).fill(null);
  }

  /** Step t's input: token(b) for each row, embedded, with h̃_{t−1} (0 at t = 0) when input feeding. */
  setInput(t: number, token: (b: number) => number): void {
    const { B, E, W, H } = this;
    const emb = this.p.embedding.value;
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      const id = token(b);
      this.tokens[r] = id;
      this.x0.set(emb.subarray(id * E, (id + 1) * E), r * W);
      if (!this.feed) continue;
      if (t === 0) this.x0.fill(0, r * W + E, (r + 1) * W);
      else this.x0.set(this.ht!.subarray((r - B) * H, (r - B + 1) * H), r * W + E);
    }
  }

  /** Every step at once, all inputs set (teacher forcing without input feeding), from h0/c0 per layer. */
  runAll(h0: Buf[], c0: (Buf | null)[]): void {
    this.dirs.forEach((dir, k) => dir.forward(k === 0 ? this.x0 : this.dirs[k - 1].outputs(), this.masks, h0[k], c0[k]));
    this.readout(0, this.U);
  }

  /** Starts a step-by-step pass from h0/c0 per layer. */
  begin(h0: Buf[], c0: (Buf | null)[]): void {
    this.dirs.forEach((dir, k) => dir.begin(h0[k], c0[k]));
  }

  /** Step t (its input set): the cells, attention and the output layer; logits rows t·B.. hold its scores. */
  step(t: number): void {
    this.dirs.forEach((dir, k) => dir.forwardStep(t, k === 0 ? this.x0 : this.dirs[k - 1].outputs(), null));
    this.readout(t, 1);
  }

  /** Logits of step t, row b (a view). */
  logitsAt(t: number, b: number): Buf {
    const o = (t * this.B + b) * this.V;
    return this.logits.subarray(o, o + this.V);
  }

  /** Beam search: every row's state after step t (and h̃_t) takes that of row order[b]. */
  reorder(t: number, order: Int32Array): void {
    for (const dir of this.dirs) dir.reorderState(t, order);
    if (!this.ht) return;
    const { B, H } = this;
    const rows = this.ht.subarray(t * B * H, (t + 1) * B * H);
    const copy = rows.slice();
    for (let b = 0; b < B; b++) rows.set(copy.subarray(order[b] * H, (order[b] + 1) * H), b * H);
  }

  /** Attention, combination and output layer over steps [t0, t0+n). */
  private readout(t0: number, n: number): void {
    const { be, B, H, V, De } = this;
    const rows = n * B, r0 = t0 * B;
    const top = this.dirs[this.dirs.length - 1].outputs();
    let read = top.subarray(r0 * H, (r0 + rows) * H);
    if (this.attention) {
      const w = De + H;
      const cat = this.cat!;
      this.attention.forward(t0, n, top, cat, w);
      for (let r = r0; r < r0 + rows; r++) cat.set(top.subarray(r * H, (r + 1) * H), r * w + De);
      read = this.ht!.subarray(r0 * H, (r0 + rows) * H);
      be.gemm(false, true, rows, H, w, cat.subarray(r0 * w, (r0 + rows) * w), this.p.combine!.weight.value, read, false);
      be.addRowVector(read, rows, H, this.p.combine!.bias.value);
      this.tanh.forward(rows, read, read);
    }
    const z = this.logits.subarray(r0 * V, (r0 + rows) * V);
    be.gemm(false, true, rows, V, H, read, this.p.out.weight.value, z, false);
    be.addRowVector(z, rows, V, this.p.out.bias.value);
  }

  /**
   * Back through the output layer, combination and attention of steps [t0, t0+n), from dLogits (and, with input
   * feeding, the part of dh̃ already added from the next step's input), writing dL/dh_t into the top layer's dhs.
   */
  private readoutBackward(t0: number, n: number): void {
    const { be, B, H, V, De } = this;
    const rows = n * B, r0 = t0 * B;
    const top = this.dirs[this.dirs.length - 1];
    const dTop = top.dhs.subarray(r0 * H, (r0 + rows) * H);
    const dz = this.dLogits.subarray(r0 * V, (r0 + rows) * V);
    if (!this.attention) {
      be.gemm(false, false, rows, H, V, dz, this.p.out.weight.value, dTop, false);
      return;
    }
    const w = De + H;
    const dht = this.dht!.subarray(r0 * H, (r0 + rows) * H);
    be.gemm(false, false, rows, H, V, dz, this.p.out.weight.value, dht, true);
    this.tanh.backward(rows, this.ht!.subarray(r0 * H, (r0 + rows) * H), dht, dht);
    const dCat = this.dCat!.subarray(r0 * w, (r0 + rows) * w);
    be.gemm(false, false, rows, w, H, dht, this.p.combine!.weight.value, dCat, false);
    for (let r = 0; r < rows; r++) dTop.set(dCat.subarray(r * w + De, (r + 1) * w), r * H);
    this.attention.backward(t0, n, this.dCat!, w, top.dhs);
  }

  /** Backward of runAll; dEncoderTop receives dL/d(encoder outputs) (zero without attention). */
  backwardAll(dEncoderTop: Buf): void {
    this.beginBackward();
    this.readoutBackward(0, this.U);
    for (let k = this.dirs.length - 1; k >= 0; k--) {
      const dIn = k > 0 ? this.dirs[k - 1].dhs : this.dx0;
      dIn.fill(0);
      this.dirs[k].backward(this.layerInput(k), this.masks, dIn, null, 0);
    }
    this.finishBackward(dEncoderTop);
  }

  /** Backward of a step-by-step pass, from the last step to the first. */
  backwardSteps(dEncoderTop: Buf): void {
    const { B, E, W, H } = this;
    this.beginBackward();
    for (const dir of this.dirs) dir.dhs.fill(0);
    this.dx0.fill(0);
    for (const dir of this.dirs) dir.beginBackward(null);
    for (let t = this.U - 1; t >= 0; t--) {
      this.readoutBackward(t, 1);
      for (let k = this.dirs.length - 1; k >= 0; k--) this.dirs[k].backwardStep(t, null, k > 0 ? this.dirs[k - 1].dhs : this.dx0);
      if (!this.feed || t === 0) continue;
      // h̃_{t−1} was part of step t's input
      const dht = this.dht!;
      for (let b = 0; b < B; b++) {
        const r = t * B + b;
        for (let j = 0; j < H; j++) dht[(r - B) * H + j] += this.dx0[r * W + E + j];
      }
    }
    this.dirs.forEach((dir, k) => dir.finishBackward(this.layerInput(k)));
    this.finishBackward(dEncoderTop);
  }

  /** dL/dh0 and dL/dc0 of each layer, after a backward pass. */
  initialGrads(): { h: Buf[]; c: (Buf | null)[] } {
    const g = this.dirs.map((d) => d.initialGrad());
    return { h: g.map((x) => x.h), c: g.map((x) => x.c) };
  }

  private layerInput(k: number): Buf {
    return k === 0 ? this.x0 : this.dirs[k - 1].outputs();
  }

  private beginBackward(): void {
    this.dht?.fill(0);
    this.attention?.beginBackward();
  }

  /** Parameter gradients of the output layer, combination, attention and embedding, once over every step. */
  private finishBackward(dEncoderTop: Buf): void {
    const { be, B, U, H, V, De, E, W } = this;
    const rows = U * B;
    const top = this.dirs[this.dirs.length - 1].outputs();
    be.gemm(true, false, V, H, rows, this.dLogits, this.ht ?? top, this.p.out.weight.grad, true);
    be.sumRows(this.dLogits, rows, V, this.p.out.bias.grad);
    if (this.attention) {
      be.gemm(true, false, H, De + H, rows, this.dht!, this.cat!, this.p.combine!.weight.grad, true);
      be.sumRows(this.dht!, rows, H, this.p.combine!.bias.grad);
      this.attention.finishBackward(top, dEncoderTop);
    } else dEncoderTop.fill(0);
    const g = this.p.embedding.grad;
    for (let r = 0; r < rows; r++) {
      const id = this.tokens[r];
      for (let j = 0; j < E; j++) g[id * E + j] += this.dx0[r * W + j];
    }
  }
}
