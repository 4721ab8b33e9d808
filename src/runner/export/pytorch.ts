// `seqlab export <config> --out <dir>`: a self-contained folder that trains the experiment in plain PyTorch, on one
// machine or many (train.py, model.py, init.safetensors, data/, README.md, seqlab-export.json).
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initialize } from '../../engine/init';
import { createModel, type SequenceModel } from '../../engine/model';
import { Rng } from '../../engine/rng';
import { exportParams } from '../../engine/statedict';
import { createBackend } from '../backends/registry';
import { loadInit } from '../checkpoints';
import { assignmentLabel } from '../config/load';
import { fileDiagnostic, InputError } from '../diagnostics';
import { loadExperiments, readConfig, type Experiment } from '../experiment';
import { writeFileAtomic } from '../files';
import { writeSafetensors } from '../safetensors';
import { writeShards } from './dataShards';
import { buildManifest, MANIFEST_FILE, trainingDtype, unexportable } from './manifest';
import { modelPython } from './models';
import { HEADER_PY, MAIN_PY } from './python/main';
import { DATA_PY } from './python/data';
import { PAIRS_PY } from './python/pairs';
import { RUN_FOLDER_PY } from './python/runFolder';
import { TRAINING_PY } from './python/training';
import { exportReadme } from './readme';

export interface PyTorchExportOptions {
  /** A state_dict (a checkpoint) to start from instead of the config's initialization. */
  init?: string;
  /** Largest data shard in bytes (default SHARD_BYTES). */
  shardBytes?: number;
}

/** The training script: one file, in the order a reader meets its parts. */
export const TRAIN_PY = HEADER_PY + RUN_FOLDER_PY + DATA_PY + TRAINING_PY + PAIRS_PY + MAIN_PY;

/** The model exactly as SeqLab would start it: initialized from the config's seed, or loaded from --init. */
export function initialModel(exp: Experiment, init?: string): SequenceModel {
  const backend = createBackend(trainingDtype(exp) === 'float64' ? 'reference64' : 'reference', { fallback: [] }).backend;
  const model = createModel(exp.model, backend);
  initialize(model.params, exp.model, exp.init, new Rng(exp.config.seed).fork('init'));
  if (init) loadInit(model, init);
  return model;
}

/** Refuses a folder that holds something other than an earlier export, so nothing of the user's is overwritten. */
function prepareFolder(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0 && !existsSync(join(dir, MANIFEST_FILE))) {
    throw new InputError([fileDiagnostic(dir, 'this folder is not empty and holds no earlier export; choose an empty or new folder for --out', '--out')]);
  }
  mkdirSync(dir, { recursive: true });
  // Shards of an earlier export into this folder would outlive it: the new manifest lists its own.
  const data = join(dir, 'data');
  if (existsSync(data)) {
    for (const f of readdirSync(data)) if (/^(train|validation)-\d{5}\.safetensors$/.test(f)) rmSync(join(data, f));
  }
}

/** Writes the export of one experiment (one sweep combination) into dir and returns the files written. */
export function exportPyTorch(exp: Experiment, dir: string, opts: PyTorchExportOptions = {}): string[] {
  dir = resolve(dir);
  const refused = unexportable(exp.model, exp.train);
  if (refused) throw new InputError([readConfig(exp.configFile).source.at(refused.field.split('.'), refused.message)]);
  const model = initialModel(exp, opts.init);
  prepareFolder(dir);
  writeSafetensors(join(dir, 'init.safetensors'), exportParams(model.params, 'native'), { format: 'pt' });
  const ds = exp.dataset;
  const features = ds.input.kind === 'float' ? ds.input.size : null;
  const pairs = ds.target.kind === 'sequence';
  const files = {
    train: writeShards(dir, 'train', ds.train, features, pairs, opts.shardBytes),
    validation: writeShards(dir, 'validation', ds.validation, features, pairs, opts.shardBytes),
  };
  const manifest = buildManifest(exp, model.params.map((p) => p.name), files);
  writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  writeFileAtomic(join(dir, 'train.py'), TRAIN_PY);
  writeFileAtomic(join(dir, 'model.py'), modelPython(manifest.kind));
  writeFileAtomic(join(dir, 'README.md'), exportReadme(manifest));
  return ['train.py', 'model.py', 'init.safetensors', MANIFEST_FILE, 'README.md', ...[...files.train, ...files.validation].map((f) => `data/${f}`)];
}

/** Exports every run a config describes: into outDir, or with a sweep one subfolder per combination. */
export function exportConfig(configFile: string, outDir: string, opts: PyTorchExportOptions & { workspace?: string } = {}): { dir: string; files: string[] }[] {
  const exps = loadExperiments(configFile, { workspace: opts.workspace });
  return exps.map((exp) => {
    const dir = exps.length > 1 ? join(outDir, assignmentLabel(exp.assignment)) : outDir;
    return { dir: resolve(dir), files: exportPyTorch(exp, dir, opts) };
  });
}
