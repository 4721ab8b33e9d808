// The sequence-to-sequence model kind: an encoder (the recurrent stack) and a decoder with attention (graph.ts),
// trained with teacher forcing on masked cross-entropy over the target tokens, decoded greedily or by beam search.
// Parameter names and layout: params.ts.

import type { Backend, Buf } from '../backend';
import { checkBatch, type Batch } from '../batch';
import { lossRows } from '../loss';
import type { ForwardBackwardOptions, SequenceModel } from '../model';
import { allocateShapes, checkSpec, type Param } from '../params';
import type { Alignment, ProbeResult, ProbeTrace } from '../probe';
import { graphSteps } from '../recurrentModel';
import type { LossType, ModelSpec } from '../spec';
import { Seq2SeqGraph } from './graph';
import { checkSeq2SeqSpec, seq2seqParameterShapes } from './params';
import { argmax, beamSearch, greedy, type Hypothesis } from './search';

export interface DecodeOptions {
  /** Most target tokens to produce, the end token included. */
  maxLength: number;
}

export class Seq2SeqModel implements SequenceModel {
  readonly params: Param[];
  private readonly byName = new Map<string, Param>();
  private readonly graphs = new Map<string, Seq2SeqGraph>();

  constructor(readonly spec: ModelSpec, readonly backend: Backend) {
    checkSpec(spec);
    checkSeq2SeqSpec(spec);
    this.params = allocateShapes(seq2seqParameterShapes(spec), backend);
    for (const p of this.params) this.byName.set(p.name, p);
  }

  param(name: string): Param {
    const p = this.byName.get(name);
    if (!p) throw new Error(`model has no parameter "${name}" (it has: ${this.params.map((q) => q.name).join(', ')})`);
    return p;
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }

  /**
   * Teacher-forced forward (each step fed the reference token with probability opts.teacherForcing, else the previous
   * step's most probable token), masked cross-entropy averaged over the target tokens, and backward; ADDS the gradient
   * into every grad and returns the loss. gradFlow: ‖∂L/∂h_t‖ of the encoder's top layer per source step.
   */
  forwardBackward(batch: Batch, loss: LossType, opts: ForwardBackwardOptions): { loss: number; gradFlow: Float64Array | null } {
    const { spec } = this;
    this.check(batch, loss);
    const ratio = opts.teacherForcing ?? 1;
    if (!(ratio >= 0 && ratio <= 1)) throw new Error(`teacherForcing must be in [0, 1], got ${ratio}`);
    const dropout = opts.train && spec.dropout > 0 && spec.numLayers > 1;
    if ((dropout || ratio < 1) && !opts.dropoutRandom) throw new Error('forwardBackward: dropout or teacherForcing < 1 needs opts.dropoutRandom');
    const g = this.graph(batch.B, batch.T, batch.target!.steps, true);
    g.encode(batch, dropout ? opts.dropoutRandom! : null);
    const stepwise = ratio < 1 || spec.decoder!.inputFeeding;
    this.teacherForced(g, batch, ratio < 1 ? () => opts.dropoutRandom!() < ratio : null, stepwise);
    const { total, count } = this.lossOf(g, batch, true);
    const flow = opts.gradFlow ? new Float64Array(batch.T) : null;
    g.backward(stepwise, flow);
    if (flow) for (let t = 0; t < flow.length; t++) flow[t] = Math.sqrt(flow[t]);
    return { loss: total / count, gradFlow: flow };
  }

  /** Mean teacher-forced cross-entropy per target token, without gradients or dropout. */
  evaluate(batch: Batch, loss: LossType): number {
    this.check(batch, loss);
    const g = this.graph(batch.B, batch.T, batch.target!.steps, true);
    g.encode(batch, null);
    this.teacherForced(g, batch, null, this.spec.decoder!.inputFeeding);
    const { total, count } = this.lossOf(g, batch, false);
    return total / count;
  }

