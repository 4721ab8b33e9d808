// Tiny experiments that together use every cell, variant and option the PyTorch export reproduces exactly (dropout
// aside: its masks come from each side's own generator), the Transformer's included. float64 (reference64) so both sides compute the same sums.
// Steps that record the gradient flow run train.py's layers step by step, the others through torch's fused RNNs
// (where the cell has one), so with gradFlowEvery 2 or 3 both paths are held to SeqLab's numbers.
const TAGGED = [
  { x: ['the', 'dog', 'runs'], y: ['D', 'N', 'V'] },
  { x: ['a', 'cat'], y: ['D', 'N'] },
  { x: ['dogs', 'run', 'fast', 'now'], y: ['N', 'V', 'A', 'A'] },
  { x: ['the', 'cat', 'sleeps'], y: ['D', 'N', 'V'] },
  { x: ['run'], y: ['V'] },
  { x: ['a', 'dog', 'sleeps', 'now', 'fast'], y: ['D', 'N', 'V', 'A', 'A'] },
  { x: ['cats', 'sleep'], y: ['N', 'V'] },
  { x: ['the', 'dog'], y: ['D', 'N'] },
].map((r) => JSON.stringify(r)).join('\n');

const FLAGS = [
  { x: ['a', 'b', 'a'], y: [1, 0] }, { x: ['b', 'c'], y: [0, 1] }, { x: ['c', 'a', 'b', 'c'], y: [1, 1] },
  { x: ['a'], y: [0, 0] }, { x: ['b', 'b', 'a'], y: [1, 0] }, { x: ['c', 'c'], y: [0, 1] }, { x: ['a', 'c', 'b'], y: [1, 1] },
].map((r) => JSON.stringify(r)).join('\n');

const SERIES = 'a,b\n' + Array.from({ length: 30 }, (_, i) => `${(10 + 5 * Math.sin(i / 3)).toFixed(3)},${(i % 7) * 2.5}`).join('\n');

const common = { seed: 5, backend: { name: 'reference64' }, instrumentation: { gradFlowEvery: 2, gatesEvery: 2, probes: [0, 1] } };
const train = (o: object) => ({ steps: 4, batchSize: 6, shuffle: false, evalEvery: 2, checkpointEvery: 0, ...o });

/** shardBytes: small shards, so train.py reads rows across several files. */
export interface Case { files: Record<string, string | object>; shardBytes?: number }

const config = (c: object, data: Record<string, string> = {}, shardBytes?: number): Case => ({ files: { 'exp.seqlab.json': { ...common, ...c }, ...data }, shardBytes });

