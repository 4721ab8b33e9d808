// SeqLab's sequence-to-sequence training step for `npm run bench` (zeroGrad, forward, masked cross-entropy,
// backward, Adam through Trainer), and the configuration PyTorch runs the same model at (bench/torch_seq2seq.py).
import { initialize } from '../src/engine/init';
import type { Batch } from '../src/engine/model';
import { Rng } from '../src/engine/rng';
import { Seq2SeqModel } from '../src/engine/seq2seq/model';
import type { CellType, ModelSpec, TrainSpec } from '../src/engine/spec';
import { Trainer } from '../src/engine/trainer';
import type { Backend } from '../src/engine/backend';
import { measureStep, type SeqLabResult } from './seqlab';

export interface Seq2SeqBenchConfig {
  id: string;
  cell: CellType;
  B: number;
  /** Source and target steps (every sequence full length). */
  S: number;
  U: number;
  H: number;
  /** Embedding width of both sides and vocabulary size of both sides. */
  E: number;
  V: number;
  attention: 'additive';
}

/** Batch 32, source and target length 20, hidden 128, additive attention (the configuration). */
export const SEQ2SEQ: Seq2SeqBenchConfig = { id: 'seq2seq lstm B32 S20 U20 H128 additive', cell: 'lstm', B: 32, S: 20, U: 20, H: 128, E: 64, V: 32, attention: 'additive' };

export function seq2seqSpec(c: Seq2SeqBenchConfig): ModelSpec {
  return {
    cell: c.cell, variant: 'resetAfter', nonlinearity: 'tanh', inputSize: c.E, hiddenSize: c.H, numLayers: 1, bidirectional: false,
    dropout: 0, residual: false, layerNorm: false, transformer: null, embedding: { vocabSize: c.V, dim: c.E },
    decoder: { vocabSize: c.V, embeddingDim: c.E, attention: c.attention, inputFeeding: false, startToken: 1, endToken: 2, maxLength: c.U },
    head: { output: 'all', size: c.V, activation: 'none' },
  };
}

export const SEQ2SEQ_TRAIN: TrainSpec = {
  loss: 'cross_entropy', optimizer: { type: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
  schedule: { type: 'constant' }, clip: { maxNorm: null, maxValue: null }, tbptt: null, teacherForcing: 1,
};

/** One training step of the config's model on `be`, over a fixed batch of random tokens (seed 1), teacher forced. */
export function seq2seqStep(c: Seq2SeqBenchConfig, be: Backend): () => void {
  const spec = seq2seqSpec(c);
  const model = new Seq2SeqModel(spec, be);
  const rng = new Rng(1);
  initialize(model.params, spec, { scheme: 'pytorch', forgetBias: null }, rng);
  const trainer = new Trainer<Batch>(model, SEQ2SEQ_TRAIN, rng.fork('dropout'));
  const tokens = Int32Array.from({ length: c.B * c.S }, () => 3 + rng.int(c.V - 3));
  const y = Int32Array.from({ length: c.B * c.U }, (_, i) => (i % c.U === c.U - 1 ? 2 : 3 + rng.int(c.V - 3)));
  const batch: Batch = { B: c.B, T: c.S, x: null, tokens, lengths: null, y, target: { steps: c.U, lengths: null } };
  return () => void trainer.step(batch);
}

/** The sequence-to-sequence step, as measureStep times it. */
export function measureSeq2Seq(backendName: string, c: Seq2SeqBenchConfig, budgetMs: number, warmup = 2, minSteps = 3, threads?: number): Promise<SeqLabResult> {
  return measureStep(backendName, (be) => seq2seqStep(c, be), budgetMs, warmup, minSteps, threads);
}
