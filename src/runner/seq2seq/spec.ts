// A sequence-to-sequence config (model.decoder) as the engine's ModelSpec, after checking the combinations that
// cannot work, each error at the config field to change.
import type { LossType, ModelSpec } from '../../engine/spec';
import type { Config } from '../config/schema';
import type { Dataset } from '../data/types';
import { END, START } from '../data/pairs';

/** Adds a diagnostic at a config path (experiment.ts points those caused by a swept value at the sweep). */
export type At = (path: (string | number)[], message: string, severity?: 'error' | 'warning') => void;

/** What a config maps to; meaningful only when no error was reported. */
export interface ModelSpecs { model: ModelSpec; loss: LossType; oneHot: boolean }

export function seq2seqSpecs(c: Config, dataset: Dataset, at: At): ModelSpecs {
  const m = c.model;
  const d = m.decoder!;
  const tg = dataset.target;
  if (tg.kind !== 'sequence') {
    at(['model', 'decoder'], `a decoder needs source–target pairs (data source "pairs", "reverse" or "dates"), but data source "${c.data.source}" gives ${tg.kind === 'class' ? 'class labels' : 'numeric targets'}; set "decoder" to null`);
  }
  if (m.cell === 'transformer') at(['model', 'cell'], 'the sequence-to-sequence encoder is recurrent: use "rnn", "gru" or "lstm" with a decoder (the Transformer is an encoder with a per-sequence or per-step head)');
  if (!m.embedding) at(['model', 'embedding'], 'a sequence-to-sequence model reads its source tokens through an embedding: set "embedding": {"dim": 32}');
  if (c.train.loss !== 'auto' && c.train.loss !== 'cross_entropy') at(['train', 'loss'], `a sequence-to-sequence model trains on cross_entropy over the target tokens, not ${c.train.loss}`);
  if (c.train.bptt.mode === 'truncated') at(['train', 'bptt'], 'the decoder attends to the whole source and starts from its final state, so it needs full BPTT, not truncated');
  if (m.head.output !== 'auto' || m.head.size !== null || m.head.activation !== 'none') {
    at(['model', 'head'], 'the decoder\'s output layer (one score per target token) takes the head\'s place: leave head at its defaults');
  }
  if (d.attention === 'dot' && m.bidirectional) {
    at(['model', 'decoder', 'attention'], `dot attention compares decoder states (${m.hiddenSize} wide) with encoder outputs, which a bidirectional encoder makes ${2 * m.hiddenSize} wide; use "general" or "additive", or a unidirectional encoder`);
  }
  if (d.inputFeeding && d.attention === 'none') at(['model', 'decoder', 'inputFeeding'], 'input feeding passes the attentional vector on to the next step, so it needs attention (not "none")');
  if (m.dropout > 0 && m.numLayers === 1) at(['model', 'dropout'], 'dropout acts between stacked encoder layers, so it has no effect with numLayers 1', 'warning');
  const sourceVocab = dataset.input.kind === 'tokens' ? dataset.input.vocab.length : 1;
  const V = tg.kind === 'sequence' ? tg.vocab.length : 4;
  const model: ModelSpec = {
    cell: m.cell, variant: m.variant, nonlinearity: m.nonlinearity, inputSize: m.embedding?.dim ?? 1,
    hiddenSize: m.hiddenSize, numLayers: m.numLayers, bidirectional: m.bidirectional, dropout: m.dropout,
    residual: m.residual, layerNorm: m.layerNorm, transformer: null,
    embedding: m.embedding ? { vocabSize: sourceVocab, dim: m.embedding.dim } : null,
    decoder: {
      vocabSize: V, embeddingDim: d.embedding.dim, attention: d.attention, inputFeeding: d.inputFeeding,
      startToken: START, endToken: END, maxLength: c.decode.maxLength,
    },
    head: { output: 'all', size: V, activation: 'none' },
  };
  return { model, loss: 'cross_entropy', oneHot: false };
}
