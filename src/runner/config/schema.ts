// The one definition of a *.seqlab.json experiment. Types, validation and schemas/seqlab.schema.json derive from it
// (scripts/gen-schema.ts writes the JSON Schema; test/runner/schema.test.ts checks the file is up to date).
import { anyJson, arr, bool, int, nullable, num, numbers, obj, oneOf, record, str, tagged, type Infer } from './dsl';

const trainSize = int({ description: 'Number of generated training sequences.', default: 2000, min: 1 });
const validationSize = int({ description: 'Number of generated validation sequences (0: none).', default: 200, min: 0 });
const path = str({ description: 'File path relative to this config; must stay inside the workspace.', minLength: 1 });
const validationFraction = num({
  description: 'Fraction of the rows held out for validation, chosen by a seeded shuffle (0: none; the training rows keep file order).',
  default: 0.1, min: 0, max: 0.9,
});

const data = tagged('source', {
  adding: obj({
    length: int({ description: 'Sequence length T. Each step has a value in [0,1) and a marker; the target is the sum of the two marked values.', default: 50, min: 2 }),
    trainSize, validationSize,
  }, { description: 'The adding problem (Hochreiter & Schmidhuber 1997). Always predicting 1 scores MSE 1/6, recorded as the baselineMse metric.' }),
  copy: obj({
    delay: int({ description: 'Blank steps between the symbols and the recall marker.', default: 20, min: 0 }),
    copyLength: int({ description: 'How many symbols to remember.', default: 5, min: 1 }),
    symbols: int({ description: 'Alphabet size.', default: 8, min: 2 }),
    trainSize, validationSize,
  }, { description: 'The copy (memory) task: read symbols, wait, then reproduce them. Per-step classes; "blank" is class 0.' }),
  sine: obj({
    length: int({ description: 'Input window length.', default: 40, min: 1 }),
    horizon: int({ description: 'How many future values to predict.', default: 1, min: 1 }),
    trainSize, validationSize,
  }, { description: 'Forecast the next values of a sine wave with random frequency and phase.' }),
  multisine: obj({
    length: int({ description: 'Input window length.', default: 60, min: 1 }),
    horizon: int({ description: 'How many future values to predict.', default: 1, min: 1 }),
    components: int({ description: 'Number of summed sines.', default: 3, min: 1 }),
    noise: num({ description: 'Standard deviation of Gaussian noise added to the inputs.', default: 0.1, min: 0 }),
    trainSize, validationSize,
  }, { description: 'Forecast a noisy sum of sines.' }),
  parity: obj({
    length: int({ description: 'Number of bits per sequence.', default: 12, min: 1 }),
    trainSize, validationSize,
  }, { description: 'Bit parity: classify whether a bit sequence has an odd number of ones (class 1) or not (class 0).' }),
  text: obj({
    path,
    seqLength: int({ description: 'Characters per training sequence (the target is the next character at each step).', default: 64, min: 2 }),
    validation: validationFraction,
    sample: obj({
      every: int({ description: 'Generate a sample every this many steps (0: only at the end).', default: 200, min: 0 }),
      temperature: num({ description: 'Softmax temperature for sampling (lower is more conservative).', default: 0.8, exclusiveMin: 0 }),
      length: int({ description: 'Characters per sample.', default: 200, min: 1 }),
      prime: str({ description: 'Text to start each sample with (empty: a random character of the text).', default: '' }),
    }, { description: 'Text samples generated during training.' }),
  }, { description: 'Character-level language modeling on a UTF-8 text file.' }),
  csv: obj({
    path,
    columns: arr(str({ description: 'Column name.' }), { description: 'Input columns (empty: every numeric column).', default: [] }),
    target: arr(str({ description: 'Column name.' }), { description: 'Columns to predict (empty: the input columns).', default: [] }),
    window: int({ description: 'Past steps the model sees.', default: 12, min: 1 }),
    horizon: int({ description: 'Steps ahead to predict (the target is the value horizon steps after the window).', default: 1, min: 1 }),
    validation: num({ description: 'Fraction of the series, at its end, used for validation.', default: 0.2, min: 0, max: 0.9 }),
    task: oneOf(['forecast', 'anomaly'], { description: 'forecast: predict; anomaly: also flag points whose prediction error exceeds the threshold.', default: 'forecast' }),
    threshold: nullable(num({ description: 'Anomaly threshold on the absolute prediction error (original units).', min: 0 }), {
      description: 'Anomaly threshold on the absolute prediction error in original units (null: mean + 3 standard deviations of the training errors).', default: null,
    }),
  }, { description: 'A CSV time series with a header row. Normalization statistics come from the training part only. Values must be finite and at most 1e6 in magnitude.' }),
  jsonl: obj({
    path,
    validation: validationFraction,
    validationPath: nullable(str({ description: 'A JSONL validation file.', minLength: 1 }), {
      description: 'A separate JSONL validation file, relative to this config and inside the workspace, read with the training file\'s vocabulary and labels; validation (the fraction) is then not used. null: hold out part of path.',
      default: null,
    }),
    minFreq: int({
      description: 'Token data: tokens seen fewer times than this in the training file are read as <unk>, which then also stands for words predict has never seen (1: keep every token).',
      default: 2, min: 1,
    }),
  }, { description: 'One sequence per line: {"x": [[...], ...] or ["tok", ...], "y": number | vector | "label" | per-step list}. Values must be finite and at most 1e6 in magnitude (larger ones are errors: rescale the data).' }),
  pairs: obj({
    path: str({ description: 'A JSONL file of {"source": "...", "target": "..."} lines, or a .tsv file of two tab-separated columns (source, target); relative to this config, inside the workspace.', minLength: 1 }),
    tokens: oneOf(['char', 'word'], { description: 'char: every character is a token; word: tokens are separated by whitespace.', default: 'char' }),
    validation: validationFraction,
    maxSourceLength: int({ description: 'Pairs whose source has more tokens are left out (with a warning).', default: 200, min: 1 }),
    maxTargetLength: int({ description: 'Pairs whose target has more tokens, the end token included, are left out (with a warning).', default: 200, min: 2 }),
  }, { description: 'Sequence-to-sequence pairs (needs model.decoder). Each side gets its own vocabulary from the training pairs, with <pad>, <s>, </s> and <unk> (tokens unseen in training) at ids 0-3.' }),
  reverse: obj({
    minLength: int({ description: 'Shortest string.', default: 4, min: 1 }),
    maxLength: int({ description: 'Longest string.', default: 12, min: 1 }),
    symbols: int({ description: 'Alphabet size: the first this many lowercase letters.', default: 10, min: 2, max: 26 }),
    trainSize, validationSize,
  }, { description: 'Reverse a random string (needs model.decoder): target character i comes from source character n−1−i, the anti-diagonal an attention map should show.' }),
  dates: obj({
    trainSize, validationSize,
  }, { description: 'Rewrite a date written in one of 8 human formats ("Wednesday, March 3, 2021", "03.03.2021", "the 3rd of march 2021", …) as an ISO date (2021-03-03); needs model.decoder.' }),
}, { description: 'Where the sequences come from.', default: 'adding' });

