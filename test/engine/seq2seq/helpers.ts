// Small sequence-to-sequence models and batches for the engine tests.
import type { Batch } from '../../../src/engine/model';
import { createReferenceBackend } from '../../../src/engine/backends/reference';
import { Seq2SeqModel } from '../../../src/engine/seq2seq/model';
import type { DecoderSpec, ModelSpec } from '../../../src/engine/spec';
import { TestRandom } from '../helpers/random';

export type Seq2SeqOverrides = Partial<Omit<ModelSpec, 'decoder' | 'head' | 'embedding'>> & { decoder?: Partial<DecoderSpec>; sourceVocab?: number };

/** Source vocabulary 6 (embedding 3), target vocabulary 5 (embedding 2; start 1, end 2), hidden 3. */
export function seq2seqSpec(over: Seq2SeqOverrides = {}): ModelSpec {
  const { decoder, sourceVocab, ...rest } = over;
  const d: DecoderSpec = { vocabSize: 5, embeddingDim: 2, attention: 'additive', inputFeeding: false, startToken: 1, endToken: 2, maxLength: 8, ...decoder };
  return {
    cell: 'gru', variant: 'resetAfter', nonlinearity: 'tanh', inputSize: 3, hiddenSize: 3, numLayers: 1, bidirectional: false,
    dropout: 0, residual: false, layerNorm: false, transformer: null, embedding: { vocabSize: sourceVocab ?? 6, dim: 3 }, ...rest,
    decoder: d, head: { output: 'all', size: d.vocabSize, activation: 'none' },
  };
}

/** A float64 reference model with every parameter drawn uniformly from ±scale (layer-norm gains around 1). */
export function seq2seqModel(spec: ModelSpec, seed = 11, scale = 0.6, dtype: 'float32' | 'float64' = 'float64'): Seq2SeqModel {
  const model = new Seq2SeqModel(spec, createReferenceBackend(dtype));
  const rnd = new TestRandom(seed);
  for (const p of model.params) {
    if (/\.ln_(ih|hh)_l\d+(_reverse)?\.weight$/.test(p.name)) rnd.fill(p.value, 0.6, 1.4);
    else rnd.fill(p.value, -scale, scale);
  }
  return model;
}

/** B pairs: random source tokens (lengths[b] valid of T) and target tokens ending with the end token. */
export function seq2seqBatch(spec: ModelSpec, B: number, T: number, U: number, seed = 5,
  lengths: number[] | null = null, targetLengths: number[] | null = null): Batch {
  const rnd = new TestRandom(seed);
  const d = spec.decoder!;
  const tokens = Int32Array.from({ length: B * T }, () => rnd.int(spec.embedding!.vocabSize));
  const y = new Int32Array(B * U);
  for (let b = 0; b < B; b++) {
    const len = targetLengths ? targetLengths[b] : U;
    for (let t = 0; t < U; t++) y[b * U + t] = t < len - 1 ? 3 + rnd.int(d.vocabSize - 3) : t === len - 1 ? d.endToken : 0;
  }
  return {
    B, T, x: null, tokens, lengths: lengths ? Int32Array.from(lengths) : null, y,
    target: { steps: U, lengths: targetLengths ? Int32Array.from(targetLengths) : null },
  };
}
