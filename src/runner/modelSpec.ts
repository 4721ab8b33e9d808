// From a config's model block and its data to the engine's ModelSpec, with the checks that need both: embeddings and
// token input, and for the Transformer its options and the settings that have no meaning for it.
import type { ModelSpec, TransformerOptions } from '../engine/spec';
import type { Config } from './config/schema';
import { inputWidth } from './data/batches';
import type { Dataset } from './data/types';

/** Reports a problem at a config path (experiment.ts ranges it in the file, or at the sweep entry that caused it). */
export type At = (path: (string | number)[], message: string, severity?: 'error' | 'warning') => void;

export interface BuiltModel {
  model: ModelSpec;
  /** Token input enters one-hot (no embedding layer). */
  oneHot: boolean;
}

export function buildModelSpec(c: Config, dataset: Dataset, head: ModelSpec['head'], at: At): BuiltModel {
  const m = c.model;
  const tokens = dataset.input.kind === 'tokens';
  if (m.embedding && !tokens) at(['model', 'embedding'], 'an embedding needs token input, but the data has numeric features; set it to null');
  const shared = {
    variant: m.variant, nonlinearity: m.nonlinearity, hiddenSize: m.hiddenSize, numLayers: m.numLayers,
    bidirectional: m.bidirectional, dropout: m.dropout, residual: m.residual, layerNorm: m.layerNorm, head,
  };
  if (m.cell === 'transformer') {
    const vocab = dataset.input.kind === 'tokens' ? dataset.input.vocab.length : 0;
    return {
      model: {
        ...shared, cell: 'transformer', transformer: transformerOptions(c, dataset, head, at),
        inputSize: tokens ? m.hiddenSize : inputWidth(dataset, false),
        // The Transformer embeds tokens (embedding.weight, vocab × d), as its PyTorch module does.
        embedding: tokens ? { vocabSize: vocab, dim: m.hiddenSize } : null,
      },
      oneHot: false,
    };
  }
  if (m.dropout > 0 && m.numLayers === 1) at(['model', 'dropout'], 'dropout acts between stacked layers, so it has no effect with numLayers 1', 'warning');
  const oneHot = tokens && m.embedding === null;
  return {
    model: {
      ...shared, cell: m.cell, transformer: null,
      inputSize: m.embedding ? m.embedding.dim : inputWidth(dataset, oneHot),
      embedding: m.embedding && dataset.input.kind === 'tokens' ? { vocabSize: dataset.input.vocab.length, dim: m.embedding.dim } : null,
    },
    oneHot,
  };
}

/** The Transformer's options, each impossible or meaningless setting reported where it is. */
function transformerOptions(c: Config, dataset: Dataset, head: ModelSpec['head'], at: At): TransformerOptions {
  const m = c.model;
  if (m.hiddenSize % m.heads !== 0) {
    at(['model', 'heads'], `hiddenSize ${m.hiddenSize} is not a multiple of heads ${m.heads}: each head attends with hiddenSize / heads values`);
  }
  if (c.train.bptt.mode === 'truncated') {
    at(['train', 'bptt'], 'truncated BPTT has no meaning for the Transformer: every step attends to its whole sequence at once; '
      + 'use "full" (to bound the cost, shorten the sequences: data.seqLength, data.window or data.length)');
  }
  if (m.bidirectional) at(['model', 'bidirectional'], 'the Transformer has no direction: each step attends to the whole sequence (or, for per-step targets, to the steps up to it); set bidirectional to false');
  if (m.embedding && m.embedding.dim !== m.hiddenSize) {
    at(['model', 'embedding', 'dim'], `the Transformer embeds tokens at its width: embedding.dim must be hiddenSize ${m.hiddenSize} (or set embedding to null)`);
  }
  for (const key of ['residual', 'layerNorm'] as const) {
    if (m[key]) at(['model', key], `has no effect on the Transformer: every layer has residual connections and layer norms`, 'warning');
  }
  if (c.train.init.scheme !== 'pytorch') {
    at(['train', 'init', 'scheme'], 'concerns recurrent weights only: the Transformer starts as PyTorch initializes TransformerEncoderLayer', 'warning');
  }
  const longest = Math.max(1, ...[...dataset.train, ...dataset.validation].map((s) => s.T));
  const maxLength = m.maxLength ?? longest;
  if (m.positional === 'learned' && maxLength < longest) {
    at(['model', 'maxLength'], `the data has sequences of ${longest} steps, more than the ${maxLength} learned positions; raise maxLength (or null: the longest sequence)`);
  }
  return {
    heads: m.heads, feedForward: m.feedForward ?? 4 * m.hiddenSize, activation: m.activation, normFirst: m.normFirst,
    // Targets at every step (text, tagging, the copy task) must not see the steps after their own.
    positional: m.positional, maxLength, causal: head.output === 'all',
  };
}