const head = obj({
  output: oneOf(['auto', 'last', 'all', 'attention'], {
    description: 'last: the final valid step (for a bidirectional layer both directions there, as PyTorch out[:, -1]); all: every step; attention: learned pooling; auto: all for per-step targets, else last.',
    default: 'auto',
  }),
  size: nullable(int({ description: 'Output features.', min: 1 }), { description: 'Output features (null: the target width, or the number of classes).', default: null }),
  activation: oneOf(['none', 'sigmoid', 'softmax'], { description: 'Activation on the head output; losses work on the raw output (none) as PyTorch losses do.', default: 'none' }),
}, { description: 'The linear layer on top of the recurrent stack.' });

const model = obj({
  cell: oneOf(['rnn', 'gru', 'lstm', 'transformer'], {
    description: 'Recurrent cell, or "transformer": a Transformer encoder (torch.nn.TransformerEncoder) of numLayers layers of width '
      + 'hiddenSize, on the same data, heads and views (options heads … maxLength below).',
    default: 'lstm',
  }),
  variant: oneOf(['resetAfter', 'resetBefore'], {
    description: 'GRU formulation: resetAfter (torch.nn.GRU, cuDNN: the reset gate multiplies W_hn·h + b_hn) or resetBefore '
      + '(Cho et al. 2014: the reset gate multiplies h before W_hn; here the update gate z admits the candidate, h = (1−z)⊙h + z⊙n).',
    default: 'resetAfter', renamed: { pytorch: 'resetAfter', seed: 'resetBefore' },
  }),
  nonlinearity: oneOf(['tanh', 'relu'], { description: 'Simple RNN activation.', default: 'tanh' }),
  hiddenSize: int({ description: 'Hidden units per layer and direction.', default: 32, min: 1 }),
  numLayers: int({ description: 'Stacked recurrent layers.', default: 1, min: 1 }),
  bidirectional: bool({ description: 'Run a second layer over the reversed sequence and concatenate.', default: false }),
  dropout: num({ description: 'Dropout between stacked layers (as torch.nn.LSTM dropout).', default: 0, min: 0, max: 0.99 }),
  residual: bool({ description: 'Add each stacked layer\'s input to its output.', default: false }),
  layerNorm: bool({ description: 'Layer-normalize gate pre-activations.', default: false }),
  embedding: nullable(obj({
    dim: int({ description: 'Embedding width.', default: 32, min: 1 }),
  }, { description: 'Learned token embedding.' }), {
    description: 'Token embedding for token data (null: tokens enter one-hot; the Transformer always embeds tokens, at width hiddenSize).', default: null,
  }),
  heads: int({ description: 'Transformer: attention heads per layer (hiddenSize must be a multiple of it).', default: 4, min: 1 }),
  feedForward: nullable(int({ description: 'Transformer: width of each layer\'s feed-forward block.', min: 1 }), {
    description: 'Transformer: width of each layer\'s feed-forward block, dim_feedforward (null: 4 × hiddenSize).', default: null,
  }),
  activation: oneOf(['relu', 'gelu'], { description: 'Transformer: activation of the feed-forward block (gelu: the exact, erf form).', default: 'relu' }),
  normFirst: bool({ description: 'Transformer: layer norm before attention and feed-forward (pre-norm, plus a final norm) instead of after them.', default: false }),
  positional: oneOf(['sinusoidal', 'learned'], {
    description: 'Transformer: positions added to the projected input: sinusoidal (Vaswani et al. 2017, no parameters) or learned (pos_embedding, maxLength rows).',
    default: 'sinusoidal',
  }),
  maxLength: nullable(int({ description: 'Transformer: the longest sequence the model takes.', min: 1 }), {
    description: 'Transformer: the longest sequence the model takes; learned positions have this many rows (null: the longest sequence in the data).', default: null,
  }),
  head,
  decoder: nullable(obj({
    attention: oneOf(['additive', 'dot', 'general', 'none'], {
      description: 'How the decoder scores each encoder output against its state: additive v·tanh(W_q·h + W_k·h̄ + b) (Bahdanau et al. 2015), dot h·h̄ or general h·W·h̄ (Luong et al. 2015), or none (the source reaches the decoder only through its initial state). Attention follows the decoder step (Luong\'s placement) for every score.',
      default: 'additive',
    }),
    inputFeeding: bool({ description: 'Luong\'s input feeding: the previous step\'s attentional vector joins the decoder\'s next input (needs attention; decoding runs step by step).', default: false }),
    embedding: obj({
      dim: int({ description: 'Target-token embedding width.', default: 32, min: 1 }),
    }, { description: 'The decoder\'s own target-token embedding.' }),
  }, { description: 'The decoder: same cell, hiddenSize and numLayers as the encoder above, started from its final state (through a learned tanh bridge when bidirectional).' }), {
    description: 'A decoder makes the model sequence-to-sequence (data "pairs", "reverse" or "dates"): the recurrent stack above becomes its encoder, and head is not used (null: a sequence model).',
    default: null,
  }),
}, { description: 'The network.' });

