// The training of one run, shared by the CLI, the extension's worker and the tests. A run goes through its steps in
// order: open the backend, restore a checkpoint or initialise, write the run header, then the loop, whose gates
// decide after every step what to record, evaluate, sample and checkpoint. Records go to the run folder and the hooks.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Backend } from '../engine/backend';
import type { Batch } from '../engine/batch';
import { initialize } from '../engine/init';
import { createModel, type SequenceModel } from '../engine/model';
import { Rng } from '../engine/rng';
import { exportParams, importParams } from '../engine/statedict';
import { NonFiniteError, Trainer } from '../engine/trainer';
import { createBackend } from './backends/registry';
import { loadInit, readLatestCheckpoint, writeCheckpoint } from './checkpoints';
import { assignmentLabel, parseStoredConfig } from './config/load';
import type { Config } from './config/schema';
import { BatchStream, makeBatch, type BatchOptions, type StreamState } from './data/batches';
import type { Sequence } from './data/types';
import { fileDiagnostic, InputError } from './diagnostics';
import type { EvalRecord, GateRecord, RunRecord, RunSummary, StepRecord, TaskRecord } from './events';
import { prepareExperiment, type Experiment } from './experiment';
import { evaluate, sampleText, taskViews } from './evaluate';
import { makeRunId, RunDir, type RunInfo } from './runDir';
import { alignmentRecords } from './seq2seq/evaluate';

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
const every = (n: number, step: number) => n > 0 && step % n === 0;

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
  return train(exp, new RunDir(dir), runId, opts, false);
}

/** Continues a run from its newest complete checkpoint, with the config it was started with. */
export async function resumeRun(runDir: string, opts: Omit<RunOptions, 'outDir' | 'init'> = {}): Promise<RunResult> {
  const rd = new RunDir(resolve(runDir));
  if (!existsSync(join(rd.dir, 'run.json')) || !existsSync(join(rd.dir, 'config.json'))) {
    throw new InputError([fileDiagnostic(rd.dir, 'not a run folder (run.json or config.json is missing)')]);
  }
  const info = rd.readJson<RunInfo>('run.json');
  // Parse the stored, fully resolved config as if it sat where the original did, so data paths resolve the same.
  const loaded = parseStoredConfig(info.configFile, readFileSync(join(rd.dir, 'config.json'), 'utf8'));
  if (!loaded.config) throw new InputError(loaded.diagnostics);
  const exp = prepareExperiment(loaded.source, { config: loaded.config, assignment: info.assignment }, { workspace: info.workspace });
  return train(exp, rd, info.runId, opts, true);
}

async function train(exp: Experiment, rd: RunDir, runId: string, opts: RunOptions, resume: boolean): Promise<RunResult> {
  const run = new Training(exp, rd, runId, opts);
  if (resume) run.restore();
  else if (opts.init) loadInit(run.model, opts.init);
  run.writeHeader(resume);
  run.begin(resume);
  return run.loop();
}

/** One run while it trains: its model, trainer, data stream and summary, with one method per step of the run. */
class Training {
  readonly model: SequenceModel;
  private readonly c: Config;
  private readonly hooks: RunHooks;
  private readonly trainer: Trainer<Batch>;
  private readonly backendLabel: string;
  private readonly batchOpts: BatchOptions;
  private readonly probes: Sequence[];
  private batches: BatchStream;
  private startStep = 0;
  /** Wall-clock seconds spent before this process took the run over (a resumed run's earlier part). */
  private priorWall = 0;
  private startedMs = 0;
  private summary!: RunSummary;
  /** Elapsed times of the most recent steps, for the throughput. */
  private readonly recent: number[] = [];

  constructor(private readonly exp: Experiment, private readonly rd: RunDir, private readonly runId: string, opts: RunOptions) {
    this.c = exp.config;
    this.hooks = opts.hooks ?? {};
    for (const w of exp.warnings) this.log('warning', `${w.file}:${w.start.line}:${w.start.column}: ${w.path}: ${w.message}`);
    const backend = this.openBackend(opts.backend ?? this.c.backend.name);
    this.backendLabel = `${backend.info.name}/${backend.info.mode}`;
    this.model = createModel(exp.model, backend);
    const root = new Rng(this.c.seed);
    initialize(this.model.params, exp.model, exp.init, root.fork('init'));
    this.trainer = new Trainer(this.model, exp.train, root.fork('dropout'));
    this.batchOpts = { dtype: backend.info.dtype, oneHot: exp.oneHot };
    this.batches = this.streamFrom({ epoch: 0, cursor: 0 });
    const probeSet = exp.dataset.validation.length ? exp.dataset.validation : exp.dataset.train;
    this.probes = this.c.instrumentation.probes.map((i) => probeSet[i]);
  }

  private log(level: 'info' | 'warning', message: string): void {
    this.hooks.onLog?.(level, message);
  }

