// The Transformer over one (B, T) shape: input layer, encoder layers, the final norm (pre-norm only) and the head,
// every buffer allocated once, here. Layers work batch-first (each sequence's rows together, as the attention products
// need); the heads read time-major rows (T·B × d), as for the recurrent kind, so the stack's output is transposed once.
// A pass may load fewer steps than T: the later steps are padding that no valid step attends to.
import type { Backend, Buf } from '../backend';
import { sequenceLength, type Batch } from '../batch';
import type { Head } from '../heads/head';
import { makeHead } from '../heads/make';
import type { Param } from '../params';
import type { ModelSpec, TransformerOptions } from '../spec';
import { EncoderLayer, LayerScratch } from './encoderLayer';
import { InputLayer } from './inputLayer';
import { LayerNorm } from './layerNorm';
import { once } from './once';
import { optionsOf } from './params';

export class TransformerGraph {
  readonly head: Head;
  readonly layers: EncoderLayer[];
  private readonly o: TransformerOptions;
  private readonly d: number;
  private readonly input: InputLayer;
  private readonly finalNorm: LayerNorm | null;
  /** Keys each query row attends to, B·heads·T (the softmax counts). */
  private readonly valid: Int32Array;
  private readonly layerIn: Buf[];
  private readonly top: Buf;
  /** dL/dtop and the gradients between layers (used in turn), made by the first backward pass. */
  private readonly grads: () => { dTop: Buf; dRows: [Buf, Buf] };
  private stackOut: Buf;
  private steps = 0;

  constructor(be: Backend, private readonly spec: ModelSpec, param: (name: string) => Param, readonly B: number, readonly T: number) {
    this.o = optionsOf(spec);
    const d = (this.d = spec.hiddenSize);
    const shape = { B, T, d };
    this.input = new InputLayer(be, spec, param, B, T);
    const scratch = new LayerScratch(be, shape, this.o);
    this.layers = Array.from({ length: spec.numLayers }, (_, k) => new EncoderLayer(be, this.o, param, k, shape, scratch));
    this.finalNorm = this.o.normFirst ? new LayerNorm(be, param('transformer.norm.weight'), param('transformer.norm.bias'), B * T, d) : null;
    this.valid = new Int32Array(B * this.o.heads * T);
    this.layerIn = new Array<Buf>(spec.numLayers).fill(this.input.out);
    this.top = be.alloc(T * B * d);
    this.grads = once(() => ({ dTop: be.alloc(T * B * d), dRows: [be.alloc(B * T * d), be.alloc(B * T * d)] }));
    this.stackOut = this.input.out;
    const attention = spec.head.output === 'attention' ? { weight: param('attention.weight'), bias: param('attention.bias') } : null;
    this.head = makeHead(be, spec, { weight: param('head.weight'), bias: param('head.bias'), attention }, { B, T, D: d, size: spec.head.size });
  }

  /** Takes a batch of at most T steps: inputs, the keys every query attends to, and the head's targets. */
  load(batch: Batch): void {
    const { B, T } = this;
    if (batch.T > T) throw new Error(`internal: ${batch.T} steps loaded into a graph of ${T}`);
    this.steps = batch.T;
    this.input.load(batch);
    const H = this.o.heads;
    for (let b = 0; b < B; b++) {
      const len = sequenceLength(batch, b);
      for (let h = 0; h < H; h++)
        for (let i = 0; i < T; i++) this.valid[(b * H + h) * T + i] = this.o.causal ? Math.min(i + 1, len) : len;
    }
    this.head.load(batch, 0, batch.T);
  }

  /** Runs the stack; dropout (uniform [0, 1)) is drawn layer by layer as each layer's blocks need it. */
  forward(dropout: (() => number) | null): void {
    const p = this.spec.dropout;
    let x = this.input.forward();
    this.layers.forEach((layer, k) => {
      this.layerIn[k] = x;
      x = layer.forward(x, this.valid, this.steps, p, dropout);
    });
    this.stackOut = this.finalNorm ? this.finalNorm.forward(x) : x;
    transpose(this.stackOut, this.top, this.B, this.T, this.d);
  }

  headForward(): void {
    this.head.forward(this.top);
  }

  /** Back-propagates the head's dZ through everything; flowSq (when given) receives Σ_b ‖dL/dx_t‖² at the stack's input. */
  backward(flowSq: Float64Array | null): void {
    const { B, T, d } = this;
    const { dTop, dRows } = this.grads();
    this.head.backward(this.top, dTop);
    let [dOut, dNext] = dRows;
    transpose(dTop, dOut, T, B, d);
    if (this.finalNorm) {
      this.finalNorm.backward(dOut, dNext);
      [dOut, dNext] = [dNext, dOut];
    }
    for (let k = this.layers.length - 1; k >= 0; k--) {
      this.layers[k].backward(this.layerIn[k], dOut, dNext);
      [dOut, dNext] = [dNext, dOut];
    }
    this.input.backward(dOut, flowSq);
  }
}

/** dst[j, i, :] = src[i, j, :] for src of R × C rows of d values (batch-first ↔ time-major). */
function transpose(src: Buf, dst: Buf, R: number, C: number, d: number): void {
  for (let i = 0; i < R; i++)
    for (let j = 0; j < C; j++) {
      const s = (i * C + j) * d, o = (j * R + i) * d;
      for (let k = 0; k < d; k++) dst[o + k] = src[s + k];
    }
}