  /** Teacher-forced next-token probabilities, [B, steps, vocab] (batch-first); steps past a target's length are padding. */
  predict(batch: Batch): { data: Buf; shape: number[] } {
    this.check(batch, null);
    const U = batch.target!.steps;
    const g = this.graph(batch.B, batch.T, U, true);
    g.encode(batch, null);
    this.teacherForced(g, batch, null, this.spec.decoder!.inputFeeding);
    const V = this.spec.decoder!.vocabSize;
    const data = this.backend.info.dtype === 'float32' ? new Float32Array(batch.B * U * V) : new Float64Array(batch.B * U * V);
    for (let b = 0; b < batch.B; b++)
      for (let t = 0; t < U; t++) {
        const z = g.decoder.logitsAt(t, b);
        let m = -Infinity, s = 0;
        for (let j = 0; j < V; j++) m = Math.max(m, z[j]);
        for (let j = 0; j < V; j++) s += Math.exp(z[j] - m);
        for (let j = 0; j < V; j++) data[(b * U + t) * V + j] = Math.exp(z[j] - m) / s;
      }
    return { data, shape: [batch.B, U, V] };
  }

  /** Greedy decoding of the batch's sources with every step's attention weights, and the encoder's gate traces. */
  probe(batch: Batch): ProbeResult {
    checkBatch({ ...batch, target: undefined }, this.spec, null);
    const g = this.graph(batch.B, batch.T, this.spec.decoder!.maxLength, false);
    g.encode(batch, null);
    const traces: ProbeTrace[] = [];
    for (let b = 0; b < batch.B; b++) {
      const steps = g.sourceLengths[b];
      g.encoder.dirs.forEach((layer, k) => layer.forEach((dir) => traces.push({
        sequence: b, layer: k, direction: dir.reverse ? 'reverse' : 'forward', cell: this.spec.cell,
        T: steps, H: this.spec.hiddenSize, values: dir.trace(b, steps),
      })));
    }
    const out = greedy(g, this.spec.decoder!.maxLength, true);
    const alignments: Alignment[] = out.tokens.map((target, b) => ({
      sequence: b, source: Array.from(batch.tokens!.subarray(b * batch.T, b * batch.T + g.sourceLengths[b])), target, weights: out.weights[b],
    }));
    return { traces, alignments };
  }

  /** Greedy decoding of every source of the batch (its target, if any, is not read). */
  decodeGreedy(batch: Batch, opts: DecodeOptions): { tokens: number[][]; logProbs: number[] } {
    checkBatch({ ...batch, target: undefined }, this.spec, null);
    const g = this.graph(batch.B, batch.T, opts.maxLength, false);
    g.encode(batch, null);
    const out = greedy(g, opts.maxLength, false);
    return { tokens: out.tokens, logProbs: out.logProbs };
  }

  /**
   * Beam search for one source (token ids): up to `beam` hypotheses, best first, ranked by log p / length^α
   * (α = lengthNormalization; 0 ranks by the plain sum).
   */
  decodeBeam(source: Int32Array, opts: DecodeOptions & { beam: number; lengthNormalization: number }): Hypothesis[] {
    const k = opts.beam;
    if (!Number.isInteger(k) || k < 1) throw new Error(`beam width must be a positive integer, got ${k}`);
    const T = source.length;
    const tokens = new Int32Array(k * T);
    for (let b = 0; b < k; b++) tokens.set(source, b * T);
    const batch: Batch = { B: k, T, x: null, tokens, lengths: null, y: new Int32Array(0) };
    checkBatch(batch, this.spec, null);
    const g = this.graph(k, T, opts.maxLength, false);
    g.encode(batch, null);
    return beamSearch(g, opts.maxLength, opts.lengthNormalization);
  }

