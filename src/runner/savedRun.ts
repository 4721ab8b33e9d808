// Opening a finished (or stopped) run: its experiment, and a model with its newest parameters.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createBackend } from './backends/registry';
import { createModel, type SequenceModel } from '../engine/model';
import { importParams } from '../engine/statedict';
import { parseStoredConfig } from './config/load';
import { fileDiagnostic, InputError } from './diagnostics';
import type { RunSummary } from './events';
import { prepareExperiment, type Experiment } from './experiment';
import { checkpointFiles, RunDir, type RunInfo } from './runDir';
import { readSafetensors } from './safetensors';

export interface SavedRun {
  dir: string;
  info: RunInfo;
  summary: RunSummary | null;
  config: unknown;
}

export function openRun(dir: string): SavedRun {
  const rd = new RunDir(resolve(dir));
  if (!existsSync(join(rd.dir, 'run.json'))) throw new InputError([fileDiagnostic(rd.dir, 'not a run folder (no run.json)')]);
  return {
    dir: rd.dir,
    info: rd.readJson<RunInfo>('run.json'),
    summary: existsSync(join(rd.dir, 'summary.json')) ? rd.readJson<RunSummary>('summary.json') : null,
    config: rd.readJson<unknown>('config.json'),
  };
}

/** The run's experiment (data reloaded from the workspace) and its model with the newest checkpoint loaded. */
export function loadTrainedModel(dir: string, backendName = 'reference'): { run: SavedRun; exp: Experiment; model: SequenceModel; checkpoint: string } {
  const run = openRun(dir);
  const loaded = parseStoredConfig(run.info.configFile, readFileSync(join(run.dir, 'config.json'), 'utf8'));
  if (!loaded.config) throw new InputError(loaded.diagnostics);
  const exp = prepareExperiment(loaded.source, { config: loaded.config, assignment: run.info.assignment }, { workspace: run.info.workspace });
  const cp = checkpointFiles(run.dir)[0];
  if (!cp) throw new InputError([fileDiagnostic(run.dir, 'the run has no checkpoint yet')]);
  const model = createModel(exp.model, createBackend(backendName, { fallback: [] }).backend);
  importParams(model.params, readSafetensors(cp.params).tensors);
  return { run, exp, model, checkpoint: cp.params };
}

/** Run folders under a runs directory, newest first. */
export function listRuns(runsDir: string): SavedRun[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir)
    .filter((d) => existsSync(join(runsDir, d, 'run.json')))
    .sort().reverse()
    .map((d) => openRun(join(runsDir, d)));
}
