// `seqlab evaluate`: a trained run's checkpoint scored again, on the run's validation data or on a JSONL file in the
// run's format, with the metrics training records (evaluate.ts).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { jsonlFileDataset } from './data/jsonlFile';
import type { Sequence } from './data/types';
import { resolveDataPath } from './data/workspace';
import { UnusableInputError } from './diagnostics';
import { evaluate } from './evaluate';
import type { Experiment } from './experiment';
import { loadTrainedModel, type LoadModelOptions } from './savedRun';

export interface EvaluateRunOptions extends LoadModelOptions {
  /** A JSONL file with targets to score on instead of the run's validation data (JSONL runs only). */
  file?: string;
}

export interface RunEvaluation {
  exp: Experiment;
  /** The mean loss (the run's train.loss) and the task's metrics; on the run's own validation data, its baselines too. */
  loss: number;
  metrics: Record<string, number>;
  sequences: number;
}

export function evaluateRun(dir: string, opts: EvaluateRunOptions = {}): RunEvaluation {
  const { exp, model } = loadTrainedModel(dir, opts);
  const rows = opts.file ? rowsOfFile(exp, opts.file) : exp.dataset.validation;
  if (rows.length === 0) throw new UnusableInputError(`the run has no validation data (its data.validation is 0): give a JSONL file to evaluate on`);
  const ev = evaluate(model, exp, rows, { dtype: 'float32', oneHot: exp.oneHot });
  const metrics = opts.file ? ev.metrics : { ...exp.dataset.baselines, ...ev.metrics };
  return { exp, loss: ev.loss, metrics, sequences: rows.length };
}

/** A JSONL file's rows with targets, read with the vocabulary and labels of the run's training file. */
function rowsOfFile(exp: Experiment, file: string): Sequence[] {
  const d = exp.config.data;
  if (d.source !== 'jsonl') throw new UnusableInputError(`a data file can be given for runs of JSONL data only; this ${d.source} run is evaluated on its validation data`);
  if (!existsSync(file)) throw new UnusableInputError(`data file "${file}" not found`);
  const trainFile = resolveDataPath(d.path, exp.configDir, exp.workspace);
  const ds = jsonlFileDataset(trainFile, { minFreq: d.minFreq, validation: resolve(file) });
  return ds.validation!;
}