const scheduleCore = {
  constant: obj({}, { description: 'Constant learning rate.' }),
  step: obj({
    stepSize: int({ description: 'Multiply the rate by gamma every this many steps.', default: 1000, min: 1 }),
    gamma: num({ description: 'Decay factor.', default: 0.5, exclusiveMin: 0 }),
  }, { description: 'Step decay.' }),
  cosine: obj({
    totalSteps: nullable(int({ description: 'Steps to reach minLr.', min: 1 }), { description: 'Steps to reach minLr (null: train.steps).', default: null }),
    minLr: num({ description: 'Final learning rate.', default: 0, min: 0 }),
  }, { description: 'Cosine annealing.' }),
};
const afterWarmup = tagged('type', scheduleCore, { description: 'Schedule after warmup, counted from its end.', default: 'constant' });
const schedule = tagged('type', {
  ...scheduleCore,
  warmup: obj({
    warmupSteps: int({ description: 'Linear warmup from 0 over this many steps.', default: 100, min: 1 }),
    after: afterWarmup,
  }, { description: 'Linear warmup, then another schedule.' }),
}, { description: 'Learning-rate schedule.', default: 'constant' });

const lr = (d: number) => num({ description: 'Learning rate.', default: d, exclusiveMin: 0 });
const weightDecay = num({ description: 'L2 weight decay (decoupled for adamw).', default: 0, min: 0 });
const eps = num({ description: 'Denominator epsilon.', default: 1e-8, exclusiveMin: 0 });
const optimizer = tagged('type', {
  sgd: obj({
    lr: lr(0.01),
    momentum: num({ description: 'Momentum.', default: 0, min: 0 }),
    nesterov: bool({ description: 'Nesterov momentum.', default: false }),
    dampening: num({ description: 'Momentum dampening.', default: 0, min: 0 }),
    weightDecay,
  }, { description: 'Stochastic gradient descent (torch.optim.SGD).' }),
  adagrad: obj({ lr: lr(0.01), eps: num({ description: 'Denominator epsilon.', default: 1e-10, exclusiveMin: 0 }), weightDecay }, { description: 'torch.optim.Adagrad.' }),
  rmsprop: obj({
    lr: lr(0.01), alpha: num({ description: 'Smoothing constant.', default: 0.99, min: 0, max: 1 }), eps,
    momentum: num({ description: 'Momentum.', default: 0, min: 0 }), centered: bool({ description: 'Centered RMSprop.', default: false }), weightDecay,
  }, { description: 'torch.optim.RMSprop.' }),
  adam: obj({ lr: lr(0.001), beta1: num({ description: 'First-moment decay.', default: 0.9, min: 0, max: 1 }), beta2: num({ description: 'Second-moment decay.', default: 0.999, min: 0, max: 1 }), eps, weightDecay }, { description: 'torch.optim.Adam.' }),
  adamw: obj({ lr: lr(0.001), beta1: num({ description: 'First-moment decay.', default: 0.9, min: 0, max: 1 }), beta2: num({ description: 'Second-moment decay.', default: 0.999, min: 0, max: 1 }), eps, weightDecay: num({ description: 'Decoupled weight decay.', default: 0.01, min: 0 }) }, { description: 'torch.optim.AdamW.' }),
}, { description: 'Optimizer.', default: 'adam' });