  private check(batch: Batch, loss: LossType | null): void {
    if (loss !== null && loss !== 'cross_entropy') throw new Error(`a sequence-to-sequence model trains on cross_entropy, not ${loss}`);
    const tg = batch.target;
    if (!tg) throw new Error('batch: a sequence-to-sequence model needs batch.target (target steps and lengths)');
    checkBatch({ ...batch, target: undefined }, this.spec, null);
    const { B } = batch;
    const V = this.spec.decoder!.vocabSize;
    if (!(batch.y instanceof Int32Array) || batch.y.length !== B * tg.steps) throw new Error(`batch: y must hold B·steps = ${B * tg.steps} target token ids`);
    for (let i = 0; i < batch.y.length; i++) {
      if (batch.y[i] < 0 || batch.y[i] >= V) throw new Error(`batch: target token ${batch.y[i]} at sequence ${Math.floor(i / tg.steps)}, step ${i % tg.steps} is outside the target vocabulary 0..${V - 1}`);
    }
    tg.lengths?.forEach((L, b) => {
      if (L < 1 || L > tg.steps) throw new Error(`batch: target lengths[${b}] = ${L} is outside 1..${tg.steps}`);
    });
  }

  /**
   * Runs the decoder fed with the reference: the start token, then y_{t−1}. teacher (when given) is asked before each
   * step 1..steps−1 of the batch's targets; false feeds the previous step's most probable token instead.
   */
  private teacherForced(g: Seq2SeqGraph, batch: Batch, teacher: (() => boolean) | null, stepwise: boolean): void {
    const d = this.spec.decoder!;
    const steps = batch.target!.steps;
    const y = batch.y as Int32Array;
    const dec = g.decoder;
    const ref = (b: number, t: number) => (t === 0 || t > steps ? d.startToken : y[b * steps + t - 1]);
    if (!stepwise) {
      for (let t = 0; t < g.U; t++) dec.setInput(t, (b) => ref(b, t));
      g.decodeAll();
      return;
    }
    g.beginDecoding();
    for (let t = 0; t < g.U; t++) {
      const fed = t === 0 || t >= steps || !teacher || teacher();
      dec.setInput(t, (b) => (fed ? ref(b, t) : argmax(dec.logitsAt(t - 1, b))));
      dec.step(t);
    }
  }

  /** Σ cross-entropy over the valid target tokens and their count; with grads, dLogits = ∂(mean)/∂logits. */
  private lossOf(g: Seq2SeqGraph, batch: Batch, grads: boolean): { total: number; count: number } {
    const { B } = batch;
    const { steps, lengths } = batch.target!;
    const dec = g.decoder;
    const target = new Int32Array(g.U * B).fill(-1);
    let count = 0;
    for (let b = 0; b < B; b++) {
      const len = lengths ? lengths[b] : steps;
      count += len;
      for (let t = 0; t < len; t++) target[t * B + b] = b * steps + t;
    }
    const total = lossRows('cross_entropy', 'none', dec.logits, g.U * B, dec.V, batch.y, target, 1 / count, grads ? dec.dLogits : null);
    return { total, count };
  }

  /**
   * A graph for B sequences of at least T source and U target steps. Backend buffers may never be freed (the WASM
   * backend's bump allocator) and a graph's attention buffers grow with S·U, so there is one graph per batch size
   * (and use), replaced by a larger one only when a batch does not fit (sizes rounded up as recurrent graphs are);
   * shorter batches run in it with their extra steps masked (source) or without loss terms (target).
   */
  private graph(B: number, T: number, U: number, forBackward: boolean): Seq2SeqGraph {
    const key = `${B}:${forBackward}`;
    const g = this.graphs.get(key);
    if (g && g.S >= T && g.U >= U) return g;
    const S = Math.max(graphSteps(T), g?.S ?? 0);
    const steps = Math.max(graphSteps(Math.max(1, U)), g?.U ?? 0);
    const grown = new Seq2SeqGraph(this.backend, this.spec, (name) => this.param(name), B, S, steps, forBackward);
    this.graphs.set(key, grown);
    return grown;
  }
}
