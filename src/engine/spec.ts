// What a model and its training are, as plain data. The runner's config schema maps onto these types;
// the engine validates nothing a config validator already checked, but throws on impossible shapes.

/** The recurrent cells, and the Transformer encoder (src/engine/transformer/), which takes the same data and heads. */
export type CellType = 'rnn' | 'gru' | 'lstm' | 'transformer';
/**
 * Where the GRU's reset gate acts (cells/gru.ts has both formulas): "resetAfter" multiplies the recurrent product
 * W_hn·h_{t−1} + b_hn, as torch.nn.GRU and cuDNN do; "resetBefore" multiplies h_{t−1} before it (Cho et al. 2014).
 */
export type GruVariant = 'resetAfter' | 'resetBefore';
export type HeadOutput = 'last' | 'all' | 'attention';
/**
 * How a sequence-to-sequence decoder scores each encoder output h̄_s against its state h_t (seq2seq/attention.ts):
 * "additive" vᵀ·tanh(W_q·h_t + W_k·h̄_s + b_k) (Bahdanau et al. 2015), "dot" h_tᵀ·h̄_s and "general" h_tᵀ·W_a·h̄_s
 * (Luong et al. 2015), or "none" (no attention: the decoder sees the source only through its initial state).
 */
export type AttentionType = 'additive' | 'dot' | 'general' | 'none';

/** The decoder of a sequence-to-sequence model (src/engine/seq2seq/): same cell, hidden size and layers as the encoder. */
export interface DecoderSpec {
  /** Target vocabulary, padding, start, end and unknown tokens included; also the output layer's width. */
  vocabSize: number;
  /** Width of the decoder's own target-token embedding ("decoder.embedding.weight"). */
  embeddingDim: number;
  attention: AttentionType;
  /** Luong's input feeding: the previous step's attentional vector h̃_{t−1} joins the next step's input. */
  inputFeeding: boolean;
  /** Ids in the target vocabulary of the token that starts decoding and the one that ends a sequence. */
  startToken: number;
  endToken: number;
  /** Most tokens (the end token included) the model decodes when not told otherwise (its probes). */
  maxLength: number;
}
export type OutputActivation = 'none' | 'sigmoid' | 'softmax';

/**
 * torch.nn.TransformerEncoder of TransformerEncoderLayer(d_model = hiddenSize, nhead = heads, dim_feedforward =
 * feedForward, dropout, activation, batch_first = True, norm_first = normFirst), numLayers deep, under "transformer.".
 */
export interface TransformerOptions {
  heads: number;
  feedForward: number;
  activation: 'relu' | 'gelu';
  /** Pre-norm layers (and then a final LayerNorm "transformer.norm"); false: post-norm, as the 2017 paper. */
  normFirst: boolean;
  /** Added to the projected input, unscaled: sinusoidal (no parameters) or learned ("pos_embedding.weight"). */
  positional: 'sinusoidal' | 'learned';
  /** The longest sequence the model takes (the rows of pos_embedding.weight when positions are learned). */
  maxLength: number;
  /** Each step attends to itself and earlier steps only: for targets at every step (head "all"). */
  causal: boolean;
}

export interface ModelSpec {
  cell: CellType;
  /** Options of cell "transformer" (null for the recurrent cells). */
  transformer: TransformerOptions | null;
  /** GRU only. */
  variant: GruVariant;
  /** Simple RNN only. */
  nonlinearity: 'tanh' | 'relu';
  /** Features per step of the input; ignored when embedding is set (then it is embedding.dim). */
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  /**
   * Dropout probability on the outputs of every layer but the last, as torch.nn.LSTM's dropout; for the Transformer,
   * at TransformerEncoderLayer's four places (attention weights, attention output, feed-forward hidden and output).
   */
  dropout: number;
  /** Add each stacked layer's input to its output (layers ≥ 1; needs equal widths, which they have). */
  residual: boolean;
  /** Layer-normalize the input and recurrent gate pre-activations per gate block (Ba et al. 2016). */
  layerNorm: boolean;
  /** Token-id input through a learned embedding (parameter "embedding.weight", vocab × dim). */
  embedding: { vocabSize: number; dim: number } | null;
  /**
   * Present: a sequence-to-sequence model (src/engine/seq2seq/), whose encoder is the stack above (it needs the
   * embedding) and whose head is the decoder's output layer (size = decoder.vocabSize, output "all").
   */
  decoder?: DecoderSpec | null;
  head: {
    /** "last": each sequence's final valid step; "all": every step; "attention": a learned softmax pooling. */
    output: HeadOutput;
    /** Output features of the linear head (classes for softmax). */
    size: number;
    activation: OutputActivation;
  };
}

export type LossType = 'mse' | 'cross_entropy' | 'bce';

export interface InitSpec {
  /** identity: W_hh as torch.nn.init.eye_ (the IRNN of Le et al. 2015 with a relu RNN); W_ih and biases as xavier. */
  scheme: 'pytorch' | 'xavier' | 'orthogonal' | 'identity';
  /**
   * Multiplies every W_hh after the scheme (torch: orthogonal_(w, gain) or w.mul_(gain)); default 1. Above 1 the
   * repeated multiplication through time makes gradients explode, below 1 vanish.
   */
  recurrentGain?: number;
  /** LSTM only: the forget gate's bias (in bias_ih; bias_hh's forget block is 0). null keeps the scheme's bias. */
  forgetBias: number | null;
}

export type OptimizerSpec =
  | { type: 'sgd'; lr: number; momentum: number; nesterov: boolean; dampening: number; weightDecay: number }
  | { type: 'adagrad'; lr: number; eps: number; weightDecay: number }
  | { type: 'rmsprop'; lr: number; alpha: number; eps: number; momentum: number; centered: boolean; weightDecay: number }
  | { type: 'adam'; lr: number; beta1: number; beta2: number; eps: number; weightDecay: number }
  | { type: 'adamw'; lr: number; beta1: number; beta2: number; eps: number; weightDecay: number };

export type ScheduleSpec =
  | { type: 'constant' }
  | { type: 'step'; stepSize: number; gamma: number }
  | { type: 'cosine'; totalSteps: number; minLr: number }
  /** Linear warmup from 0 over warmupSteps, then `after` (constant, step or cosine, counted from the end of warmup). */
  | { type: 'warmup'; warmupSteps: number; after: Exclude<ScheduleSpec, { type: 'warmup' }> };

export interface ClipSpec {
  /** clip_grad_norm_: scale all gradients so their global L2 norm is at most this. null: off. */
  maxNorm: number | null;
  /** clip_grad_value_: clamp every gradient element to ±this. null: off. Applied after maxNorm. */
  maxValue: number | null;
}

export interface TrainSpec {
  loss: LossType;
  optimizer: OptimizerSpec;
  schedule: ScheduleSpec;
  clip: ClipSpec;
  /** null: full BPTT. k: truncated BPTT in chunks of k steps, state carried, graph cut between chunks. */
  tbptt: number | null;
  /**
   * Sequence-to-sequence only: the probability that a decoder step is fed the reference token rather than its own
   * previous prediction (drawn once per step for the whole batch). Absent: 1, always the reference.
   */
  teacherForcing?: number;
}