const train = obj({
  steps: int({ description: 'Optimizer updates to run.', default: 1000, min: 1 }),
  batchSize: int({ description: 'Sequences per batch (larger than the data: one batch of all rows).', default: 32, min: 1 }),
  shuffle: bool({ description: 'Reshuffle the training rows each epoch with the seed (false: file order).', default: true }),
  loss: oneOf(['auto', 'mse', 'cross_entropy', 'bce'], {
    description: 'mse: mean over all elements; cross_entropy: on raw logits with class targets; bce: with logits on 0/1 targets; auto: cross_entropy for class targets, else mse.',
    default: 'auto',
  }),
  optimizer,
  schedule,
  clip: obj({
    maxNorm: nullable(num({ description: 'Max global gradient norm.', exclusiveMin: 0 }), { description: 'clip_grad_norm_ threshold (null: off).', default: null }),
    maxValue: nullable(num({ description: 'Max gradient magnitude.', exclusiveMin: 0 }), { description: 'clip_grad_value_ threshold (null: off).', default: null }),
  }, { description: 'Gradient clipping.' }),
  init: obj({
    scheme: oneOf(['pytorch', 'xavier', 'orthogonal', 'identity'], {
      description: 'Weight initialization. pytorch: torch.nn defaults; xavier: Glorot uniform per gate block, zero biases; orthogonal: '
        + 'recurrent weights orthogonal per gate block (else as xavier); identity: recurrent weights as torch.nn.init.eye_ (the identity '
        + 'for an RNN, the IRNN of Le et al. 2015 with "relu"; else as xavier).',
      default: 'pytorch',
    }),
    recurrentGain: num({
      description: 'Multiplies the recurrent weights W_hh after the scheme (torch: orthogonal_(w, gain) or w.mul_(gain)). Above 1 gradients '
        + 'tend to explode through time, below 1 to vanish.',
      default: 1, exclusiveMin: 0,
    }),
    forgetBias: nullable(num({ description: 'LSTM forget-gate bias.' }), { description: 'LSTM forget-gate bias (null: the scheme\'s).', default: null }),
  }, { description: 'Parameter initialization (ignored with --init).' }),
  bptt: tagged('mode', {
    full: obj({}, { description: 'Backpropagate through the whole sequence.' }),
    truncated: obj({ k: int({ description: 'Chunk length.', default: 20, min: 1 }) }, { description: 'Truncated BPTT in chunks of k steps; state carried, graph cut between chunks.' }),
  }, { description: 'Backpropagation through time.', default: 'full' }),
  teacherForcing: num({
    description: 'Sequence-to-sequence: the probability that a decoder step is fed the reference token rather than its own previous prediction, drawn once per step for the batch (1: always the reference).',
    default: 1, min: 0, max: 1,
  }),
  evalEvery: int({ description: 'Evaluate on the validation set every this many steps (0: only at the end).', default: 100, min: 0 }),
  checkpointEvery: int({ description: 'Write a checkpoint every this many steps (0: only the final one).', default: 500, min: 0 }),
}, { description: 'Training.' });

