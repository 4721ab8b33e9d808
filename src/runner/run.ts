// The training loop of one run, shared by the CLI, the extension's worker and the tests.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createBackend } from './backends/registry';
import { initialize } from '../engine/init';
import { Model } from '../engine/model';
import { Rng } from '../engine/rng';
import { exportParams, importParams } from '../engine/statedict';
import { NonFiniteError, Trainer } from '../engine/trainer';
import { assignmentLabel, parseConfig } from './config/load';
import { BatchStream, makeBatch, type StreamState } from './data/batches';
import { fileDiagnostic, InputError } from './diagnostics';
import type { EvalRecord, GateRecord, RunRecord, RunSummary, StepRecord, TaskRecord } from './events';
import { prepareExperiment, type Experiment } from './experiment';
import { evaluate, sampleText, taskViews } from './evaluate';
import { checkpointFiles, makeRunId, RunDir, type RunInfo } from './runDir';
import { readSafetensors, SafetensorsError, writeSafetensors } from './safetensors';

export interface RunHooks {
  onStart?(info: { runId: string; dir: string; startStep: number; totalSteps: number; backend: string }): void;
  onRecord?(record: RunRecord): void;
  onTask?(record: TaskRecord): void;
  onLog?(level: 'info' | 'warning', message: string): void;
  onSummary?(summary: RunSummary): void;
  /** Polled after every step: true stops the run after that step, saves a checkpoint and ends as "stopped". */
  shouldStop?(): boolean;
}

export interface RunOptions {
  /** The run folder to create (default: <config dir>/<output.runsDir>/<run-id>). */
  outDir?: string;
  /** A safetensors state_dict to start from, instead of initialization (strict about names and shapes). */
  init?: string;
  /** Overrides config.backend.name. */
  backend?: string;
  hooks?: RunHooks;
}

