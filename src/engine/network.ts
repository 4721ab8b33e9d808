// The model unrolled over one (B, T) shape: embedding/input, stacked (bi)directional recurrent layers
// with dropout and residual connections between them (RecurrentStack, also a sequence-to-sequence model's
// encoder), and the head (Unrolled). Every buffer is allocated once, here, through the backend; the Model keeps
// one Unrolled per shape it has seen. A pass may use fewer steps than T (`steps`): the rest are padding for every
// row, which changes no valid step's result.
//
// Between layers (k ≥ 1):  y_k = [fwd_k | rev_k](in_k) (+ in_k when residual),  in_{k+1} = dropout(y_k).

import type { Backend, Buf } from './backend';
import type { Batch } from './batch';
import { sequenceLength } from './batch';
import { Direction, type DirectionParams, type DirectionShape } from './cells/direction';
import { GruResetAfterDirection, GruResetBeforeDirection } from './cells/gru';
import { LstmDirection } from './cells/lstm';
import { RnnDirection } from './cells/rnn';
import type { Head } from './heads/head';
import { makeHead } from './heads/make';
import { directionSuffix, inputWidth, layerWidth, type Param } from './params';
import type { ModelSpec } from './spec';

/** Recurrent state carried between truncated-BPTT chunks, [layer][direction]. */
export interface CarriedState {
  h: Buf[][];
  c: Buf[][] | null;
}

export function makeDirection(be: Backend, spec: ModelSpec, p: DirectionParams, shape: DirectionShape): Direction {
  switch (spec.cell) {
    case 'rnn':
      return new RnnDirection(be, p, shape, spec.nonlinearity);
    case 'lstm':
      return new LstmDirection(be, p, shape);
    case 'gru':
      return spec.variant === 'resetBefore' ? new GruResetBeforeDirection(be, p, shape) : new GruResetAfterDirection(be, p, shape);
    case 'transformer':
      throw new Error('internal: the Transformer is not a recurrent cell (createModel builds it)');
  }
}

/** Per layer and direction, the gradient reaching its final state from outside the stack. */
export type FinalGrads = { h: Buf; c: Buf | null }[][];

/** The recurrent layers alone, over one (B, T) shape; parameter names come through `param` ("rnn.weight_ih_l0", …). */
export class RecurrentStack {
  readonly dirs: Direction[][];
  /** Layer-0 input, time-major T·B×inputWidth. */
  private readonly input0: Buf;
  private readonly dInput0: Buf | null;
  /** Per-step masks (null: every row valid), views into maskStore. */
  private readonly masks: (Float32Array | null)[];
  private readonly maskStore: Float32Array;
  /** y_k per layer: a view of the direction's states when nothing is added or concatenated. */
  private readonly outs: Buf[];
  /** dL/dy_k per layer (for unidirectional layers, the direction's own dhs). */
  private readonly dOuts: Buf[];
  /** dropout(y_k), the dropout scale masks, and dL/din_{k+1}, for k < L−1. */
  private readonly dropped: Buf[];
  private readonly dropMask: Buf[];
  private readonly dIns: Buf[];
  /** What each layer read in the last forward pass. */
  private readonly layerIn: Buf[];
  private dropoutOn = false;
  /** The batch and first step loaded, for the embedding's gradient. */
  private tokens: Int32Array | null = null;
  private tokenT = 0;
  private tokenStart = 0;
  /** Steps of the batch loaded (≤ T); later steps are padding. */
  private steps = 0;

