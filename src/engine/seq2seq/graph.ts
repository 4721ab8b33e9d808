// A sequence-to-sequence model unrolled over one shape (B sequences, S source and U target steps): the encoder
// (the recurrent stack), the bridge to the decoder's initial state, and the decoder with its attention.
// Forward and backward of the whole, composed from the parts' own forward and backward.

import type { Backend, Buf } from '../backend';
import { sequenceLength, type Batch } from '../batch';
import type { DirectionParams } from '../cells/direction';
import { RecurrentStack } from '../network';
import { layerWidth, type Param } from '../params';
import type { ModelSpec } from '../spec';
import { Bridge } from './bridge';
import { DecoderGraph } from './decoder';

export class Seq2SeqGraph {
  readonly encoder: RecurrentStack;
  readonly bridge: Bridge;
  readonly decoder: DecoderGraph;
  /** Source length of each sequence of the loaded batch. */
  readonly sourceLengths: Int32Array;

  constructor(be: Backend, readonly spec: ModelSpec, private readonly param: (name: string) => Param,
    readonly B: number, readonly S: number, readonly U: number, forBackward: boolean) {
    const d = spec.decoder!;
    this.encoder = new RecurrentStack(be, spec, (name) => param(`encoder.${name}`), B, S);
    const linear = (name: string) => ({ weight: param(`${name}.weight`), bias: param(`${name}.bias`) });
    this.bridge = new Bridge(be, spec, B, spec.bidirectional ? linear('bridge') : null,
      spec.bidirectional && spec.cell === 'lstm' ? linear('bridge_c') : null);
    const layers = Array.from({ length: spec.numLayers }, (_, k): DirectionParams => ({
      wIh: param(`decoder.rnn.weight_ih_l${k}`), wHh: param(`decoder.rnn.weight_hh_l${k}`),
      bIh: param(`decoder.rnn.bias_ih_l${k}`), bHh: param(`decoder.rnn.bias_hh_l${k}`), lnIh: null, lnHh: null,
    }));
    const a = d.attention;
    const attention = a === 'none' ? null : {
      query: a === 'additive' ? param('decoder.attention.query.weight') : null,
      v: a === 'additive' ? param('decoder.attention.v.weight') : null,
      key: a === 'dot' ? null : param('decoder.attention.key.weight'),
      keyBias: a === 'additive' ? param('decoder.attention.key.bias') : null,
    };
    this.decoder = new DecoderGraph(be, spec, {
      embedding: param('decoder.embedding.weight'), layers, attention,
      combine: a === 'none' ? null : linear('decoder.combine'), out: linear('decoder.out'),
    }, { B, U, S, De: layerWidth(spec), forBackward });
    this.sourceLengths = new Int32Array(B);
  }

  /** Runs the encoder on the batch's sources and sets the decoder's initial state and attention keys. */
  encode(batch: Batch, dropout: (() => number) | null): void {
    for (let b = 0; b < this.B; b++) this.sourceLengths[b] = sequenceLength(batch, b);
    this.encoder.load(batch, 0, batch.T, this.param('encoder.embedding.weight'));
    this.encoder.forward(dropout, null);
    this.bridge.forward(this.encoder);
    this.decoder.attention?.setKeys(this.encoder.top(), (b) => this.sourceLengths[b]);
  }

  /** Starts the decoder from the bridge's state (step by step). */
  beginDecoding(): void {
    this.decoder.begin(this.bridge.h0, this.bridge.c0);
  }

  /** Every decoder step at once, inputs already set. */
  decodeAll(): void {
    this.decoder.runAll(this.bridge.h0, this.bridge.c0);
  }

  /**
   * Backward from the decoder's dLogits through decoder (all steps at once, or step by step), bridge and encoder.
   * flowSq receives Σ (dL/dh_t)² of the encoder's top layer per source step.
   */
  backward(stepwise: boolean, flowSq: Float64Array | null): void {
    const dTop: Buf = this.encoder.dTop();
    if (stepwise) this.decoder.backwardSteps(dTop);
    else this.decoder.backwardAll(dTop);
    const g = this.decoder.initialGrads();
    const finals = this.bridge.backward(g.h, g.c);
    this.encoder.backward(flowSq, 0, this.param('encoder.embedding.weight'), finals);
  }
}