  private openBackend(name: string): Backend {
    let created;
    try {
      created = createBackend(name, { fallback: this.c.backend.fallback });
    } catch (e) {
      throw new InputError([fileDiagnostic(this.exp.configFile, (e as Error).message, 'backend.name')]);
    }
    // Under "auto" a choice is expected; a named backend that fell back is worth a warning.
    created.notes.forEach((n) => this.log(name === 'auto' ? 'info' : 'warning', n));
    return created.backend;
  }

  private streamFrom(state: StreamState): BatchStream {
    return new BatchStream(this.exp.dataset.train, this.c.train.batchSize, this.c.train.shuffle, this.c.seed, state);
  }

  /** Continues from the newest complete checkpoint, dropping the records written after it. */
  restore(): void {
    const cp = readLatestCheckpoint(this.rd.dir, (message) => this.log('warning', message));
    if (!cp) throw new InputError([fileDiagnostic(this.rd.dir, 'no complete checkpoint to resume from')]);
    importParams(this.model.params, cp.params);
    this.trainer.loadStateDict(cp.state);
    this.startStep = cp.step;
    this.batches = this.streamFrom(cp.stream);
    this.priorWall = cp.wallTimeSec;
    this.rd.truncateAfter(cp.step);
    this.log('info', `resuming ${this.runId} from step ${cp.step}`);
  }

  /** The run folder: config.json and run.json (a resumed run keeps its own) and the record files. */
  writeHeader(resume: boolean): void {
    const { c, exp } = this;
    this.rd.create();
    if (!resume) {
      // This run's values are already applied, so the stored config has no sweep left.
      this.rd.writeJson('config.json', { ...c, sweep: {} });
      const ds = exp.dataset;
      const info: RunInfo = {
        runId: this.runId, name: c.name, configFile: exp.configFile, workspace: exp.workspace, assignment: exp.assignment,
        model: exp.model, train: exp.train, input: ds.input, target: ds.target, oneHot: exp.oneHot,
        normalization: ds.series?.normalization ?? null, probes: c.instrumentation.probes,
      };
      this.rd.writeJson('run.json', info);
    }
    this.rd.touchRecordFiles();
  }

  /** Publishes the first summary (a resumed run keeps its results so far) and announces the start. */
  begin(resume: boolean): void {
    this.startedMs = Date.now();
    this.summary = {
      runId: this.runId, name: this.c.name, status: 'running', steps: this.startStep, finalLoss: null, finalValLoss: null,
      metrics: {}, wallTimeSec: this.priorWall, backend: this.backendLabel, startedAt: new Date(this.startedMs).toISOString(), endedAt: null,
    };
    if (resume && existsSync(join(this.rd.dir, 'summary.json'))) {
      const old = this.rd.readJson<RunSummary>('summary.json');
      Object.assign(this.summary, { finalLoss: old.finalLoss, finalValLoss: old.finalValLoss, metrics: old.metrics, startedAt: old.startedAt });
    }
    this.publishSummary();
    this.hooks.onStart?.({ runId: this.runId, dir: this.rd.dir, startStep: this.startStep, totalSteps: this.c.train.steps, backend: this.backendLabel });
  }

  /** Trains to the configured number of steps, or until a stop request or a failure. */
  async loop(): Promise<RunResult> {
    const total = this.c.train.steps;
    let step = this.startStep;
    let lastEval = -1;
    try {
      if (step === 0 && this.c.instrumentation.gatesEvery > 0) this.recordGates(0);
      while (step < total) {
        step = this.trainStep(step);
        if (this.afterStep(step)) lastEval = step;
        // Let stop requests (Ctrl-C, the worker's stop message) arrive, then honor them after this step.
        await yieldToEventLoop();
        if (step < total && this.hooks.shouldStop?.()) {
          this.stop(step);
          break;
        }
      }
    } catch (e) {
      return this.fail(e);
    }
    return this.finish(step, lastEval);
  }

  /** One optimizer update on the next batch, with its step line and gradient flow when they are due. */
  private trainStep(done: number): number {
    const c = this.c;
    const batch = makeBatch(this.batches.next(), this.exp.dataset, this.batchOpts);
    const r = this.trainer.step(batch, { gradFlow: every(c.instrumentation.gradFlowEvery, done + 1) });
    const step = r.step + 1;
    const now = this.elapsed();
    const stepsPerSec = this.throughput(now);
    this.summary.steps = step;
    this.summary.finalLoss = r.loss;
    if (every(c.instrumentation.stepEvery, step) || step === c.train.steps || step === 1) {
      const rec: StepRecord = {
        kind: 'step', step, loss: r.loss, gradNorm: r.gradNorm, gradNormClipped: r.gradNormClipped,
        paramGradNorms: r.paramGradNorms, lr: r.lr, time: now, stepsPerSec,
      };
      this.emit(rec);
    }
    if (r.gradFlow) this.emit({ kind: 'gradflow', step, norms: r.gradFlow });
    return step;
  }

