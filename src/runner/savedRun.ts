// Opening a finished (or stopped) run: its experiment, and a model with the parameters of one of its checkpoints.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createBackend } from './backends/registry';
import { createModel, type SequenceModel } from '../engine/model';
import { importParams } from '../engine/statedict';
import { readTrainedParams, type CheckpointChoice, type TrainedParams } from './checkpoints';
import { fileDiagnostic, InputError } from './diagnostics';
import type { RunSummary } from './events';
import type { Experiment } from './experiment';
import { readRunFile, reopenRun } from './reopen';
import type { RunInfo } from './runDir';
import { readSummary } from './snapshot';

export interface SavedRun {
  dir: string;
  info: RunInfo;
  summary: RunSummary | null;
  config: unknown;
}

/** A run folder's files; an InputError names one that is missing or not JSON. */
export function openRun(dir: string): SavedRun {
  const d = resolve(dir);
  return { dir: d, info: readRunFile<RunInfo>(d, 'run.json'), summary: readSummary(d), config: readRunFile<unknown>(d, 'config.json') };
}

export interface LoadModelOptions {
  /** Which checkpoint: the newest that reads back whole (default), or the one with the lowest validation loss. */
  checkpoint?: CheckpointChoice;
  /** Which checkpoint was used, and damaged ones that were skipped. */
  onLog?(level: 'info' | 'warning', message: string): void;
  /** The folder the run's data file must be inside (default: the folder of the run's config). */
  workspace?: string;
  /** The backend the model runs on (default: reference, float32). */
  backend?: string;
}

/** The run's experiment (data reloaded from the workspace, unchanged since the run) and its model with a checkpoint loaded. */
export function loadTrainedModel(dir: string, opts: LoadModelOptions = {}): { exp: Experiment; model: SequenceModel; checkpoint: TrainedParams } {
  const runDir = resolve(dir);
  const warn = (m: string) => opts.onLog?.('warning', m);
  const { exp } = reopenRun(runDir, {
    workspace: opts.workspace, warn, changedDataHint: 'restore it, or train a new run on the new data',
    missingConfigHint: 'put the config back there (the vocabulary, labels and scaling come from its data)',
  });
  const cp = readTrainedParams(runDir, opts.checkpoint ?? 'latest', warn);
  const model = createModel(exp.model, createBackend(opts.backend ?? 'reference', { fallback: [] }).backend);
  try {
    importParams(model.params, cp.params);
  } catch (e) {
    throw new InputError([fileDiagnostic(join(runDir, 'checkpoints', `${cp.label}.safetensors`), `does not fit the run's model: ${(e as Error).message}`)]);
  }
  const loss = cp.valLoss === null ? '' : `, validation loss ${cp.valLoss.toPrecision(4)}`;
  opts.onLog?.('info', `using checkpoint ${cp.label} (step ${cp.step}${loss}) of ${runDir}`);
  return { exp, model, checkpoint: cp };
}

/** Run folders under a runs directory, newest first; a folder whose files do not read is left out. */
export function listRuns(runsDir: string): SavedRun[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir)
    .filter((d) => existsSync(join(runsDir, d, 'run.json')))
    .sort().reverse()
    .flatMap((d) => {
      try {
        return [openRun(join(runsDir, d))];
      } catch (e) {
        if (e instanceof InputError) return [];
        throw e;
      }
    });
}