const backendName = oneOf(['auto', 'reference', 'reference64', 'wasm', 'wasm:simd128', 'wasm:relaxed-simd', 'gpu.js', 'gpu.js:cpu', 'gpu.js:webasm', 'gpu.js:headlessgl', 'gpu.js:webgpu'], {
  description: 'Compute backend. "auto" picks the fastest available: wasm (SIMD), then gpu.js:webasm, then reference. '
    + '"wasm" runs its relaxed-SIMD kernels (fused multiply-add) where the engine accepts them, else baseline SIMD; '
    + '"wasm:simd128" pins baseline SIMD, whose results are the same bits on every machine. "gpu.js:webgpu" runs the GPU.js kernels on '
    + 'WebGPU (Vulkan, Metal or D3D12), copying every op\'s operands to the GPU; auto picks it only when its adapter is hardware and one timed training step of the run\'s model is faster there than on the CPU backend, never on a software adapter. `seqlab backends` lists what starts here.',
  default: 'auto',
});

/** The most runs one sweep may expand to; a larger grid is refused before it is expanded. */
export const MAX_SWEEP_RUNS = 1000;

export const configSchema = obj({
  name: str({ description: 'Experiment name (empty: the file name).', default: '' }),
  description: str({ description: 'Free text shown with the runs.', default: '' }),
  seed: int({ description: 'Seed for data generation, splits, shuffling, initialization and dropout.', default: 0, min: 0 }),
  data,
  model,
  train,
  decode: obj({
    beam: int({ description: 'Beam width for the validation examples and `seqlab predict` (1: greedy). Metrics score greedy decoding.', default: 4, min: 1 }),
    maxLength: int({ description: 'Most target tokens a decoding produces, the end token included.', default: 50, min: 1 }),
    lengthNormalization: num({ description: 'Beam hypotheses are ranked by log-probability / length^this (0: the plain sum, 1: the mean per token).', default: 1, min: 0 }),
    examples: int({ description: 'Validation examples (source, reference, greedy and beam output, BLEU) shown at each evaluation.', default: 8, min: 0 }),
  }, { description: 'Sequence-to-sequence decoding.' }),
  backend: obj({
    name: backendName,
    fallback: arr(backendName, { description: 'Backends to try, in order, when the chosen one is unavailable.', default: [] }),
  }, { description: 'Where the arithmetic runs. Every backend is tested against PyTorch fixtures and the float64 reference; "reference64" is the exact float64 path for gradient checks.' }),
  instrumentation: obj({
    stepEvery: int({ description: 'Write a step line (loss, gradient norms per parameter) every this many steps.', default: 1, min: 1 }),
    gradFlowEvery: int({ description: 'Record gradient flow through time every this many steps (0: never).', default: 50, min: 0 }),
    gatesEvery: int({ description: 'Record gate activations of the probe sequences (the Transformer: their attention maps) every this many steps (0: never).', default: 100, min: 0 }),
    probes: numbers({ description: 'Index or indices of the probe sequence(s) in the validation set (the training set when there is none).', default: [0] }),
  }, { description: 'What to record while training.' }),
  output: obj({
    runsDir: str({ description: 'Folder for runs, relative to the config; must stay inside the workspace.', default: '.seqlab/runs', minLength: 1 }),
  }, { description: 'Where runs are written.' }),
  sweep: record(arr(anyJson({ description: 'A value for that field.' }), { description: 'Values to try.', minItems: 1 }), {
    description: `Grid search: dotted field path → list of values, e.g. {"model.cell": ["rnn","gru","lstm"]}. Expands into one run per combination (at most ${MAX_SWEEP_RUNS}). A field left out of the file takes its defaults first, so "train.optimizer.lr" can be swept without writing the optimizer out.`,
    default: {},
  }),
}, { description: 'A SeqLab experiment.' });

export type Config = Infer<typeof configSchema>;
export type DataConfig = Config['data'];