export const CASES: Record<string, Case> = {
  'LSTM: 2 layers with layer norm, Adam, xavier init with a forget-gate bias, clip by norm': config({
    data: { source: 'adding', length: 7, trainSize: 12, validationSize: 5 },
    model: { cell: 'lstm', hiddenSize: 4, numLayers: 2, layerNorm: true },
    train: train({ optimizer: { type: 'adam', lr: 0.05 }, init: { scheme: 'xavier', forgetBias: 1 }, clip: { maxNorm: 0.05 } }),
  }),
  'GRU resetAfter: bidirectional, cross entropy, SGD Nesterov + weight decay, step schedule, shuffled': config({
    data: { source: 'parity', length: 5, trainSize: 14, validationSize: 6 },
    model: { cell: 'gru', variant: 'resetAfter', hiddenSize: 3, bidirectional: true },
    train: train({
      steps: 5, batchSize: 4, shuffle: true, optimizer: { type: 'sgd', lr: 0.5, momentum: 0.9, nesterov: true, weightDecay: 0.01 },
      schedule: { type: 'step', stepSize: 2, gamma: 0.5 },
    }),
  }),
  'GRU resetBefore: residual stack with layer norm, per-step targets, RMSprop centered + momentum, cosine, truncated BPTT, orthogonal init': config({
    data: { source: 'copy', delay: 2, copyLength: 2, symbols: 3, trainSize: 10, validationSize: 4 },
    model: { cell: 'gru', variant: 'resetBefore', hiddenSize: 5, numLayers: 2, residual: true, layerNorm: true },
    train: train({
      optimizer: { type: 'rmsprop', lr: 0.01, momentum: 0.5, centered: true, weightDecay: 0.001 },
      schedule: { type: 'cosine' }, bptt: { mode: 'truncated', k: 3 }, init: { scheme: 'orthogonal' },
    }),
  }),
  'RNN relu: layer norm, attention head, sigmoid output with MSE, Adagrad, warmup then step decay, clip by value': config({
    data: { source: 'sine', length: 6, horizon: 2, trainSize: 10, validationSize: 4 },
    model: { cell: 'rnn', nonlinearity: 'relu', hiddenSize: 4, layerNorm: true, head: { output: 'attention', activation: 'sigmoid' } },
    train: train({
      optimizer: { type: 'adagrad', lr: 0.05, weightDecay: 0.01 },
      schedule: { type: 'warmup', warmupSteps: 2, after: { type: 'step', stepSize: 1, gamma: 0.9 } }, clip: { maxValue: 0.01 },
    }),
  }),
  'RNN tanh: embedding, ragged token rows, bidirectional under truncated BPTT, AdamW': config({
    data: { source: 'jsonl', path: 'tagged.jsonl', validation: 0.25 },
    model: { cell: 'rnn', hiddenSize: 3, bidirectional: true, embedding: { dim: 3 } },
    train: train({ batchSize: 4, optimizer: { type: 'adamw', lr: 0.02 }, bptt: { mode: 'truncated', k: 2 } }),
  }, { 'tagged.jsonl': TAGGED }, 64),
  'LSTM: one-hot tokens, ragged rows, BCE on 0/1 vectors, bidirectional, plain SGD': config({
    data: { source: 'jsonl', path: 'flags.jsonl', validation: 0 },
    model: { cell: 'lstm', hiddenSize: 3, bidirectional: true },
    train: train({ batchSize: 3, loss: 'bce', optimizer: { type: 'sgd', lr: 0.3 } }),
    instrumentation: { gradFlowEvery: 3, gatesEvery: 3, probes: [2] },
  }, { 'flags.jsonl': FLAGS }),
  'CSV series (z-scored by SeqLab), LSTM': config({
    data: { source: 'csv', path: 'series.csv', columns: ['a', 'b'], target: ['a'], window: 4, validation: 0.25 },
    model: { cell: 'lstm', hiddenSize: 3 },
    train: train({ batchSize: 5, optimizer: { type: 'adam', lr: 0.05 } }),
  }, { 'series.csv': SERIES }),
  'character text with one-hot input, per-step cross entropy and perplexity, GRU': config({
    data: { source: 'text', path: 'story.txt', seqLength: 6, validation: 0.2, sample: { every: 0, length: 5 } },
    model: { cell: 'gru', hiddenSize: 4 },
    train: train({ batchSize: 4, optimizer: { type: 'adam', lr: 0.05 } }),
  }, { 'story.txt': 'the cat sat on the mat. the dog sat on the log. '.repeat(2) }),
  'GRU resetAfter: 2 layers with layer norm, Adam with weight decay': config({
    data: { source: 'adding', length: 5, trainSize: 8, validationSize: 3 },
    model: { cell: 'gru', hiddenSize: 3, numLayers: 2, layerNorm: true },
    train: train({ batchSize: 4, optimizer: { type: 'adam', lr: 0.02, weightDecay: 0.01 } }),
  }),
  'Transformer post-norm: relu, sinusoidal positions, last-step head on features, 2 layers, Adam, clip by norm': config({
    data: { source: 'adding', length: 6, trainSize: 10, validationSize: 4 },
    model: { cell: 'transformer', hiddenSize: 4, heads: 2, numLayers: 2, feedForward: 6 },
    train: train({ batchSize: 4, optimizer: { type: 'adam', lr: 0.05 }, clip: { maxNorm: 0.5 } }),
  }),
  'Transformer pre-norm: gelu, learned positions, embedded ragged token rows, per-step (causal) targets, AdamW, warmup': config({
    data: { source: 'jsonl', path: 'tagged.jsonl', validation: 0.25 },
    model: { cell: 'transformer', hiddenSize: 4, heads: 2, numLayers: 2, feedForward: 5, normFirst: true, activation: 'gelu', positional: 'learned', embedding: { dim: 4 } },
    train: train({ batchSize: 4, optimizer: { type: 'adamw', lr: 0.05 }, schedule: { type: 'warmup', warmupSteps: 1, after: { type: 'constant' } } }),
  }, { 'tagged.jsonl': TAGGED }, 64),
  'Transformer post-norm: attention-pooling head, one layer of 4 heads, cross entropy, SGD with momentum, shuffled': config({
    data: { source: 'parity', length: 5, trainSize: 12, validationSize: 5 },
    model: { cell: 'transformer', hiddenSize: 8, heads: 4, feedForward: 4, head: { output: 'attention' } },
    train: train({ batchSize: 4, shuffle: true, optimizer: { type: 'sgd', lr: 0.3, momentum: 0.9 } }),
  }),
};

