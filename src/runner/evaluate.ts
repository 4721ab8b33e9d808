// Validation metrics and task views (confusion matrices, forecasts with anomalies, labeled sequences, text samples;
// sequence-to-sequence runs: seq2seq/evaluate.ts).
import type { SequenceModel } from '../engine/model';
import type { Rng } from '../engine/rng';
import type { TaskRecord } from './events';
import { chunks, makeBatch, type BatchOptions } from './data/batches';
import type { Sequence } from './data/types';
import type { Experiment } from './experiment';
import { evaluatePairs, pairViews } from './seq2seq/evaluate';

/** Sequences per evaluation batch. */
export const EVAL_BATCH = 256;

interface Prediction { data: ArrayLike<number>; shape: number[] }

/** Predictions for many sequences, one row per sequence (and step, for per-step heads). */
function predictAll(model: SequenceModel, exp: Experiment, rows: Sequence[], opts: BatchOptions): Prediction[] {
  return chunks(rows, EVAL_BATCH).map((c) => model.predict(makeBatch(c, exp.dataset, opts)));
}

function argmax(a: ArrayLike<number>, from: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (a[from + k] > a[from + best]) best = k;
  return best;
}

/** Mean validation loss (weighted by sequences) and task metrics. */
export function evaluate(model: SequenceModel, exp: Experiment, rows: Sequence[], opts: BatchOptions): { loss: number; metrics: Record<string, number> } {
  if (exp.dataset.target.kind === 'sequence') return evaluatePairs(model, exp, rows, opts);
  let sum = 0;
  for (const c of chunks(rows, EVAL_BATCH)) sum += model.evaluate(makeBatch(c, exp.dataset, opts), exp.train.loss) * c.length;
  const loss = sum / rows.length;
  const metrics: Record<string, number> = {};
  const tg = exp.dataset.target;
  if (tg.kind === 'class') {
    const C = tg.labels.length;
    let right = 0;
    let n = 0;
    forEachClassPrediction(model, exp, rows, opts, (pred, actual) => { n++; if (pred === actual) right++; });
    metrics.accuracy = right / n;
    // Per-character perplexity is the usual language-model score; for classifiers it says little.
    if (exp.config.data.source === 'text') metrics.perplexity = Math.exp(loss);
    if (!tg.perStep) {
      // Always predicting the most common class.
      const counts = new Array<number>(C).fill(0);
      for (const r of rows) counts[r.y[0]]++;
      metrics.majorityAccuracy = Math.max(...counts) / rows.length;
    }
  } else {
    metrics.rmse = Math.sqrt(exp.train.loss === 'mse' ? loss : NaN);
    if (!Number.isFinite(metrics.rmse)) delete metrics.rmse;
    if (exp.dataset.series) Object.assign(metrics, errorsInDataUnits(model, exp, rows, opts));
  }
  return { loss, metrics };
}

/** A CSV run's forecast errors in the target columns' own units (its loss and rmse are in normalized units). */
function errorsInDataUnits(model: SequenceModel, exp: Experiment, rows: Sequence[], opts: BatchOptions): { rmseOriginal: number; maeOriginal: number } {
  const { std } = exp.dataset.series!.normalization;
  const K = std.length;
  let se = 0;
  let ae = 0;
  let w = 0;
  for (const p of predictAll(model, exp, rows, opts)) {
    for (let b = 0; b < p.shape[0]; b++, w++) {
      for (let k = 0; k < K; k++) {
        const e = (p.data[b * K + k] - rows[w].y[k]) * std[k];
        se += e * e;
        ae += Math.abs(e);
      }
    }
  }
  return { rmseOriginal: Math.sqrt(se / (w * K)), maeOriginal: ae / (w * K) };
}

/** Calls back with (predicted, actual) class for every sequence, or every valid step for per-step targets. */
function forEachClassPrediction(model: SequenceModel, exp: Experiment, rows: Sequence[], opts: BatchOptions, f: (pred: number, actual: number, row: number, t: number) => void): void {
  const tg = exp.dataset.target;
  if (tg.kind !== 'class') return;
  const C = tg.labels.length;
  let base = 0;
  for (const c of chunks(rows, EVAL_BATCH)) {
    const p = model.predict(makeBatch(c, exp.dataset, opts));
    const T = tg.perStep ? p.shape[1] : 1;
    c.forEach((s, b) => {
      if (tg.perStep) for (let t = 0; t < s.T; t++) f(argmax(p.data, (b * T + t) * C, C), s.y[t], base + b, t);
      else f(argmax(p.data, b * C, C), s.y[0], base + b, 0);
    });
    base += c.length;
  }
}

