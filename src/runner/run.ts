// The training of one run, shared by the CLI, the extension's worker and the tests. A run goes through its steps in
// order: open the backend, restore a checkpoint or initialise, write the run header, then the loop, whose gates
// decide after every step what to record, evaluate, sample and checkpoint. Records go to the run folder and the hooks.
import { resolve } from 'node:path';
import type { Backend } from '../engine/backend';
import type { Batch } from '../engine/batch';
import { initialize } from '../engine/init';
import { createModel, type SequenceModel } from '../engine/model';
import { Rng } from '../engine/rng';
import { exportParams, importParams } from '../engine/statedict';
import { NonFiniteError, Trainer } from '../engine/trainer';
import { backendLabel, createBackend } from './backends/registry';
import { loadInit, readLatestCheckpoint, writeCheckpoint, type Best } from './checkpoints';
import { assignmentLabel } from './config/load';
import type { Config } from './config/schema';
import { BatchStream, makeBatch, type BatchOptions, type StreamState } from './data/batches';
import type { Sequence } from './data/types';
import { fingerprintData } from './dataFingerprint';
import { fileDiagnostic, InputError } from './diagnostics';
import type { EvalRecord, GateRecord, RunRecord, RunSummary, SelfAttentionRecord, StepRecord, TaskRecord } from './events';
import type { Experiment } from './experiment';
import { evaluate, sampleText, taskViews } from './evaluate';
import { removeStaleTemps, WriteError } from './files';
import { readRunFile, reopenRun } from './reopen';
import { checkpointPair, claimRunDir, makeRunId, RunDir, type DataFingerprint, type RunInfo } from './runDir';
import { readSummary } from './snapshot';
import { stepTimer } from './stepTiming';
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
  /** A safetensors state_dict to start from, instead of initialization (strict about names, shapes and dtypes). */
  init?: string;
  /** Overrides config.backend.name. */
  backend?: string;
  /** The most threads the wasm backend's matrix products use (0 or absent: every core, up to a cap). */
  threads?: number;
  hooks?: RunHooks;
}

export interface ResumeOptions {
  backend?: string;
  threads?: number;
  hooks?: RunHooks;
  /** The config the run was started from, when the user names it; a run of another config is refused. */
  configFile?: string;
  /** The folder data must stay inside (default: the config's folder). */
  workspace?: string;
  /** Resume although a data file changed since the run started. */
  allowChangedData?: boolean;
}

export interface RunResult {
  summary: RunSummary;
  runDir: string;
  /** True when a resumed run was already complete, so nothing was done. */
  alreadyComplete?: boolean;
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));
const every = (n: number, step: number) => n > 0 && step % n === 0;

/**
 * Starts a new run of an experiment. Everything that can refuse it (backend, model, --init) comes before its folder is
 * claimed, so a refused run leaves nothing behind.
 */
export async function startRun(exp: Experiment, opts: RunOptions = {}): Promise<RunResult> {
  const run = new Training(exp, opts, Boolean(opts.init));
  if (opts.init) loadInit(run.model, opts.init);
  const dataFiles = fingerprintData(exp.config, exp.configDir, exp.workspace);
  const claimed = claimRunDir(opts.outDir
    ? { outDir: resolve(opts.outDir) }
    : { runsDir: exp.runsDir, baseId: makeRunId(exp.config.name, assignmentLabel(exp.assignment)) });
  run.open(new RunDir(claimed.dir), claimed.runId);
  run.writeHeader({ dataFiles, init: opts.init ?? null });
  run.begin(false);
  return run.loopAndRelease();
}

/**
 * Continues a run from its newest complete checkpoint (or from step 0 when it has none yet), with the config it was
 * started with. A completed run is left as it is.
 */
export async function resumeRun(runDir: string, opts: ResumeOptions = {}): Promise<RunResult> {
  const dir = resolve(runDir);
  const log = (level: 'info' | 'warning', message: string) => opts.hooks?.onLog?.(level, message);
  const done = completedRun(dir, log);
  if (done) return done;
  const { exp, info } = reopenRun(dir, {
    ...opts, warn: (m) => log('warning', m), changedDataHint: 'restore it, start a new run, or resume anyway with --allow-changed-data',
    missingConfigHint: `give it: seqlab run <config> --resume ${dir}`,
  });
  const run = new Training(exp, opts, Boolean(info.init));
  run.open(new RunDir(dir), info.runId);
  run.restore(info.init ?? null);
  run.writeHeader(null);
  run.begin(true);
  return run.loopAndRelease();
}