export interface RunResult {
  summary: RunSummary;
  runDir: string;
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/** Starts a new run of an experiment. */
export async function startRun(exp: Experiment, opts: RunOptions = {}): Promise<RunResult> {
  let runId = opts.outDir ? resolve(opts.outDir).split(/[\\/]/).pop()! : makeRunId(exp.config.name, assignmentLabel(exp.assignment));
  if (!opts.outDir) {
    // Two runs of one config started within the same second get distinct folders.
    const base = runId;
    for (let k = 2; existsSync(join(exp.configDir, exp.config.output.runsDir, runId)); k++) runId = `${base}-${k}`;
  }
  const dir = resolve(opts.outDir ?? join(exp.configDir, exp.config.output.runsDir, runId));
  if (existsSync(join(dir, 'summary.json'))) {
    throw new InputError([fileDiagnostic(dir, 'this run folder already holds a run; use --resume to continue it or choose another --out')]);
  }
  return train(exp, new RunDir(dir), runId, opts, null);
}

/** Continues a run from its newest complete checkpoint, with the config it was started with. */
export async function resumeRun(runDir: string, opts: Omit<RunOptions, 'outDir' | 'init'> = {}): Promise<RunResult> {
  const rd = new RunDir(resolve(runDir));
  if (!existsSync(join(rd.dir, 'run.json')) || !existsSync(join(rd.dir, 'config.json'))) {
    throw new InputError([fileDiagnostic(rd.dir, 'not a run folder (run.json or config.json is missing)')]);
  }
  const info = rd.readJson<RunInfo>('run.json');
  // Parse the stored, fully resolved config as if it sat where the original did, so data paths resolve the same.
  const loaded = parseConfig(info.configFile, readFileSync(join(rd.dir, 'config.json'), 'utf8'));
  if (!loaded.config) throw new InputError(loaded.diagnostics);
  const exp = prepareExperiment(loaded.source, { config: loaded.config, assignment: info.assignment }, { workspace: info.workspace });
  return train(exp, rd, info.runId, opts, rd.dir);
}

interface Checkpoint { params: Record<string, { shape: number[]; data: ArrayLike<number> }>; state: Record<string, Float32Array | Float64Array>; step: number; stream: StreamState; wallTimeSec: number }

function readCheckpoint(dir: string): Checkpoint | null {
  for (const c of checkpointFiles(dir)) {
    if (!existsSync(c.state)) continue;
    try {
      const p = readSafetensors(c.params);
      const s = readSafetensors(c.state);
      // Both halves must come from the same step; a kill between the two writes leaves them apart.
      if (p.metadata.step !== s.metadata.step) continue;
      const state: Record<string, Float32Array | Float64Array> = {};
      for (const [k, t] of Object.entries(s.tensors)) if (!(t.data instanceof Int32Array)) state[k] = t.data;
      return {
        params: p.tensors, state, step: Number(s.metadata.step),
        stream: JSON.parse(s.metadata.stream) as StreamState, wallTimeSec: Number(s.metadata.wallTimeSec ?? 0),
      };
    } catch {
      continue;
    }
  }
  return null;
}

async function train(exp: Experiment, rd: RunDir, runId: string, opts: RunOptions, resumeFrom: string | null): Promise<RunResult> {
  const hooks = opts.hooks ?? {};
  const c = exp.config;
  const log = (level: 'info' | 'warning', message: string) => hooks.onLog?.(level, message);
  for (const w of exp.warnings) log('warning', `${w.file}:${w.start.line}:${w.start.column}: ${w.path}: ${w.message}`);

  const backendName = opts.backend ?? c.backend.name;
  let created;
  try {
    created = createBackend(backendName, { fallback: c.backend.fallback });
  } catch (e) {
    throw new InputError([fileDiagnostic(exp.configFile, (e as Error).message, 'backend.name')]);
  }
  const { backend, notes } = created;
  // Under "auto" a choice is expected; a named backend that fell back is worth a warning.
  notes.forEach((n) => log(backendName === 'auto' ? 'info' : 'warning', n));
  const backendLabel = `${backend.info.name}/${backend.info.mode}`;
  const model = new Model(exp.model, backend);
  const root = new Rng(c.seed);
  initialize(model.params, exp.model, exp.init, root.fork('init'));
  const trainer = new Trainer(model, exp.train, root.fork('dropout'));

  let startStep = 0;
  let stream: StreamState = { epoch: 0, cursor: 0 };
  let priorWall = 0;
  if (resumeFrom) {
    const cp = readCheckpoint(resumeFrom);
    if (!cp) throw new InputError([fileDiagnostic(resumeFrom, 'no complete checkpoint to resume from')]);
    importParams(model.params, cp.params);
    trainer.loadStateDict(cp.state);
    startStep = cp.step;
    stream = cp.stream;
    priorWall = cp.wallTimeSec;
    rd.truncateAfter(startStep);
    log('info', `resuming ${runId} from step ${startStep}`);
  } else if (opts.init) {
    loadInit(model, opts.init);
  }

  rd.create();
  if (!resumeFrom) {
    // This run's values are already applied, so the stored config has no sweep left.
    rd.writeJson('config.json', { ...c, sweep: {} });
    const ds = exp.dataset;
    const info: RunInfo = {
      runId, name: c.name, configFile: exp.configFile, workspace: exp.workspace, assignment: exp.assignment,
      model: exp.model, train: exp.train, input: ds.input, target: ds.target, oneHot: exp.oneHot,
      normalization: ds.series?.normalization ?? null, probes: c.instrumentation.probes,
    };
    rd.writeJson('run.json', info);
  }
  rd.touchRecordFiles();

  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const elapsed = () => priorWall + (Date.now() - started) / 1000;
  const total = c.train.steps;
  const summary: RunSummary = {
    runId, name: c.name, status: 'running', steps: startStep, finalLoss: null, finalValLoss: null,
    metrics: {}, wallTimeSec: priorWall, backend: backendLabel, startedAt, endedAt: null,
  };
  if (resumeFrom && existsSync(join(rd.dir, 'summary.json'))) {
    const old = rd.readJson<RunSummary>('summary.json');
    Object.assign(summary, { finalLoss: old.finalLoss, finalValLoss: old.finalValLoss, metrics: old.metrics, startedAt: old.startedAt });
  }
  const publishSummary = () => {
    summary.wallTimeSec = elapsed();
    rd.summary(summary);
    hooks.onSummary?.({ ...summary });
  };
  publishSummary();
  hooks.onStart?.({ runId, dir: rd.dir, startStep, totalSteps: total, backend: backendLabel });

  const emit = (r: RunRecord) => { rd.append(r); hooks.onRecord?.(r); };
  const emitTask = (t: TaskRecord) => { rd.appendTask(t); hooks.onTask?.(t); };
  const ds = exp.dataset;
  const batchOpts = { dtype: backend.info.dtype, oneHot: exp.oneHot };
  const batches = new BatchStream(ds.train, c.train.batchSize, c.train.shuffle, c.seed, stream);
  const probeSet = ds.validation.length ? ds.validation : ds.train;
  const probes = c.instrumentation.probes.map((i) => probeSet[i]);
  const every = (n: number, step: number) => n > 0 && step % n === 0;
  const recent: number[] = [];

  const checkpoint = (label: string, step: number) => {
    // Native precision, so a float64 (reference64) run resumes bit-exactly too.
    const params = exportParams(model.params, 'native');
    const meta = { format: 'pt', step: String(step), stream: JSON.stringify(batches.getState()), wallTimeSec: String(elapsed()) };
    writeSafetensors(join(rd.checkpoints, `${label}.safetensors`), params, meta);
    writeSafetensors(join(rd.checkpoints, `${label}.state.safetensors`),
      Object.fromEntries(Object.entries(trainer.stateDict()).map(([k, v]) => [k, { shape: [v.length], data: v }])), meta);
  };
  const doEval = (step: number) => {
    if (ds.validation.length) {
      const ev = evaluate(model, exp, ds.validation, batchOpts);
      const rec: EvalRecord = { kind: 'eval', step, valLoss: ev.loss, metrics: { ...ds.baselines, ...ev.metrics }, time: elapsed() };
      emit(rec);
      summary.finalValLoss = ev.loss;
      summary.metrics = rec.metrics;
    }
    for (const t of taskViews(model, exp, step, batchOpts)) emitTask(t);
  };
  const doSample = (step: number) => {
    if (c.data.source !== 'text') return;
    const s = c.data.sample;
    emitTask({ kind: 'sample', step, temperature: s.temperature, text: sampleText(model, exp, new Rng(c.seed).fork(`sample:${step}`), s) });
  };
  const doGates = (step: number) => {
    if (!probes.length) return;
    const res = model.probe(makeBatch(probes, ds, batchOpts));
    for (const t of res.traces) {
      const g: GateRecord = { kind: 'gates', step, probe: t.sequence, layer: t.layer, direction: t.direction, cell: t.cell, T: t.T, H: t.H, values: t.values };
      emit(g);
    }
  };

  let step = startStep;
  let lastEval = -1;
  try {
    if (startStep === 0 && c.instrumentation.gatesEvery > 0) doGates(0);
    while (step < total) {
      const seqs = batches.next();
      const batch = makeBatch(seqs, ds, batchOpts);
      const wantFlow = every(c.instrumentation.gradFlowEvery, step + 1);
      const r = trainer.step(batch, { gradFlow: wantFlow });
      step = r.step + 1;
      const now = elapsed();
      recent.push(now);
      if (recent.length > 20) recent.shift();
      const stepsPerSec = recent.length > 1 ? (recent.length - 1) / Math.max(1e-9, recent[recent.length - 1] - recent[0]) : 0;
      summary.steps = step;
      summary.finalLoss = r.loss;
      if (every(c.instrumentation.stepEvery, step) || step === total || step === 1) {
        const rec: StepRecord = {
          kind: 'step', step, loss: r.loss, gradNorm: r.gradNorm, gradNormClipped: r.gradNormClipped,
          paramGradNorms: r.paramGradNorms, lr: r.lr, time: now, stepsPerSec,
        };
        emit(rec);
      }
      if (r.gradFlow) emit({ kind: 'gradflow', step, norms: r.gradFlow });
      if (every(c.instrumentation.gatesEvery, step)) doGates(step);
      if (every(c.train.evalEvery, step)) { doEval(step); lastEval = step; }
      if (c.data.source === 'text' && every(c.data.sample.every, step)) doSample(step);
      if (every(c.train.checkpointEvery, step)) {
        checkpoint(`step-${step}`, step);
        publishSummary();
      }
      // Let stop requests (Ctrl-C, the worker's stop message) arrive, then honor them after this step.
      await yieldToEventLoop();
      if (step < total && hooks.shouldStop?.()) {
        checkpoint(`step-${step}`, step);
        summary.status = 'stopped';
        log('info', `stopped after step ${step}`);
        break;
      }
    }
  } catch (e) {
    summary.status = 'failed';
    summary.reason = e instanceof NonFiniteError
      ? `training diverged at step ${e.step + 1}: ${e.tensor === 'loss' ? `the loss is ${e.value}` : `the gradient of ${e.tensor} is not finite (norm ${e.value})`}`
      : `${(e as Error).message}`;
    summary.endedAt = new Date().toISOString();
    publishSummary();
    log('warning', summary.reason);
    return { summary, runDir: rd.dir };
  }
  if (summary.status !== 'stopped') summary.status = 'completed';
  if (lastEval !== step) doEval(step);
  if (c.data.source === 'text') doSample(step);
  checkpoint('final', step);
  summary.endedAt = new Date().toISOString();
  publishSummary();
  return { summary, runDir: rd.dir };
}

/** Loads a safetensors state_dict into the model: every name must match and every shape agree. */
function loadInit(model: Model, file: string): void {
  let tensors;
  try {
    tensors = readSafetensors(file).tensors;
  } catch (e) {
    const msg = e instanceof SafetensorsError ? e.message : `cannot read ${file}: ${(e as Error).message}`;
    throw new InputError([fileDiagnostic(file, msg, '--init')]);
  }
  try {
    importParams(model.params, tensors);
  } catch (e) {
    throw new InputError([fileDiagnostic(file, (e as Error).message, '--init')]);
  }
}

