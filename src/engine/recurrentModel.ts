// The recurrent model kind (RNN, GRU, LSTM stacks): PyTorch's module layout and numerics (see params.ts for the parameter
// layout, network.ts for the unrolled computation, cells/ for each cell's step and its backward, heads/ for the
// output heads).

import type { Backend, Buf } from './backend';
import { checkBatch, sequenceLength, type Batch } from './batch';
import { headPredictions, lossTerms } from './heads/predictions';
import { lossRows } from './loss';
import { Unrolled, type CarriedState } from './network';
import { allocateParams, checkSpec, paramLookup, type Param } from './params';
import type { ProbeResult, ProbeTrace } from './probe';
import type { ForwardBackwardOptions, SequenceModel } from './model';
import type { LossType, ModelSpec } from './spec';

/**
 * Steps of the graph that runs a pass of T steps. Buffers come from backend.alloc, which may never be
 * freed (the WASM backend's bump allocator), so graphs are cached for good, and ragged datasets (T = the
 * longest sequence of each batch) must not create one graph per T: above 16 steps, T is rounded up to an
 * eighth of an octave (≤ 12.5% padding, 8 shapes per doubling; 20, 30, 50, 64, 100 cost 0–4%). The padded
 * steps are masked for every row, which leaves every result unchanged.
 */
export function graphSteps(T: number): number {
  if (T <= 16) return T;
  const q = 2 ** (Math.floor(Math.log2(T - 1)) - 3);
  return Math.ceil(T / q) * q;
}

export class RecurrentModel implements SequenceModel {
  readonly params: Param[];
  readonly param: (name: string) => Param;
  private readonly graphs = new Map<string, Unrolled>();
  private readonly carries = new Map<number, CarriedState>();
  private readonly embedding: Param | null;

  constructor(readonly spec: ModelSpec, readonly backend: Backend) {
    checkSpec(spec);
    if (spec.cell === 'transformer') throw new Error('internal: a Transformer spec goes to TransformerModel (createModel picks it)');
    this.params = allocateParams(spec, backend);
    this.param = paramLookup(this.params);
    this.embedding = spec.embedding ? this.param('embedding.weight') : null;
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }

  /**
   * Forward, loss and backward; ADDS into every parameter's grad the gradient of the batch's mean loss,
   * which it returns. With tbptt = k < T the steps run in chunks of k: each chunk starts from the
   * previous chunk's final state (both directions, as torch code passing h_n.detach() along would),
   * its loss terms are back-propagated within it, and the loss is still the mean over the whole batch.
   * Head "last": a sequence's term belongs to the chunk holding its last valid step.
   */
  forwardBackward(batch: Batch, loss: LossType, opts: ForwardBackwardOptions): { loss: number; gradFlow: Float64Array | null } {
    const { spec } = this;
    checkBatch(batch, spec, loss);
    const { B, T } = batch;
    const k = opts.tbptt;
    if (k !== null && (!Number.isInteger(k) || k < 1)) throw new Error(`tbptt must be a positive integer or null, got ${k}`);
    const chunk = k === null || k >= T ? T : k;
    if (chunk < T && spec.head.output === 'attention')
      throw new Error('truncated BPTT cannot be used with the attention head: attention pools over the whole sequence');
    const dropout = opts.train && spec.dropout > 0 && spec.numLayers > 1;
    if (dropout && !opts.dropoutRandom) throw new Error('forwardBackward: training with dropout needs opts.dropoutRandom');
    const scale = 1 / lossTerms(spec, batch, loss);
    const flow = opts.gradFlow ? new Float64Array(T) : null;
    const carry = chunk < T ? this.carry(B) : null;
    let total = 0;
    for (let s = 0; s < T; s += chunk) {
      const steps = Math.min(chunk, T - s);
      const g = this.graph(B, steps);
      g.load(batch, s, steps, this.embedding);
      g.forward(dropout ? opts.dropoutRandom! : null, s > 0 ? carry : null);
      if (carry && s + chunk < T) g.saveState(carry);
      const target = g.head.target;
      if (!target.some((v) => v >= 0)) continue; // no loss terms in this chunk: its gradient is zero
      g.headForward();
      total += lossRows(loss, spec.head.activation, g.head.Z, g.head.rows, spec.head.size, batch.y, target, scale, g.head.dZ);
      g.backward(flow, s, this.embedding);
    }
    if (flow) for (let t = 0; t < T; t++) flow[t] = Math.sqrt(flow[t]);
    return { loss: total * scale, gradFlow: flow };
  }

  /** Inference: head outputs with the output activation applied, [B, size] or [B, T, size] (batch-first). */
  predict(batch: Batch): { data: Buf; shape: number[] } {
    checkBatch(batch, this.spec, null);
    return headPredictions(this.spec, this.backend.info.dtype, this.run(batch).head.Z, batch.B, batch.T);
  }

  /** Mean loss of the batch without gradients or dropout (validation). */
  evaluate(batch: Batch, loss: LossType): number {
    const { spec } = this;
    checkBatch(batch, spec, loss);
    const g = this.run(batch);
    const sum = lossRows(loss, spec.head.activation, g.head.Z, g.head.rows, spec.head.size, batch.y, g.head.target, 1, null);
    return sum / lossTerms(spec, batch, loss);
  }

  /** Gate activations and states of every sequence of the batch, per layer and direction. */
  probe(batch: Batch): ProbeResult {
    checkBatch(batch, this.spec, null);
    const g = this.run(batch);
    const traces: ProbeTrace[] = [];
    for (let b = 0; b < batch.B; b++) {
      const steps = sequenceLength(batch, b);
      g.dirs.forEach((layer, k) => layer.forEach((dir) => traces.push({
        sequence: b, layer: k, direction: dir.reverse ? 'reverse' : 'forward', cell: this.spec.cell,
        T: steps, H: this.spec.hiddenSize, values: dir.trace(b, steps),
      })));
    }
    return { traces };
  }

  /** A full-sequence forward pass with the head, in evaluation mode. */
  private run(batch: Batch): Unrolled {
    const g = this.graph(batch.B, batch.T);
    g.load(batch, 0, batch.T, this.embedding);
    g.forward(null, null);
    g.headForward();
    return g;
  }

  /** The cached graph that runs `steps` steps for a batch of B. */
  private graph(B: number, steps: number): Unrolled {
    const T = graphSteps(steps);
    const key = `${B}x${T}`;
    let g = this.graphs.get(key);
    if (!g) {
      g = new Unrolled(this.backend, this.spec, (name) => this.param(name), B, T);
      this.graphs.set(key, g);
    }
    return g;
  }

  private carry(B: number): CarriedState {
    let c = this.carries.get(B);
    if (!c) {
      const { numLayers, hiddenSize: H, bidirectional, cell } = this.spec;
      const make = () => Array.from({ length: numLayers }, () => Array.from({ length: bidirectional ? 2 : 1 }, () => this.backend.alloc(B * H)));
      c = { h: make(), c: cell === 'lstm' ? make() : null };
      this.carries.set(B, c);
    }
    return c;
  }
}
