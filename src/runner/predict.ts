// Predictions of a trained run for new sequences in its JSONL format ({"x": ...}; a "y" is allowed and ignored), as
// plain values a host can print or show: class labels for classifiers, numbers in the data's units for regression,
// decoded text for sequence-to-sequence runs. A CSV run's inputs (JSONL windows, or a .csv file with its columns) are
// in the CSV's units, scaled as in training.
// Inputs reach the model through inputEncoder and outputs leave it through outputDecoder, nowhere else.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { activateRow } from '../engine/loss';
import type { OutputActivation } from '../engine/spec';
import { makeBatch } from './data/batches';
import { csvWindows } from './data/csv';
import { parseJsonl, type Row } from './data/jsonl';
import type { Sequence } from './data/types';
import { tokenId, UNK } from './data/vocabulary';
import { UnusableInputError } from './diagnostics';
import type { Experiment } from './experiment';
import { loadTrainedModel, type LoadModelOptions } from './savedRun';
import { translateFile } from './seq2seq/predict';

/** Class probabilities by label (predict --probs). */
type Probabilities = Record<string, number>;
type Value = string | number | number[] | Probabilities;
/** A class label or numbers; for per-step targets, one of those per step; null for a sequence that cannot be read. */
export type Prediction = Value | Value[] | null;

export interface PredictOptions extends LoadModelOptions {
  /** Sequence-to-sequence runs: beam width (1: greedy); default the run's decode.beam. */
  beam?: number;
  /** Classifiers: each class's probability instead of the most likely label. */
  probs?: boolean;
}

/**
 * Predictions with a checkpoint of the run (the newest by default) for every sequence of `file` (named in messages as given), in order.
 * A sequence-to-sequence run reads sources (seq2seq/predict.ts) and gives the decoded target text of each.
 */
export function predictFile(runDir: string, file: string, opts: PredictOptions = {}): Prediction[] {
  const { exp, model } = loadTrainedModel(runDir, opts);
  if (!existsSync(file)) throw new UnusableInputError(`data file "${file}" not found`);
  if (exp.dataset.target.kind === 'sequence') return translateFile(exp, model, file, opts.beam);
  if (opts.beam !== undefined) throw new UnusableInputError('--beam applies to sequence-to-sequence runs only (model.decoder)');
  if (opts.probs && exp.dataset.target.kind !== 'class') throw new UnusableInputError('--probs applies to classifiers only; this run predicts numbers');
  const rows = readRows(exp, file);
  const encode = inputEncoder(exp, file, (m) => opts.onLog?.('warning', m));
  const decode = outputDecoder(exp, opts.probs ?? false);
  const seqs = rows.map(encode);
  const batchOpts = { dtype: 'float32' as const, oneHot: exp.oneHot };
  return seqs.map((s) => (s === null ? null : decode(model.predict(makeBatch([s], exp.dataset, batchOpts)).data, s.T)));
}

/**
 * The sequences of `file`: JSONL lines, or for a CSV run a .csv file with its input columns, read as every window
 * of consecutive rows (each predicts `horizon` rows past its last one).
 */
function readRows(exp: Experiment, file: string): Row[] {
  const text = readFileSync(file, 'utf8');
  const d = exp.config.data;
  if (d.source !== 'csv' || !exp.dataset.series || !/\.csv$/i.test(file)) return parseJsonl(resolve(file), text, { targets: 'optional' }).rows;
  const columns = exp.dataset.series.inputNormalization.columns;
  return csvWindows(resolve(file), text, columns, d.window).map(({ line, values }) => (
    { line, xForm: 'matrix', T: d.window, width: columns.length, values, tokens: [], yForm: 'number', yNumbers: [], yLabels: [] }));
}