/** The dashboard's task-specific views at an evaluation step. */
export function taskViews(model: SequenceModel, exp: Experiment, step: number, opts: BatchOptions): TaskRecord[] {
  const ds = exp.dataset;
  const tg = ds.target;
  const out: TaskRecord[] = [];
  const rows = ds.validation.length ? ds.validation : ds.train;
  if (tg.kind === 'sequence') return pairViews(model, exp, step, rows, opts);
  if (tg.kind === 'class' && !tg.perStep) {
    const C = tg.labels.length;
    const matrix = Array.from({ length: C }, () => new Array<number>(C).fill(0));
    forEachClassPrediction(model, exp, rows, opts, (p, a) => { matrix[a][p]++; });
    out.push({ kind: 'confusion', step, labels: tg.labels, matrix });
  }
  if (tg.kind === 'class' && tg.perStep && ds.input.kind === 'tokens' && exp.config.data.source === 'jsonl') {
    const probe = rows[exp.config.instrumentation.probes[0] ?? 0];
    if (probe) {
      const predicted: string[] = [];
      forEachClassPrediction(model, exp, [probe], opts, (p) => predicted.push(tg.labels[p]));
      const vocab = ds.input.vocab;
      out.push({ kind: 'labels', step, tokens: Array.from(probe.tokens!, (i) => vocab[i]), predicted, actual: Array.from(probe.y, (i) => tg.labels[i]) });
    }
  }
  if (ds.series && exp.config.data.source === 'csv') out.push(forecastView(model, exp, step, opts));
  return out;
}

/**
 * The whole series with one-step-ahead predictions (first target column, original units). predicted[r] is NaN
 * (null in JSON) for rows no window predicts. Anomalies are rows whose mean absolute error over the target
 * columns exceeds the threshold: the configured one, or mean + 3·std of the errors on the training windows.
 */
function forecastView(model: SequenceModel, exp: Experiment, step: number, opts: BatchOptions): Extract<TaskRecord, { kind: 'forecast' }> {
  const s = exp.dataset.series!;
  const cfg = exp.config.data;
  if (cfg.source !== 'csv') throw new Error('forecastView needs CSV data');
  const K = s.targetColumns.length;
  const preds = predictAll(model, exp, s.windows, opts);
  const predicted = new Array<number>(s.values.length).fill(NaN);
  const errors: number[] = [];
  let w = 0;
  for (const p of preds) {
    for (let b = 0; b < p.shape[0]; b++, w++) {
      const row = s.targetRows[w];
      let err = 0;
      for (let k = 0; k < K; k++) {
        const v = p.data[b * K + k] * s.normalization.std[k] + s.normalization.mean[k];
        if (k === 0) predicted[row] = v;
        err += Math.abs(v - s.values[row][k]) / K;
      }
      errors.push(err);
    }
  }
  const trainCount = exp.dataset.train.length;
  const trainErr = errors.slice(0, trainCount);
  const mean = trainErr.reduce((a, b) => a + b, 0) / trainErr.length;
  const std = Math.sqrt(trainErr.reduce((a, b) => a + (b - mean) ** 2, 0) / trainErr.length);
  const threshold = cfg.threshold ?? mean + 3 * std;
  const anomalies = cfg.task === 'anomaly' ? s.targetRows.filter((_, i) => errors[i] > threshold) : [];
  const view = { kind: 'forecast' as const, step, actual: s.values.map((v) => v[0]), predicted, anomalies, threshold };
  return s.time ? { ...view, time: s.time } : view;
}

/**
 * Generates text one character at a time at the given temperature, feeding back the last seqLength characters
 * as context (the model is trained on windows of that length).
 */
export function sampleText(model: SequenceModel, exp: Experiment, rng: Rng, s: { temperature: number; length: number; prime: string }): string {
  const ds = exp.dataset;
  if (ds.input.kind !== 'tokens' || exp.config.data.source !== 'text') throw new Error('sampling needs a text dataset');
  const vocab = ds.input.vocab;
  const index = new Map(vocab.map((c, i) => [c, i]));
  const L = exp.config.data.seqLength;
  const prime = [...s.prime].filter((ch) => index.has(ch));
  const text = [...(ds.text ?? vocab.join(''))];
  const ids: number[] = prime.length ? prime.map((ch) => index.get(ch)!) : [index.get(text[rng.int(text.length)])!];
  const V = vocab.length;
  // Sampling works on logits; a softmax head outputs probabilities, whose logs are logits up to a constant.
  const logit = (v: number) => (exp.model.head.activation === 'softmax' ? Math.log(Math.max(v, 1e-30)) : v);
  const opts = { dtype: model.params[0].value instanceof Float64Array ? 'float64' as const : 'float32' as const, oneHot: exp.oneHot };
  for (let n = 0; n < s.length; n++) {
    const ctx = ids.slice(-L);
    const seq: Sequence = { T: ctx.length, x: null, tokens: Int32Array.from(ctx), y: new Int32Array(ctx.length) };
    const p = model.predict(makeBatch([seq], ds, opts));
    const off = (ctx.length - 1) * V;
    let max = -Infinity;
    for (let k = 0; k < V; k++) max = Math.max(max, logit(p.data[off + k]));
    const w = Array.from({ length: V }, (_, k) => Math.exp((logit(p.data[off + k]) - max) / s.temperature));
    const total = w.reduce((a, b) => a + b, 0);
    let u = rng.uniform() * total;
    let pick = V - 1;
    for (let k = 0; k < V; k++) { u -= w[k]; if (u <= 0) { pick = k; break; } }
    ids.push(pick);
  }
  return ids.map((i) => vocab[i]).join('');
}
