// The files of one run folder, written so that a run killed at any moment, or stopped by a full disk, leaves readable,
// resumable files: JSONL lines are appended whole (in batches, at most RECORD_FLUSH_MS late), and summary, run info
// and checkpoints are replaced atomically (files.ts).
//
//   config.json        the resolved config (every default filled in, sweep expanded to this run's values)
//   run.json           RunInfo: what the run needs besides the config (vocabulary, labels, normalization, specs)
//   metrics.jsonl      StepRecord and EvalRecord lines          gradflow.jsonl  GradFlowRecord lines
//   gates.jsonl        GateRecord lines                         tasks.jsonl     TaskRecord lines (samples, forecasts…)
//   attention.jsonl    AlignmentRecord lines (sequence-to-sequence runs)
//   selfattention.jsonl  SelfAttentionRecord lines (the Transformer's attention maps)
//   summary.json       RunSummary
//   checkpoints/step-<n>.safetensors (+ step-<n>.state.safetensors), final.safetensors (+ final.state.safetensors),
//               best.safetensors (+ best.state.safetensors): the lowest validation loss so far
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSpec, TrainSpec } from '../engine/spec';
import type { RunRecord, RunSummary, TaskRecord } from './events';
import type { JsonValue } from './config/dsl';
import { fileDiagnostic, InputError } from './diagnostics';
import { appendWhole, writeFileAtomic } from './files';
import type { Input, Normalization, Target } from './data/types';

export interface RunInfo {
  runId: string;
  name: string;
  /** The config file the run was started from (shown to people; resume never reads a path from here). */
  configFile: string;
  assignment: Record<string, JsonValue>;
  model: ModelSpec;
  train: TrainSpec;
  input: Input;
  target: Target;
  oneHot: boolean;
  normalization: Normalization | null;
  /** Index of the probe sequences in the validation set (or training set when there is none). */
  probes: number[];
  /** Content hashes of the data files, so a resume can tell the data changed (absent in runs of older versions). */
  dataFiles?: DataFingerprint[];
  /** The --init file the run started from (its parameters are checkpoint step-0), or null. */
  init?: string | null;
}

export interface DataFingerprint {
  /** The path as the config gives it, relative to the config's folder. */
  path: string;
  sha256: string;
  bytes: number;
}

export const RECORD_FILES = {
  step: 'metrics.jsonl', eval: 'metrics.jsonl', gradflow: 'gradflow.jsonl', gates: 'gates.jsonl', alignment: 'attention.jsonl',
  selfattention: 'selfattention.jsonl',
} as const;
export const TASK_FILE = 'tasks.jsonl';

/** How long a record may wait in memory before it is appended to its file. */
export const RECORD_FLUSH_MS = 200;

/** The record files, each once. */
const recordFiles = (): string[] => [...new Set([...Object.values(RECORD_FILES), TASK_FILE])];

/** Byte length of each record file at a moment (stored with each checkpoint, so a resume cuts back exactly there). */
export type RecordSizes = Record<string, number>;

export class RunDir {
  /**
   * Lines not yet appended, by file. A fast run makes thousands of records a second; one append (and one file-change
   * event for every watcher, the editor's included) per record would load the whole machine, so they go out in
   * batches. summary.json is never written ahead of the records it counts: summary() flushes first.
   */
  private readonly pending = new Map<string, string>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** The write that failed (a full disk): nothing more is appended, and the next record raises it in the run. */
  private failure: Error | null = null;

  constructor(readonly dir: string) {}

  get checkpoints(): string { return join(this.dir, 'checkpoints'); }

  /** Creates the checkpoints folder (the run folder itself is claimed by claimRunDir). */
  create(): void {
    mkdirSync(this.checkpoints, { recursive: true });
  }

  writeJson(name: string, value: unknown): void {
    writeFileAtomic(join(this.dir, name), JSON.stringify(value, null, 2) + '\n');
  }

  append(record: RunRecord): void {
    this.queue(RECORD_FILES[record.kind], JSON.stringify(record) + '\n');
  }

  appendTask(record: TaskRecord): void {
    this.queue(TASK_FILE, JSON.stringify(record) + '\n');
  }

  private queue(file: string, line: string): void {
    if (this.failure) throw this.failure;
    this.pending.set(file, (this.pending.get(file) ?? '') + line);
    if (!this.flushTimer) {
      // A failure here is kept in this.failure and raised by the next record, inside the training loop.
      this.flushTimer = setTimeout(() => { try { this.flush(); } catch { /* kept */ } }, RECORD_FLUSH_MS);
      this.flushTimer.unref?.();
    }
  }

  /** Appends every waiting line to its file; after a failed write, raises that failure again. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.failure) throw this.failure;
    try {
      for (const [file, text] of this.pending) {
        appendWhole(join(this.dir, file), text);
        this.pending.delete(file);
      }
    } catch (e) {
      this.failure = e as Error;
      this.pending.clear();
      throw e;
    }
  }

  /** Writes summary.json after the records it counts; after a failed append, without them (they are lost). */
  summary(s: RunSummary): void {
    if (!this.failure) this.flush();
    this.writeJson('summary.json', s);
  }

