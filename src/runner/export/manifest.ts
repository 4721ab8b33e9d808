// seqlab-export.json: everything train.py reads besides the weights and the rows — the model and training specs as
// the engine sees them, the run settings (steps, batches, order, instrumentation), what the data is, and the run.json
// and config.json its run folders start with, so SeqLab reads them like its own.
import type { ModelSpec, TrainSpec } from '../../engine/spec';
import type { Config } from '../config/schema';
import type { Input, Normalization, Target } from '../data/types';
import type { Experiment } from '../experiment';
import { fingerprintData } from '../dataFingerprint';
import type { RunInfo } from '../runDir';

export const MANIFEST_FILE = 'seqlab-export.json';

/** The model kinds the PyTorch export knows, each with its Python module (models.ts); ONNX has graphs for some (onnx/index.ts). */
export type ModelKind = 'recurrent' | 'transformer' | 'seq2seq';

/** Which exporter modules a model uses; call unexportable() first. */
export function modelKind(spec: ModelSpec): ModelKind {
  return spec.decoder ? 'seq2seq' : spec.cell === 'transformer' ? 'transformer' : 'recurrent';
}

/** Why an experiment cannot be exported to PyTorch yet (the config field that makes it so), or null when it can. */
export function unexportable(spec: ModelSpec, train: TrainSpec): { field: string; message: string } | null {
  // train.py draws the teacher-forcing coin flips from SeqLab's dropout stream, as SeqLab does; with encoder dropout
  // SeqLab draws its masks from that stream too, which train.py (torch's dropout) does not reproduce.
  if ((train.teacherForcing ?? 1) !== 1 && spec.dropout > 0 && spec.numLayers > 1) {
    return { field: 'train.teacherForcing', message: `exporting a sequence-to-sequence model with teacherForcing ${train.teacherForcing} and encoder dropout is not supported yet: SeqLab draws both from one stream, which train.py cannot follow with PyTorch's dropout; set teacherForcing to 1 or model.dropout to 0 to export` };
  }
  return null;
}
export const MANIFEST_VERSION = 1;

export interface ExportManifest {
  format: 'seqlab-export';
  version: number;
  /** The model kind, which picks model.py's module (export/models.ts). */
  kind: ModelKind;
  model: ModelSpec;
  train: TrainSpec;
  run: {
    name: string; seed: number; steps: number; batchSize: number; shuffle: boolean;
    evalEvery: number; checkpointEvery: number; stepEvery: number; gradFlowEvery: number; gatesEvery: number;
    probes: number[]; dtype: 'float32' | 'float64';
  };
  data: {
    source: Config['data']['source']; input: Input; target: Target; oneHot: boolean;
    normalization: Normalization | null; baselines: Record<string, number>;
    files: { train: string[]; validation: string[] };
  };
  /** Parameter names in SeqLab's order: the optimizer's order and the checkpoints'. */
  parameterOrder: string[];
  /** run.json of every run train.py starts (its runId replaced). */
  runInfo: RunInfo;
  /** config.json of those runs: the resolved config, sweep expanded. */
  config: Config;
}

/** The precision SeqLab trains this experiment in: float64 only on the reference64 backend. */
export function trainingDtype(exp: Experiment): 'float32' | 'float64' {
  return exp.config.backend.name === 'reference64' ? 'float64' : 'float32';
}

export function buildManifest(exp: Experiment, parameterOrder: string[], files: { train: string[]; validation: string[] }): ExportManifest {
  const c = exp.config;
  const ds = exp.dataset;
  const ins = c.instrumentation;
  const config: Config = { ...c, sweep: {} };
  const runInfo: RunInfo = {
    runId: '', name: c.name, configFile: exp.configFile, assignment: exp.assignment,
    model: exp.model, train: exp.train, input: ds.input, target: ds.target, oneHot: exp.oneHot,
    normalization: ds.series?.normalization ?? null, probes: ins.probes,
    dataFiles: fingerprintData(c, exp.configDir, exp.workspace),
  };
  return {
    format: 'seqlab-export', version: MANIFEST_VERSION, kind: modelKind(exp.model), model: exp.model, train: exp.train,
    run: {
      name: c.name, seed: c.seed, steps: c.train.steps, batchSize: c.train.batchSize, shuffle: c.train.shuffle,
      evalEvery: c.train.evalEvery, checkpointEvery: c.train.checkpointEvery, stepEvery: ins.stepEvery,
      gradFlowEvery: ins.gradFlowEvery, gatesEvery: ins.gatesEvery, probes: ins.probes, dtype: trainingDtype(exp),
    },
    data: {
      source: c.data.source, input: ds.input, target: ds.target, oneHot: exp.oneHot,
      normalization: ds.series?.normalization ?? null, baselines: ds.baselines, files,
    },
    parameterOrder, runInfo, config,
  };
}
