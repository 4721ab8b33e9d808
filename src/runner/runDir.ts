// The files of one run folder, written so that a run killed at any moment leaves readable, resumable files:
// JSONL lines are appended whole (in batches, at most RECORD_FLUSH_MS late), and summary, run info and checkpoints are
// replaced atomically.
//
//   config.json        the resolved config (every default filled in, sweep expanded to this run's values)
//   run.json           RunInfo: what the run needs besides the config (vocabulary, labels, normalization, specs)
//   metrics.jsonl      StepRecord and EvalRecord lines          gradflow.jsonl  GradFlowRecord lines
//   gates.jsonl        GateRecord lines                         tasks.jsonl     TaskRecord lines (samples, forecasts…)
//   attention.jsonl    AlignmentRecord lines (sequence-to-sequence runs)
//   summary.json       RunSummary
//   checkpoints/step-<n>.safetensors (+ step-<n>.state.safetensors), final.safetensors (+ final.state.safetensors)
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSpec, TrainSpec } from '../engine/spec';
import type { RunRecord, RunSummary, TaskRecord } from './events';
import type { JsonValue } from './config/dsl';
import { writeFileAtomic } from './safetensors';
import type { Input, Normalization, Target } from './data/types';

export interface RunInfo {
  runId: string;
  name: string;
  configFile: string;
  workspace: string;
  assignment: Record<string, JsonValue>;
  model: ModelSpec;
  train: TrainSpec;
  input: Input;
  target: Target;
  oneHot: boolean;
  normalization: Normalization | null;
  /** Index of the probe sequences in the validation set (or training set when there is none). */
  probes: number[];
}

export const RECORD_FILES = {
  step: 'metrics.jsonl', eval: 'metrics.jsonl', gradflow: 'gradflow.jsonl', gates: 'gates.jsonl', alignment: 'attention.jsonl',
} as const;
export const TASK_FILE = 'tasks.jsonl';

/** How long a record may wait in memory before it is appended to its file. */
export const RECORD_FLUSH_MS = 200;

export class RunDir {
  /**
   * Lines not yet appended, by file. A fast run makes thousands of records a second; one append (and one file-change
   * event for every watcher, the editor's included) per record would load the whole machine, so they go out in
   * batches. summary.json is never written ahead of the records it counts: summary() flushes first.
   */
  private readonly pending = new Map<string, string>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly dir: string) {}

  get checkpoints(): string { return join(this.dir, 'checkpoints'); }

  create(): void {
    mkdirSync(this.checkpoints, { recursive: true });
  }

  writeJson(name: string, value: unknown): void {
    writeFileAtomic(join(this.dir, name), JSON.stringify(value, null, 2) + '\n');
  }

  readJson<T>(name: string): T {
    return JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as T;
  }

  append(record: RunRecord): void {
    this.queue(RECORD_FILES[record.kind], JSON.stringify(record) + '\n');
  }

  appendTask(record: TaskRecord): void {
    this.queue(TASK_FILE, JSON.stringify(record) + '\n');
  }

  private queue(file: string, line: string): void {
    this.pending.set(file, (this.pending.get(file) ?? '') + line);
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), RECORD_FLUSH_MS);
      this.flushTimer.unref?.();
    }
  }

  /** Appends every waiting line to its file. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    for (const [file, text] of this.pending) appendFileSync(join(this.dir, file), text);
    this.pending.clear();
  }

  summary(s: RunSummary): void {
    this.flush();
    this.writeJson('summary.json', s);
  }

  /** Creates the record files empty so readers find them from the start. */
  touchRecordFiles(): void {
    for (const f of new Set([...Object.values(RECORD_FILES), TASK_FILE])) {
      if (!existsSync(join(this.dir, f))) writeFileSync(join(this.dir, f), '');
    }
  }

  /** Drops records after `step` (and any half-written last line), so a resumed run continues cleanly. */
  truncateAfter(step: number): void {
    for (const f of new Set([...Object.values(RECORD_FILES), TASK_FILE])) {
      const file = join(this.dir, f);
      if (!existsSync(file)) continue;
      const text = readFileSync(file, 'utf8');
      let keep = 0;
      let at = 0;
      for (const line of text.split('\n')) {
        const end = at + Buffer.byteLength(line) + 1;
        if (end > Buffer.byteLength(text)) break; // no newline: a partial line
        try {
          const r = JSON.parse(line) as { step?: number };
          if ((r.step ?? 0) > step) break;
        } catch {
          break;
        }
        keep = end;
        at = end;
      }
      truncateSync(file, keep);
    }
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

/** Checkpoint steps present in a run, newest first ("final" counts with the step in its metadata). */
export function checkpointFiles(dir: string): { params: string; state: string; label: string }[] {
  const cp = join(dir, 'checkpoints');
  if (!existsSync(cp)) return [];
  const files = readdirSync(cp);
  const labels = files.filter((f) => /^(step-\d+|final)\.safetensors$/.test(f)).map((f) => f.replace('.safetensors', ''));
  const order = (l: string) => (l === 'final' ? Infinity : Number(l.slice(5)));
  return labels.sort((a, b) => order(b) - order(a))
    .map((label) => ({ label, params: join(cp, `${label}.safetensors`), state: join(cp, `${label}.state.safetensors`) }));
}

/** A sortable, readable, unique-enough id: 20261122-021530-adding-cell=gru. */
export function makeRunId(name: string, label: string, now = new Date()): string {
  const ts = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const safe = (s: string) => s.replace(/[^A-Za-z0-9=,._-]/g, '_');
  return [ts, safe(name), label ? safe(label) : ''].filter(Boolean).join('-');
}