  /** Creates the record files empty so readers find them from the start. */
  touchRecordFiles(): void {
    for (const f of recordFiles()) {
      if (!existsSync(join(this.dir, f))) writeFileSync(join(this.dir, f), '');
    }
  }

  /** The current length of every record file (call after flush()). */
  recordSizes(): RecordSizes {
    return Object.fromEntries(recordFiles().map((f) => [f, existsSync(join(this.dir, f)) ? statSync(join(this.dir, f)).size : 0]));
  }

  /**
   * Cuts the record files back to what they held when a checkpoint was written. Without sizes (a checkpoint of an
   * older version) or for a file shorter than its size, records after `step` and any half-written line are dropped.
   */
  truncateTo(sizes: RecordSizes | null, step: number): void {
    for (const f of recordFiles()) {
      const file = join(this.dir, f);
      if (!existsSync(file)) continue;
      const size = sizes?.[f];
      if (typeof size === 'number' && size <= statSync(file).size) truncateSync(file, size);
      else truncateSync(file, wholeRecordsUpTo(readFileSync(file, 'utf8'), step));
    }
  }
}

/** Bytes of `text` holding whole JSON lines of records up to `step`. */
function wholeRecordsUpTo(text: string, step: number): number {
  let keep = 0;
  for (const line of text.split('\n')) {
    const end = keep + Buffer.byteLength(line) + 1;
    if (end > Buffer.byteLength(text)) break; // no newline: a partial line
    try {
      const r = JSON.parse(line) as { step?: number };
      if ((r.step ?? 0) > step) break;
    } catch {
      break;
    }
    keep = end;
  }
  return keep;
}

/**
 * Claims a new run folder by exclusive creation, so two processes starting at the same moment never share one.
 * Without `outDir` the folder is <runsDir>/<baseId>, or <baseId>-2, -3… when taken. With `outDir`, its checkpoints
 * folder is the claim: a folder that has one already holds a run (or a start of one) and is refused.
 */
export function claimRunDir(target: { runsDir: string; baseId: string } | { outDir: string }): { dir: string; runId: string } {
  if ('outDir' in target) {
    const dir = target.outDir;
    mkdirSync(dir, { recursive: true });
    if (!mkdirExclusive(join(dir, 'checkpoints'))) {
      const why = existsSync(join(dir, 'run.json'))
        ? 'this run folder already holds a run; use --resume to continue it or choose another --out'
        : 'this folder holds the start of another run (a checkpoints folder but no run.json yet); choose another --out, or delete it if that run was killed';
      throw new InputError([fileDiagnostic(dir, why)]);
    }
    return { dir, runId: dir.split(/[\\/]/).pop()! };
  }
  mkdirSync(target.runsDir, { recursive: true });
  for (let k = 1; ; k++) {
    const runId = k === 1 ? target.baseId : `${target.baseId}-${k}`;
    if (mkdirExclusive(join(target.runsDir, runId))) return { dir: join(target.runsDir, runId), runId };
  }
}

/** True when this call created the folder, false when it existed. */
function mkdirExclusive(dir: string): boolean {
  try {
    mkdirSync(dir);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** Reads a JSONL file, skipping a half-written last line. */
export function readJsonl<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  const out: T[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try { out.push(JSON.parse(line) as T); } catch { break; }
  }
  return out;
}

export interface CheckpointFiles { label: string; params: string; state: string }

/** The two files of checkpoint `label` of a run. */
export function checkpointPair(dir: string, label: string): CheckpointFiles {
  const cp = join(dir, 'checkpoints');
  return { label, params: join(cp, `${label}.safetensors`), state: join(cp, `${label}.state.safetensors`) };
}

/** Checkpoint steps present in a run, newest first ("final" counts with the step in its metadata; "best" is apart). */
export function checkpointFiles(dir: string): CheckpointFiles[] {
  const cp = join(dir, 'checkpoints');
  if (!existsSync(cp)) return [];
  const files = readdirSync(cp);
  const labels = files.filter((f) => /^(step-\d+|final)\.safetensors$/.test(f)).map((f) => f.replace('.safetensors', ''));
  const order = (l: string) => (l === 'final' ? Infinity : Number(l.slice(5)));
  return labels.sort((a, b) => order(b) - order(a)).map((label) => checkpointPair(dir, label));
}

/** A sortable, readable, unique-enough id: 20261122-021530-adding-cell=gru. */
export function makeRunId(name: string, label: string, now = new Date()): string {
  const ts = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const safe = (s: string) => s.replace(/[^A-Za-z0-9=,._-]/g, '_');
  return [ts, safe(name), label ? safe(label) : ''].filter(Boolean).join('-');
}