/**
 * A completed run whose final checkpoint reads back whole: resuming it does nothing, and says so. (A damaged final
 * checkpoint is reported by the resume that follows.)
 */
function completedRun(dir: string, log: (level: 'info' | 'warning', message: string) => void): RunResult | null {
  const summary = readSummary(dir);
  if (summary?.status !== 'completed') return null;
  const steps = readRunFile<{ train?: { steps?: number } }>(dir, 'config.json').train?.steps ?? Infinity;
  const cp = readLatestCheckpoint(dir, () => {});
  if (!cp || cp.label !== 'final' || cp.step < steps) return null;
  log('info', `${summary.runId} is already complete (${cp.step} steps); nothing to do`);
  return { summary, runDir: dir, alreadyComplete: true };
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
  private rd!: RunDir;
  private runId = '';
  private batches: BatchStream;
  private startStep = 0;
  /** Wall-clock seconds spent before this process took the run over (a resumed run's earlier part). */
  private priorWall = 0;
  private startedMs = 0;
  private summary!: RunSummary;
  /** Elapsed times of the most recent steps, for the throughput. */
  private readonly recent: number[] = [];
  /** The lowest validation loss so far (checkpoints/best). */
  private best: Best | null = null;
  /** The newest checkpoint written whole, named when a later write fails. */
  private lastCheckpoint: string | null = null;
  /** Resumed from the final checkpoint: training and its last records are done, only the summary is left. */
  private finalDone = false;

  /** fromInit: the parameters come from --init, so they are saved as checkpoint step-0 for a resume to start from. */
  constructor(private readonly exp: Experiment, opts: { backend?: string; threads?: number; hooks?: RunHooks }, private readonly fromInit: boolean) {
    this.c = exp.config;
    this.hooks = opts.hooks ?? {};
    for (const w of exp.warnings) this.log('warning', `${w.file}:${w.start.line}:${w.start.column}: ${w.path}: ${w.message}`);
    const backend = this.openBackend(opts.backend ?? this.c.backend.name, opts.threads ?? 0);
    this.backendLabel = backendLabel(backend.info);
    this.model = createModel(exp.model, backend);
    const root = new Rng(this.c.seed);
    initialize(this.model.params, exp.model, exp.init, root.fork('init'));
    this.trainer = new Trainer(this.model, exp.train, root.fork('dropout'));
    this.batchOpts = { dtype: backend.info.dtype, oneHot: exp.oneHot };
    this.batches = this.streamFrom({ epoch: 0, cursor: 0 });
    const probeSet = exp.dataset.validation.length ? exp.dataset.validation : exp.dataset.train;
    this.probes = this.c.instrumentation.probes.map((i) => probeSet[i]);
  }

  open(rd: RunDir, runId: string): void {
    this.rd = rd;
    this.runId = runId;
  }

  private log(level: 'info' | 'warning', message: string): void {
    this.hooks.onLog?.(level, message);
  }

  private openBackend(name: string, threads: number): Backend {
    let created;
    try {
      created = createBackend(name, {
        fallback: this.c.backend.fallback, threads, timeStep: stepTimer(this.exp),
        onThreadError: (m) => this.log('warning', `${m}; its share runs on the other threads`),
      });
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

  /**
   * Continues from the newest complete checkpoint, cutting the records back to what they were when it was written and
   * removing temporary files a killed process left. Without one, starts again from step 0: the config and seed give
   * the same start (a run from --init needs its step-0 checkpoint).
   */
  restore(init: string | null): void {
    const removed = [...removeStaleTemps(this.rd.dir), ...removeStaleTemps(this.rd.checkpoints)];
    if (removed.length) this.log('info', `removed temporary files a killed run left: ${removed.join(', ')}`);
    const cp = readLatestCheckpoint(this.rd.dir, (message) => this.log('warning', message));
    if (!cp) {
      if (init) throw new InputError([fileDiagnostic(this.rd.dir, `no usable checkpoint; the run started from --init ${init}, so it cannot start again from its seed: start a new run`)]);
      this.rd.truncateTo(null, -1);
      this.log('info', `${this.runId} has no checkpoint yet: starting it again from step 0 (same config and seed)`);
      return;
    }
    try {
      importParams(this.model.params, cp.params);
      this.trainer.loadStateDict(cp.state);
    } catch (e) {
      const file = checkpointPair(this.rd.dir, cp.label).params;
      throw new InputError([fileDiagnostic(file, `does not fit the model the current config and data build: ${(e as Error).message}`)]);
    }
    this.startStep = cp.step;
    this.batches = this.streamFrom(cp.stream);
    this.priorWall = cp.wallTimeSec;
    this.best = cp.best;
    this.lastCheckpoint = cp.label;
    this.finalDone = cp.label === 'final' && cp.step >= this.c.train.steps;
    this.rd.truncateTo(cp.records, cp.step);
    this.log('info', `resuming ${this.runId} from step ${cp.step}`);
  }

  /** The run folder: config.json and run.json for a new run (a resumed run keeps its own), and the record files. */
  writeHeader(newRun: { dataFiles: DataFingerprint[]; init: string | null } | null): void {
    const { c, exp } = this;
    this.rd.create();
    if (newRun) {
      // This run's values are already applied, so the stored config has no sweep left.
      this.rd.writeJson('config.json', { ...c, sweep: {} });
      const ds = exp.dataset;
      const info: RunInfo = {
        runId: this.runId, name: c.name, configFile: exp.configFile, assignment: exp.assignment,
        model: exp.model, train: exp.train, input: ds.input, target: ds.target, oneHot: exp.oneHot,
        normalization: ds.series?.normalization ?? null, probes: c.instrumentation.probes, ...newRun,
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
    const old = resume ? readSummary(this.rd.dir) : null;
    if (old) {
      const kept = this.startStep > 0 ? { finalLoss: old.finalLoss, finalValLoss: old.finalValLoss, metrics: old.metrics } : {};
      Object.assign(this.summary, { ...kept, startedAt: old.startedAt });
    }
    this.publishSummary();
    this.hooks.onStart?.({ runId: this.runId, dir: this.rd.dir, startStep: this.startStep, totalSteps: this.c.train.steps, backend: this.backendLabel });
  }

  /** The loop, then the backend's resources released (the GPU thread of gpu.js:webgpu ends with the run). */
  async loopAndRelease(): Promise<RunResult> {
    try {
      return await this.loop();
    } finally {
      this.model.backend.destroy?.();
    }
  }

  /** Trains to the configured number of steps, or until a stop request or a failure (a full disk included). */
  private async loop(): Promise<RunResult> {
    const total = this.c.train.steps;
    let step = this.startStep;
    // A resumed run evaluated at its checkpoint's step already when that step was due.
    let lastEval = step > 0 && every(this.c.train.evalEvery, step) ? step : -1;
    try {
      if (step === 0 && this.fromInit) this.saveCheckpoint('step-0', 0);
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
      return this.finish(step, lastEval);
    } catch (e) {
      return this.fail(e);
    }
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

  /** A stop request: the checkpoint of this step holds everything; no extra evaluation or sample is recorded. */
  private stop(step: number): void {
    this.saveCheckpoint(`step-${step}`, step);
    this.summary.status = 'stopped';
    this.log('info', `stopped after step ${step}`);
  }

  /** A completed run ends evaluated, sampled and with a final checkpoint; a stopped one just says so. */
  private finish(step: number, lastEval: number): RunResult {
    if (this.summary.status !== 'stopped') {
      if (!this.finalDone) {
        if (lastEval !== step) this.recordEval(step);
        // The last step's sample, when its interval came, was recorded by afterStep already (or before a resume).
        const sampled = this.c.data.source === 'text' && step > 0 && every(this.c.data.sample.every, step);
        if (!sampled) this.recordSample(step);
        this.saveCheckpoint('final', step);
      }
      this.summary.status = 'completed';
    }
    this.summary.endedAt = new Date().toISOString();
    this.publishSummary();
    return { summary: this.summary, runDir: this.rd.dir };
  }

  /** The run ends "failed" with the reason; summary.json says so unless the disk refuses even that. */
  private fail(e: unknown): RunResult {
    this.summary.status = 'failed';
    this.summary.reason = this.failureReason(e);
    this.summary.endedAt = new Date().toISOString();
    try {
      this.publishSummary();
    } catch (w) {
      this.log('warning', `summary.json could not be updated either: ${(w as Error).message}`);
      this.hooks.onSummary?.({ ...this.summary });
    }
    this.log('warning', this.summary.reason);
    return { summary: this.summary, runDir: this.rd.dir };
  }

  private failureReason(e: unknown): string {
    if (e instanceof WriteError) {
      const kept = this.lastCheckpoint ? `the newest complete checkpoint is ${this.lastCheckpoint}` : 'no checkpoint was written yet';
      return `${e.message}; ${kept}. Once there is room, continue with: seqlab run --resume ${this.rd.dir}`;
    }
    if (!(e instanceof NonFiniteError)) return `${(e as Error).message}`;
    const what = e.tensor === 'loss' ? `the loss is ${e.value}` : `the gradient of ${e.tensor} is not finite (norm ${e.value})`;
    return `training diverged at step ${e.step + 1}: ${what}`;
  }

  /** Validation loss and metrics, task views, and checkpoints/best when the loss is the lowest so far. */
  private recordEval(step: number): void {
    const ds = this.exp.dataset;
    if (ds.validation.length) {
      const ev = evaluate(this.model, this.exp, ds.validation, this.batchOpts);
      const rec: EvalRecord = { kind: 'eval', step, valLoss: ev.loss, metrics: { ...ds.baselines, ...ev.metrics }, time: this.elapsed() };
      this.emit(rec);
      this.summary.finalValLoss = ev.loss;
      this.summary.metrics = rec.metrics;
      if (Number.isFinite(ev.loss) && (this.best === null || ev.loss < this.best.valLoss)) {
        this.best = { step, valLoss: ev.loss };
        this.saveCheckpoint('best', step);
      }
    }
    for (const t of taskViews(this.model, this.exp, step, this.batchOpts)) this.emitTask(t);
  }

  private recordSample(step: number): void {
    const c = this.c;
    if (c.data.source !== 'text') return;
    const s = c.data.sample;
    this.emitTask({ kind: 'sample', step, temperature: s.temperature, text: sampleText(this.model, this.exp, new Rng(c.seed).fork(`sample:${step}`), s) });
  }

  /** What the probe sequences show: gate traces of recurrent cells, attention maps of the Transformer. */
  private recordGates(step: number): void {
    if (!this.probes.length) return;
    const res = this.model.probe(makeBatch(this.probes, this.exp.dataset, this.batchOpts));
    for (const t of res.traces) {
      const g: GateRecord = { kind: 'gates', step, probe: t.sequence, layer: t.layer, direction: t.direction, cell: t.cell, T: t.T, H: t.H, values: t.values };
      this.emit(g);
    }
    for (const a of alignmentRecords(this.exp, step, res)) this.emit(a);
    for (const a of res.attention ?? []) {
      // Four significant digits: the maps are drawn, not reused, and T×T per head adds up.
      const weights = a.weights.map((w) => w.map((v) => Number(v.toPrecision(4))));
      const r: SelfAttentionRecord = { kind: 'selfattention', step, probe: a.sequence, layer: a.layer, T: a.T, weights };
      this.emit(r);
    }
  }

  private saveCheckpoint(label: string, step: number): void {
    // The records up to this step reach their files first, and their lengths go in the checkpoint: a resume cuts the
    // files back to exactly those.
    this.rd.flush();
    // Native precision, so a float64 (reference64) run resumes bit-exactly too.
    writeCheckpoint(this.rd.dir, label, {
      params: exportParams(this.model.params, 'native'), state: this.trainer.stateDict(), step, stream: this.batches.getState(),
      wallTimeSec: this.elapsed(), records: this.rd.recordSizes(), best: this.best,
    });
    if (label !== 'best') this.lastCheckpoint = label;
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
