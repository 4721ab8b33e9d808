// From a validated config to everything a run needs: the dataset, the engine's ModelSpec/TrainSpec, and the
// semantic checks that need the data (shapes, loss vs targets, head vs BPTT), each ranged in the config file.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { InitSpec, LossType, ModelSpec, ScheduleSpec, TrainSpec } from '../engine/spec';
import { buildModelSpec } from './modelSpec';
import { expandSweep, parseConfig, type ConfigSource, type SweepRun } from './config/load';
import type { JsonValue } from './config/dsl';
import type { Config } from './config/schema';
import { fileDiagnostic, InputError, type Diagnostic } from './diagnostics';
import { loadDataset } from './data/index';
import type { Dataset, Sequence } from './data/types';
import { PathError, resolveOutputDir } from './data/workspace';
import { EVAL_BATCH } from './evaluate';
import { estimateTrainingMemory, machineMemory, memoryProblem } from './memoryEstimate';
import { seq2seqSpecs, type At, type ModelSpecs } from './seq2seq/spec';

export interface Experiment {
  config: Config;
  /** The swept values of this run ({} without a sweep). */
  assignment: Record<string, JsonValue>;
  configFile: string;
  configDir: string;
  workspace: string;
  /** Where runs of this config go (output.runsDir resolved; inside the workspace). */
  runsDir: string;
  dataset: Dataset;
  model: ModelSpec;
  train: TrainSpec;
  init: InitSpec;
  /** Token input enters one-hot (no embedding layer). */
  oneHot: boolean;
  warnings: Diagnostic[];
}

export interface LoadOptions {
  /** Data files must be inside it; default: the config's folder. */
  workspace?: string;
}

/** Reads and validates a config file; throws InputError listing every problem. */
export function readConfig(configFile: string): { source: ConfigSource; config: Config; warnings: Diagnostic[] } {
  let text: string;
  try {
    text = readFileSync(configFile, 'utf8');
  } catch {
    throw new InputError([fileDiagnostic(configFile, 'config file not found or unreadable')]);
  }
  const loaded = parseConfig(configFile, text);
  if (!loaded.config) throw new InputError(loaded.diagnostics);
  return { source: loaded.source, config: loaded.config, warnings: loaded.diagnostics };
}

/** Every run a config describes (one per sweep combination), each checked against its data. */
export function loadExperiments(configFile: string, opts: LoadOptions = {}): Experiment[] {
  const file = resolve(configFile);
  const { source, config, warnings } = readConfig(file);
  return expandSweep(source, config).map((run) => prepareExperiment(source, run, { workspace: opts.workspace, warnings }));
}

export function prepareExperiment(
  source: ConfigSource, run: SweepRun, opts: { workspace?: string; warnings?: Diagnostic[] } = {},
): Experiment {
  const configFile = source.file;
  const configDir = dirname(configFile);
  const workspace = resolve(opts.workspace ?? configDir);
  const c = run.config;
  const dataset = loadDataset(c, { configDir, workspace, source });
  const diags: Diagnostic[] = [...(opts.warnings ?? []), ...dataset.warnings];
  let runsDir: string;
  try {
    runsDir = resolveOutputDir(c.output.runsDir, configDir, workspace);
  } catch (e) {
    if (!(e instanceof PathError)) throw e;
    throw new InputError([source.at(['output', 'runsDir'], e.message)]);
  }
  const at = sweepAwareAt(source, run, diags);
  const specs = c.model.decoder ? seq2seqSpecs(c, dataset, at) : sequenceSpecs(c, dataset, at);
  const probeSet = dataset.validation.length ? dataset.validation : dataset.train;
  for (const p of c.instrumentation.probes) {
    if (p >= probeSet.length) at(['instrumentation', 'probes'], `probe ${p} does not exist: the ${dataset.validation.length ? 'validation' : 'training'} set has ${probeSet.length} sequences`);
  }
  if (!specs || diags.some((d) => d.severity === 'error')) throw new InputError(diags);
  const tooBig = memoryProblem(specs.model, estimateExperimentMemory(c, specs.model, dataset), machineMemory());
  if (tooBig) {
    at(tooBig.path, tooBig.message);
    throw new InputError(diags);
  }
  const t = c.train;
  const train: TrainSpec = {
    loss: specs.loss, optimizer: t.optimizer, schedule: toSchedule(t.schedule, t.steps), clip: t.clip,
    tbptt: t.bptt.mode === 'truncated' ? t.bptt.k : null, ...(c.model.decoder ? { teacherForcing: t.teacherForcing } : {}),
  };
  return {
    config: c, assignment: run.assignment, configFile, configDir, workspace, runsDir, dataset, model: specs.model, train,
    init: { scheme: t.init.scheme, forgetBias: t.init.forgetBias, recurrentGain: t.init.recurrentGain }, oneHot: specs.oneHot,
    warnings: diags,
  };
}

