// The Transformer model kind: torch.nn.TransformerEncoder between an input projection (or embedding) with positions and
// the shared heads, PyTorch's numerics and state_dict names (params.ts). Forward and backward of each part live side by
// side in this folder: inputLayer, attention, feedForward, encoderLayer, and graph.ts, which runs them for one shape.
import type { Backend, Buf } from '../backend';
import { checkBatch, sequenceLength, sliceBatch, type Batch } from '../batch';
import { headPredictions, lossTerms } from '../heads/predictions';
import { lossRows } from '../loss';
import type { ForwardBackwardOptions, SequenceModel } from '../model';
import { allocateShapes, checkSpec, paramLookup, type Param } from '../params';
import type { AttentionMap, ProbeResult } from '../probe';
import { graphSteps } from '../recurrentModel';
import type { LossType, ModelSpec, TransformerOptions } from '../spec';
import { TransformerGraph } from './graph';
import { checkTransformerSpec, optionsOf, transformerParamShapes } from './params';

/** The most attention weights (values per layer) an evaluation or prediction graph holds: 16 MB in float32. */
const ATTENTION_VALUES = 1 << 22;

export class TransformerModel implements SequenceModel {
  readonly params: Param[];
  readonly param: (name: string) => Param;
  private readonly o: TransformerOptions;
  private readonly graphs = new Map<string, TransformerGraph>();

  constructor(readonly spec: ModelSpec, readonly backend: Backend) {
    checkSpec(spec);
    checkTransformerSpec(spec);
    this.o = optionsOf(spec);
    this.params = allocateShapes(transformerParamShapes(spec), backend);
    this.param = paramLookup(this.params);
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }

  /**
   * Forward, loss and backward over whole sequences; ADDS the gradient of the batch's mean loss into every grad.
   * gradFlow: ‖dL/dx_t‖ per step t at the input of the encoder stack (over the batch), where the gradient reaching
   * each position is measured (the recurrent kind measures its top layer's states).
   */
  forwardBackward(batch: Batch, loss: LossType, opts: ForwardBackwardOptions): { loss: number; gradFlow: Float64Array | null } {
    this.check(batch, loss);
    if (opts.tbptt !== null && opts.tbptt < batch.T) {
      throw new Error('truncated BPTT has no meaning for the Transformer: every step attends to the whole sequence at once');
    }
    const dropout = opts.train && this.spec.dropout > 0;
    if (dropout && !opts.dropoutRandom) throw new Error('forwardBackward: training with dropout needs opts.dropoutRandom');
    const g = this.run(batch, dropout ? opts.dropoutRandom! : null);
    const scale = 1 / lossTerms(this.spec, batch, loss);
    const { spec } = this;
    const total = lossRows(loss, spec.head.activation, g.head.Z, g.head.rows, spec.head.size, batch.y, g.head.target, scale, g.head.dZ);
    const flow = opts.gradFlow ? new Float64Array(batch.T) : null;
    g.backward(flow);
    if (flow) for (let t = 0; t < flow.length; t++) flow[t] = Math.sqrt(flow[t]);
    return { loss: total * scale, gradFlow: flow };
  }

  /** Mean loss without gradients or dropout; large batches run in parts (see parts()). */
  evaluate(batch: Batch, loss: LossType): number {
    this.check(batch, loss);
    const { spec } = this;
    let sum = 0;
    for (const part of this.parts(batch)) {
      const g = this.run(part, null);
      sum += lossRows(loss, spec.head.activation, g.head.Z, g.head.rows, spec.head.size, part.y, g.head.target, 1, null);
    }
    return sum / lossTerms(spec, batch, loss);
  }

  predict(batch: Batch): { data: Buf; shape: number[] } {
    this.check(batch, null);
    const dtype = this.backend.info.dtype;
    const outs = this.parts(batch).map((part) => headPredictions(this.spec, dtype, this.run(part, null).head.Z, part.B, part.T));
    if (outs.length === 1) return outs[0];
    // Batch-first outputs: the parts' rows follow one another.
    const n = outs.reduce((sum, o) => sum + o.data.length, 0);
    const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
    let at = 0;
    for (const o of outs) {
      data.set(o.data, at);
      at += o.data.length;
    }
    return { data, shape: [batch.B, ...outs[0].shape.slice(1)] };
  }

  /** The attention weights of every sequence of the batch, per layer and head (no gate traces). */
  probe(batch: Batch): ProbeResult {
    this.check(batch, null);
    const g = this.run(batch, null);
    const H = this.o.heads;
    const graphT = g.T; // the graph's steps (≥ the batch's): the stride of its attention weights
    const attention: AttentionMap[] = [];
    for (let b = 0; b < batch.B; b++) {
      const T = sequenceLength(batch, b);
      g.layers.forEach((layer, k) => {
        const probs = layer.attention.probs;
        const weights = Array.from({ length: H }, (_, h) => {
          const w: number[] = [];
          for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) w.push(probs[((b * H + h) * graphT + i) * graphT + j]);
          return w;
        });
        attention.push({ sequence: b, layer: k, T, weights });
      });
    }
    return { traces: [], attention };
  }

  /**
   * The batch in parts whose attention weights stay under ATTENTION_VALUES per layer: evaluation runs whole validation
   * sets at once, and B·heads·T² grows fast with T (backend memory, once taken, is never given back).
   */
  private parts(batch: Batch): Batch[] {
    const rows = Math.max(1, Math.floor(ATTENTION_VALUES / (this.o.heads * batch.T * batch.T)));
    if (batch.B <= rows) return [batch];
    const out: Batch[] = [];
    for (let b = 0; b < batch.B; b += rows) out.push(sliceBatch(batch, b, Math.min(batch.B, b + rows)));
    return out;
  }

  private check(batch: Batch, loss: LossType | null): void {
    checkBatch(batch, this.spec, loss);
    if (this.o.positional === 'learned' && batch.T > this.o.maxLength) {
      throw new Error(`batch: ${batch.T} steps exceed the ${this.o.maxLength} positions the model learned (pos_embedding.weight, maxLength)`);
    }
  }

  /** Loads the batch into its graph and runs the stack and the head. */
  private run(batch: Batch, dropout: (() => number) | null): TransformerGraph {
    const T = graphSteps(batch.T);
    const key = `${batch.B}x${T}`;
    let g = this.graphs.get(key);
    if (!g) {
      g = new TransformerGraph(this.backend, this.spec, this.param, batch.B, T);
      this.graphs.set(key, g);
    }
    g.load(batch);
    g.forward(dropout);
    g.headForward();
    return g;
  }
}