  /** The gates after a step: gate traces, evaluation, text samples and checkpoints, each when its interval comes. */
  private afterStep(step: number): boolean {
    const c = this.c;
    if (every(c.instrumentation.gatesEvery, step)) this.recordGates(step);
    const evaluated = every(c.train.evalEvery, step);
    if (evaluated) this.recordEval(step);
    if (c.data.source === 'text' && every(c.data.sample.every, step)) this.recordSample(step);
    if (every(c.train.checkpointEvery, step)) {
      this.saveCheckpoint(`step-${step}`, step);
      this.publishSummary();
    }
    return evaluated;
  }

  private stop(step: number): void {
    this.saveCheckpoint(`step-${step}`, step);
    this.summary.status = 'stopped';
    this.log('info', `stopped after step ${step}`);
  }

  /** A completed or stopped run ends evaluated, sampled and with a final checkpoint. */
  private finish(step: number, lastEval: number): RunResult {
    if (this.summary.status !== 'stopped') this.summary.status = 'completed';
    if (lastEval !== step) this.recordEval(step);
    if (this.c.data.source === 'text') this.recordSample(step);
    this.saveCheckpoint('final', step);
    this.summary.endedAt = new Date().toISOString();
    this.publishSummary();
    return { summary: this.summary, runDir: this.rd.dir };
  }

  private fail(e: unknown): RunResult {
    this.summary.status = 'failed';
    this.summary.reason = failureReason(e);
    this.summary.endedAt = new Date().toISOString();
    this.publishSummary();
    this.log('warning', this.summary.reason);
    return { summary: this.summary, runDir: this.rd.dir };
  }

  private recordEval(step: number): void {
    const ds = this.exp.dataset;
    if (ds.validation.length) {
      const ev = evaluate(this.model, this.exp, ds.validation, this.batchOpts);
      const rec: EvalRecord = { kind: 'eval', step, valLoss: ev.loss, metrics: { ...ds.baselines, ...ev.metrics }, time: this.elapsed() };
      this.emit(rec);
      this.summary.finalValLoss = ev.loss;
      this.summary.metrics = rec.metrics;
    }
    for (const t of taskViews(this.model, this.exp, step, this.batchOpts)) this.emitTask(t);
  }

  private recordSample(step: number): void {
    const c = this.c;
    if (c.data.source !== 'text') return;
    const s = c.data.sample;
    this.emitTask({ kind: 'sample', step, temperature: s.temperature, text: sampleText(this.model, this.exp, new Rng(c.seed).fork(`sample:${step}`), s) });
  }

  private recordGates(step: number): void {
    if (!this.probes.length) return;
    const res = this.model.probe(makeBatch(this.probes, this.exp.dataset, this.batchOpts));
    for (const t of res.traces) {
      const g: GateRecord = { kind: 'gates', step, probe: t.sequence, layer: t.layer, direction: t.direction, cell: t.cell, T: t.T, H: t.H, values: t.values };
      this.emit(g);
    }
    for (const a of alignmentRecords(this.exp, step, res)) this.emit(a);
  }

  private saveCheckpoint(label: string, step: number): void {
    // The records up to this step reach their files first: a resume keeps exactly those.
    this.rd.flush();
    // Native precision, so a float64 (reference64) run resumes bit-exactly too.
    writeCheckpoint(this.rd.checkpoints, label, {
      params: exportParams(this.model.params, 'native'), state: this.trainer.stateDict(),
      step, stream: this.batches.getState(), wallTimeSec: this.elapsed(),
    });
  }

  private elapsed(): number {
    return this.priorWall + (Date.now() - this.startedMs) / 1000;
  }

  /** Steps per second over the last 20 steps. */
  private throughput(now: number): number {
    const recent = this.recent;
    recent.push(now);
    if (recent.length > 20) recent.shift();
    return recent.length > 1 ? (recent.length - 1) / Math.max(1e-9, recent[recent.length - 1] - recent[0]) : 0;
  }

  private publishSummary(): void {
    this.summary.wallTimeSec = this.elapsed();
    this.rd.summary(this.summary);
    this.hooks.onSummary?.({ ...this.summary });
  }

  private emit(r: RunRecord): void {
    this.rd.append(r);
    this.hooks.onRecord?.(r);
  }

  private emitTask(t: TaskRecord): void {
    this.rd.appendTask(t);
    this.hooks.onTask?.(t);
  }
}

function failureReason(e: unknown): string {
  if (!(e instanceof NonFiniteError)) return `${(e as Error).message}`;
  const what = e.tensor === 'loss' ? `the loss is ${e.value}` : `the gradient of ${e.tensor} is not finite (norm ${e.value})`;
  return `training diverged at step ${e.step + 1}: ${what}`;
}