/** A JSONL row as model input, checked against the training data's form, in the training data's units. */
function inputEncoder(exp: Experiment, file: string, warn: (message: string) => void): (r: Row) => Sequence | null {
  const ds = exp.dataset;
  const vocab = ds.input.kind === 'tokens' ? new Map(ds.input.vocab.map((t, i) => [t, i])) : null;
  const width = ds.input.kind === 'float' ? ds.input.size : 0;
  const tg = ds.target;
  if (tg.kind === 'sequence') throw new Error('internal: sequence targets are predicted by translateFile');
  const scale = inputScaler(exp);
  const t = exp.model.transformer;
  const maxSteps = t && t.positional === 'learned' ? t.maxLength : Infinity;
  return (r) => {
    const bad = (message: string) => new UnusableInputError(`${file}:${r.line}: ${message}`);
    if ((r.xForm === 'tokens') !== (vocab !== null)) throw bad(`x must be ${vocab ? 'tokens' : 'numbers'} like the training data`);
    if (!vocab && r.width !== width) throw bad(`x has ${r.width} features per step; the model was trained on ${width}`);
    if (r.T > maxSteps) throw bad(`x has ${r.T} steps; the model learned ${maxSteps} positions (model.maxLength)`);
    const tokens = vocab ? encodeWords(r.tokens, vocab, (m) => warn(`${file}:${r.line}: ${m}`)) : null;
    if (tokens === null && vocab) return null;
    // Targets are not read; y only needs the size a batch expects.
    const ySize = tg.kind === 'class' ? (tg.perStep ? r.T : 1) : tg.size * (tg.perStep ? r.T : 1);
    return { T: r.T, x: vocab ? null : scale(r.values), tokens, y: tg.kind === 'class' ? new Int32Array(ySize) : new Float64Array(ySize) };
  };
}

/**
 * Token ids, words the run never learned read as <unk> with a warning; null (no prediction, with a warning) for a
 * sequence with such words when the run's vocabulary has no <unk>.
 */
function encodeWords(words: string[], vocab: ReadonlyMap<string, number>, warn: (message: string) => void): Int32Array | null {
  const unknown = [...new Set(words.filter((w) => !vocab.has(w)))];
  const list = unknown.map((w) => JSON.stringify(w)).join(', ');
  if (unknown.length && !vocab.has(UNK)) {
    warn(`no prediction: ${list} not in the training vocabulary, which has no ${UNK} (no word of the training file was rarer than data.minFreq)`);
    return null;
  }
  if (unknown.length) warn(`${list} not in the training vocabulary, read as ${UNK}`);
  return Int32Array.from(words, (w) => tokenId(vocab, w)!);
}

/** Input values as the model was trained on them: a CSV series' columns z-scored with the training rows' statistics. */
function inputScaler(exp: Experiment): (values: number[]) => Float32Array {
  const norm = exp.dataset.series?.inputNormalization;
  if (!norm) return (values) => Float32Array.from(values);
  const I = norm.columns.length;
  return (values) => Float32Array.from(values, (v, i) => (v - norm.mean[i % I]) / norm.std[i % I]);
}

/** Model output for one sequence of T steps → the label with the highest score (or every label's probability), or numbers in the data's units. */
function outputDecoder(exp: Experiment, probs: boolean): (out: Float32Array | Float64Array, T: number) => Prediction {
  const tg = exp.dataset.target;
  if (tg.kind === 'sequence') throw new Error('internal: sequence targets are predicted by translateFile');
  const norm = exp.dataset.series?.normalization;
  const size = exp.model.head.size;
  return (out, T) => {
    const steps = Array.from({ length: tg.perStep ? T : 1 }, (_, t): Value => {
      const v = Array.from(out.subarray(t * size, (t + 1) * size));
      if (tg.kind === 'class') return probs ? probabilities(v, tg.labels, exp.model.head.activation) : tg.labels[v.indexOf(Math.max(...v))];
      const values = norm ? v.map((x, k) => x * norm.std[k] + norm.mean[k]) : v;
      return values.length === 1 ? values[0] : values;
    });
    return tg.perStep ? steps : steps[0];
  };
}

/**
 * A class head's output as probabilities by label: a softmax head's as they are, a sigmoid head's per class (they need
 * not sum to 1), raw scores through a softmax (as cross-entropy reads them). Six significant digits.
 */
function probabilities(v: number[], labels: string[], activation: OutputActivation): Probabilities {
  const p = new Float64Array(v.length);
  activateRow(activation === 'none' ? 'softmax' : activation, v, 0, v.length, p, 0);
  return Object.fromEntries(labels.map((l, k) => [l, Number(p[k].toPrecision(6))]));
}
