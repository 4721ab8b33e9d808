// Reading a run folder back as a dashboard snapshot: what the extension's panels and the offline report both draw.
// Tolerant by design: a run still being written, or a half-written line, must never break a reader.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LossInfo, RunRecord, RunSnapshot, RunSummary, TaskRecord } from './events';
import { readJsonl, RECORD_FILES, TASK_FILE, type RunInfo } from './runDir';

/** Parsed JSON of a file, or null when it is missing or (being) half-written. */
export function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

export function readSummary(dir: string): RunSummary | null {
  const s = readJson<RunSummary>(join(dir, 'summary.json'));
  return s && typeof s === 'object' && typeof s.status === 'string' ? s : null;
}

/** Everything a dashboard needs, read from disk. */
/** What run.json says the losses are measured in; null when it does not say (missing, damaged, or older). */
export function lossInfoOf(info: Partial<RunInfo> | null): LossInfo | null {
  const loss = info?.train?.loss;
  return loss ? { loss, normalized: info?.normalization != null } : null;
}

export function readSnapshot(runId: string, dir: string): RunSnapshot {
  const recordFiles = [...new Set(Object.values(RECORD_FILES))];
  return {
    runId,
    config: readJson<unknown>(join(dir, 'config.json')),
    lossInfo: lossInfoOf(readJson<Partial<RunInfo>>(join(dir, 'run.json'))),
    summary: readSummary(dir),
    records: recordFiles.flatMap((f) => readJsonl<RunRecord>(join(dir, f))),
    taskRecords: readJsonl<TaskRecord>(join(dir, TASK_FILE)),
  };
}