  constructor(be: Backend, protected readonly spec: ModelSpec, param: (name: string) => Param,
    readonly B: number, readonly T: number) {
    const { numLayers: L, hiddenSize: H } = spec;
    const D = layerWidth(spec);
    const I = inputWidth(spec);
    const rows = T * B;
    this.input0 = be.alloc(rows * I);
    this.dInput0 = spec.embedding ? be.alloc(rows * I) : null;
    this.maskStore = new Float32Array(rows);
    this.masks = new Array<Float32Array | null>(T).fill(null);
    this.dirs = [];
    this.outs = [];
    this.dOuts = [];
    this.dropped = [];
    this.dropMask = [];
    this.dIns = [];
    this.layerIn = new Array<Buf>(L).fill(this.input0);
    for (let k = 0; k < L; k++) {
      const layerDirs: Direction[] = [];
      for (const reverse of spec.bidirectional ? [false, true] : [false]) {
        const sfx = directionSuffix(k, reverse);
        const ln = (which: string) => spec.layerNorm ? { weight: param(`rnn.${which}_${sfx}.weight`), bias: param(`rnn.${which}_${sfx}.bias`) } : null;
        const p: DirectionParams = {
          wIh: param(`rnn.weight_ih_${sfx}`), wHh: param(`rnn.weight_hh_${sfx}`),
          bIh: param(`rnn.bias_ih_${sfx}`), bHh: param(`rnn.bias_hh_${sfx}`),
          lnIh: ln('ln_ih'), lnHh: ln('ln_hh'),
        };
        layerDirs.push(makeDirection(be, spec, p, { B, T, H, inSize: k === 0 ? I : D, reverse }));
      }
      this.dirs.push(layerDirs);
      const plain = !spec.bidirectional && !(spec.residual && k >= 1);
      this.outs.push(plain ? layerDirs[0].outputs() : be.alloc(rows * D));
      this.dOuts.push(spec.bidirectional ? be.alloc(rows * D) : layerDirs[0].dhs);
      if (k < L - 1) {
        this.dropped.push(be.alloc(rows * D));
        this.dropMask.push(be.alloc(rows * D));
        this.dIns.push(be.alloc(rows * D));
      }
    }
  }

  /**
   * Fills the layer-0 input and the step masks for steps [s, s+steps) of the batch (steps ≤ T; the graph's
   * remaining steps become padding).
   */
  load(batch: Batch, s: number, steps: number, embedding: Param | null): void {
    const { B, T } = this;
    if (steps > T) throw new Error(`internal: ${steps} steps loaded into a graph of ${T}`);
    const I = inputWidth(this.spec);
    const x0 = this.input0;
    this.steps = steps;
    x0.fill(0, steps * B * I);
    for (let t = 0; t < steps; t++)
      for (let b = 0; b < B; b++) {
        const dst = (t * B + b) * I;
        const src = b * batch.T + s + t;
        if (embedding) x0.set(embedding.value.subarray(batch.tokens![src] * I, (batch.tokens![src] + 1) * I), dst);
        else for (let j = 0; j < I; j++) x0[dst + j] = batch.x![src * I + j];
      }
    this.tokens = embedding ? batch.tokens : null;
    this.tokenT = batch.T;
    this.tokenStart = s;
    for (let t = 0; t < T; t++) {
      let full = true;
      const m = this.maskStore.subarray(t * B, (t + 1) * B);
      for (let b = 0; b < B; b++) {
        const ok = t < steps && s + t < sequenceLength(batch, b);
        m[b] = ok ? 1 : 0;
        full &&= ok;
      }
      this.masks[t] = full ? null : m;
    }
  }

  /**
   * Runs every layer. dropoutRandom (uniform [0,1)) is drawn for the loaded steps only, in time-major
   * order [t][b][j], layer by layer; a unit is dropped when its draw is < p.
   */
  forward(dropout: (() => number) | null, carry: CarriedState | null): void {
    const { spec, B, T } = this;
    const L = spec.numLayers, H = spec.hiddenSize, D = layerWidth(spec);
    const p = spec.dropout;
    if (this.steps === 0) throw new Error('internal: forward before load');
    this.dropoutOn = dropout !== null && p > 0;
    let input = this.input0;
    for (let k = 0; k < L; k++) {
      this.layerIn[k] = input;
      this.dirs[k].forEach((dir, d) => dir.forward(input, this.masks, carry ? carry.h[k][d] : null, carry?.c ? carry.c[k][d] : null));
      const out = this.outs[k];
      if (spec.bidirectional) {
        // [forward | reverse] per row, as torch concatenates
        for (let d = 0; d < 2; d++) {
          const h = this.dirs[k][d].outputs();
          for (let r = 0; r < T * B; r++) out.set(h.subarray(r * H, (r + 1) * H), r * D + d * H);
        }
      } else if (out !== this.dirs[k][0].outputs()) out.set(this.dirs[k][0].outputs());
      if (spec.residual && k >= 1) for (let i = 0; i < out.length; i++) out[i] += input[i];
      if (k === L - 1) break;
      if (this.dropoutOn) {
        const mask = this.dropMask[k], dropped = this.dropped[k];
        const scale = 1 / (1 - p); // inverted dropout: expectations match evaluation
        const n = this.steps * B * D;
        for (let i = 0; i < n; i++) {
          mask[i] = dropout!() < p ? 0 : scale;
          dropped[i] = out[i] * mask[i];
        }
        mask.fill(0, n);
        dropped.fill(0, n);
        input = dropped;
      } else input = out;
    }
  }