// Sequence-to-sequence: reversed strings of 3 to 6 letters (ragged sources and targets), trained long enough that the
// greedy decodes scored at each evaluation are more than an end token; probes at steps 0, 12 and 24.
const reverse = { source: 'reverse', minLength: 3, maxLength: 6, symbols: 4, trainSize: 12, validationSize: 5 };
const decode = { maxLength: 8, beam: 2, examples: 2 };
const pairs = { steps: 24, evalEvery: 12 };
// Word pairs (a toy translation: adjectives move behind their noun), read from a JSONL file.
const PHRASES = [
  ['the red cat sleeps', 'le chat rouge dort'], ['a big dog runs', 'un chien grand court'], ['the cat runs', 'le chat court'],
  ['a red dog sleeps', 'un chien rouge dort'], ['the big cat eats', 'le chat grand mange'], ['a dog eats', 'un chien mange'],
  ['the red dog runs', 'le chien rouge court'], ['a big cat sleeps', 'un chat grand dort'], ['the dog sleeps', 'le chien dort'],
  ['a red cat eats', 'un chat rouge mange'], ['the big dog eats', 'le chien grand mange'], ['a cat runs', 'un chat court'],
].map(([source, target]) => JSON.stringify({ source, target })).join('\n');
const probes = { instrumentation: { gradFlowEvery: 3, gatesEvery: 12, probes: [0, 1] } };

export const SEQ2SEQ_CASES: Record<string, Case> = {
  'sequence-to-sequence: GRU encoder and decoder, additive attention, Adam': config({
    data: reverse, decode,
    model: { cell: 'gru', hiddenSize: 5, embedding: { dim: 3 }, decoder: { attention: 'additive', embedding: { dim: 4 } } },
    train: train({ ...pairs, batchSize: 5, optimizer: { type: 'adam', lr: 0.05 } }), ...probes,
  }),
  'sequence-to-sequence: word pairs from a file, 2-layer bidirectional LSTM encoder (bridged), general attention with input feeding, SGD momentum, clip by norm, shuffled': config({
    data: { source: 'pairs', path: 'pairs.jsonl', tokens: 'word', validation: 0.25 }, decode,
    model: { cell: 'lstm', hiddenSize: 4, numLayers: 2, bidirectional: true, embedding: { dim: 3 }, decoder: { attention: 'general', inputFeeding: true, embedding: { dim: 3 } } },
    train: train({ ...pairs, batchSize: 4, shuffle: true, optimizer: { type: 'sgd', lr: 0.5, momentum: 0.9 }, clip: { maxNorm: 1 } }), ...probes,
  }, { 'pairs.jsonl': PHRASES }, 64),
  'sequence-to-sequence: GRU resetBefore, 2-layer residual encoder with layer norm, no attention, RMSprop': config({
    data: reverse, decode,
    model: { cell: 'gru', variant: 'resetBefore', hiddenSize: 4, numLayers: 2, residual: true, layerNorm: true, embedding: { dim: 3 }, decoder: { attention: 'none', embedding: { dim: 3 } } },
    train: train({ ...pairs, batchSize: 4, optimizer: { type: 'rmsprop', lr: 0.02 } }), ...probes,
  }),
  'sequence-to-sequence: RNN tanh, dot attention, teacher forcing 0.5 (SeqLab\'s coin flips), AdamW': config({
    data: reverse, decode,
    model: { cell: 'rnn', hiddenSize: 4, embedding: { dim: 3 }, decoder: { attention: 'dot', embedding: { dim: 3 } } },
    train: train({ ...pairs, batchSize: 4, teacherForcing: 0.5, optimizer: { type: 'adamw', lr: 0.05 } }), ...probes,
  }),
};