/** Adds a diagnostic at a config path; one caused by a swept value points at the sweep entry, the place to fix it. */
function sweepAwareAt(source: ConfigSource, run: SweepRun, diags: Diagnostic[]): At {
  return (path, message, severity = 'error') => {
    const swept = Object.keys(run.assignment).find((k) => path.join('.').startsWith(k));
    const label = Object.entries(run.assignment).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ');
    const text = label ? `with ${label}: ${message}` : message;
    diags.push(swept ? source.at(['sweep', swept], text, { atKey: true, severity }) : source.at(path, text, { severity }));
  };
}

/** The spec of a sequence model (no decoder), after checking the config against the data; null after an error. */
function sequenceSpecs(c: Config, dataset: Dataset, at: At): ModelSpecs | null {
  const tg = dataset.target;
  const m = c.model;
  if (tg.kind === 'sequence') {
    at(['model', 'decoder'], `data source "${c.data.source}" gives source–target pairs, which need a sequence-to-sequence model: add "decoder": {}`);
    return null;
  }
  if (c.train.teacherForcing !== 1) at(['train', 'teacherForcing'], 'teacher forcing is for sequence-to-sequence models (model.decoder); it has no effect here', 'warning');
  const loss: LossType = c.train.loss === 'auto' ? (tg.kind === 'class' ? 'cross_entropy' : 'mse') : c.train.loss;
  const targetText = tg.kind === 'class'
    ? `class labels (${tg.labels.length} classes${tg.perStep ? ', one per step' : ''})`
    : `regression targets of width ${tg.size}${tg.perStep ? ' at every step' : ''}`;
  if (loss === 'cross_entropy' && tg.kind !== 'class') at(['train', 'loss'], `cross_entropy needs class labels, but the data has ${targetText}; use "mse" (or "bce" for 0/1 targets)`);
  if (loss !== 'cross_entropy' && tg.kind === 'class') at(['train', 'loss'], `${loss} needs numeric targets, but the data has ${targetText}; use "cross_entropy"`);
  if (loss === 'bce' && tg.kind === 'regression') {
    const outside = [...dataset.train, ...dataset.validation].some((s) => s.y.some((v) => v < 0 || v > 1));
    if (outside) at(['train', 'loss'], 'bce needs targets between 0 and 1, but the data has values outside [0, 1]');
  }
  const output = m.head.output === 'auto' ? (tg.perStep ? 'all' : 'last') : m.head.output;
  if (tg.perStep && output !== 'all') at(['model', 'head', 'output'], `the data has one target per step, which needs "all", not "${output}"`);
  if (!tg.perStep && output === 'all') at(['model', 'head', 'output'], `the data has one target per sequence, which needs "last" or "attention", not "all"`);
  if (output === 'attention' && c.train.bptt.mode === 'truncated') {
    at(['train', 'bptt'], 'an attention head pools over the whole sequence, so it needs full BPTT, not truncated');
  }
  const size = tg.kind === 'class' ? tg.labels.length : tg.size;
  if (m.head.size !== null && m.head.size !== size) at(['model', 'head', 'size'], `the data needs ${size} outputs (${targetText}), not ${m.head.size}`);
  if (loss !== 'mse' && m.head.activation !== 'none') {
    at(['model', 'head', 'activation'], `${loss} works on raw outputs (logits); the activation "${m.head.activation}" is applied only to predictions`, 'warning');
  }
  const { model, oneHot } = buildModelSpec(c, dataset, { output, size, activation: m.head.activation }, at);
  return { model, loss, oneHot };
}

function toSchedule(s: Config['train']['schedule'], steps: number): ScheduleSpec {
  switch (s.type) {
    case 'constant': return { type: 'constant' };
    case 'step': return { type: 'step', stepSize: s.stepSize, gamma: s.gamma };
    case 'cosine': return { type: 'cosine', totalSteps: s.totalSteps ?? steps, minLr: s.minLr };
    case 'warmup': {
      const after = toSchedule(s.after, Math.max(1, steps - s.warmupSteps));
      if (after.type === 'warmup') throw new Error('unreachable: nested warmup');
      return { type: 'warmup', warmupSteps: s.warmupSteps, after };
    }
  }
}

/**
 * The memory a run of this experiment takes: the graphs it unrolls are a training batch and the epoch's last, smaller
 * one, evaluation batches of up to EVAL_BATCH and their remainder, and the probes, all as long as the longest sequence.
 */
function estimateExperimentMemory(c: Config, model: ModelSpec, ds: Dataset) {
  const longest = (rows: Sequence[]) => rows.reduce((n, r) => Math.max(n, r.T), 1);
  const T = Math.max(longest(ds.train), longest(ds.validation));
  const batches = (n: number, size: number) => [Math.min(n, size), n > size ? n % size : 0].filter((b) => b > 0);
  const graphs = [...batches(ds.train.length, c.train.batchSize), ...batches(ds.validation.length, EVAL_BATCH), c.instrumentation.probes.length]
    .map((B) => ({ B, T }));
  return estimateTrainingMemory(model, c.train.optimizer.type, graphs, c.backend.name === 'reference64' ? 8 : 4);
}