  /** The top layer's outputs, T·B×D. */
  top(): Buf {
    return this.outs[this.spec.numLayers - 1];
  }

  /** dL/d(top layer's outputs), T·B×D: what backward() propagates (the caller fills it first). */
  dTop(): Buf {
    return this.dOuts[this.spec.numLayers - 1];
  }

  /**
   * Back-propagates dTop() through every layer, accumulating parameter gradients; finals (when given) are the
   * gradients reaching each direction's final state from outside (a decoder started from it).
   * flowSq (when given) receives Σ over batch and directions of (dL/dh_t)² of the top layer at flowOffset + t.
   */
  backward(flowSq: Float64Array | null, flowOffset: number, embedding: Param | null, finals: FinalGrads | null = null): void {
    const { spec, B, T } = this;
    const L = spec.numLayers, H = spec.hiddenSize, D = layerWidth(spec);
    for (let k = L - 1; k >= 0; k--) {
      const dOut = this.dOuts[k];
      if (spec.bidirectional)
        for (let d = 0; d < 2; d++) {
          const dhs = this.dirs[k][d].dhs;
          for (let r = 0; r < T * B; r++) dhs.set(dOut.subarray(r * D + d * H, r * D + (d + 1) * H), r * H);
        }
      const dIn = k > 0 ? this.dIns[k - 1] : this.dInput0;
      if (dIn) {
        if (spec.residual && k >= 1) dIn.set(dOut);
        else dIn.fill(0);
      }
      this.dirs[k].forEach((dir, d) => dir.backward(this.layerIn[k], this.masks, dIn, k === L - 1 ? flowSq : null, flowOffset, finals ? finals[k][d] : null));
      if (k > 0) {
        const below = this.dOuts[k - 1];
        if (this.dropoutOn) {
          const mask = this.dropMask[k - 1];
          for (let i = 0; i < below.length; i++) below[i] = dIn![i] * mask[i];
        } else below.set(dIn!);
      }
    }
    if (embedding && this.tokens) {
      const E = embedding.shape[1];
      const dx = this.dInput0!, g = embedding.grad;
      for (let t = 0; t < this.steps; t++)
        for (let b = 0; b < B; b++) {
          const tok = this.tokens[b * this.tokenT + this.tokenStart + t];
          for (let j = 0; j < E; j++) g[tok * E + j] += dx[(t * B + b) * E + j];
        }
    }
  }

  /** Copies each direction's final state into carry (for the next truncated-BPTT chunk). */
  saveState(carry: CarriedState): void {
    this.dirs.forEach((layer, k) => layer.forEach((dir, d) => {
      const f = dir.finalState();
      carry.h[k][d].set(f.h);
      if (carry.c && f.c) carry.c[k][d].set(f.c);
    }));
  }
}

/** The recurrent model's graph: the stack and its head. */
export class Unrolled extends RecurrentStack {
  readonly head: Head;

  constructor(be: Backend, spec: ModelSpec, param: (name: string) => Param, B: number, T: number) {
    super(be, spec, param, B, T);
    const attention = spec.head.output === 'attention' ? { weight: param('attention.weight'), bias: param('attention.bias') } : null;
    this.head = makeHead(be, spec, { weight: param('head.weight'), bias: param('head.bias'), attention }, { B, T, D: layerWidth(spec), size: spec.head.size });
  }

  /** The stack's input and masks, and the head's steps and targets, for steps [s, s+steps) of the batch. */
  load(batch: Batch, s: number, steps: number, embedding: Param | null): void {
    super.load(batch, s, steps, embedding);
    this.head.load(batch, s, steps);
  }

  /** Head forward on the top layer. */
  headForward(): void {
    this.head.forward(this.top());
  }

  /** Back-propagates the head's dZ through everything, accumulating parameter gradients (flowSq: see the stack's). */
  backward(flowSq: Float64Array | null, flowOffset: number, embedding: Param | null): void {
    this.head.backward(this.top(), this.dTop());
    super.backward(flowSq, flowOffset, embedding);
  }
}
