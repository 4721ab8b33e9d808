// Reading run folders (.seqlab/runs/<id>/, layout in src/runner/runDir.ts) for the tree and for dashboard
// snapshots. Read-only and tolerant: a run being written, or a folder that is not a run, must never break the tree.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord, RunSummary } from '../runner/events';
import { readJsonl, RECORD_FILES, TASK_FILE, type RunInfo } from '../runner/runDir';
import type { RunSnapshot, TaskRecord } from '../shared/protocol';
import type { RunEntry } from './treeModel';

function readJson<T>(file: string): T | null {
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

/** Every run folder in `runsDir`: a sub-folder with a summary.json or a run.json. */
export function scanRuns(runsDir: string): RunEntry[] {
  let names: string[];
  try { names = readdirSync(runsDir); } catch { return []; }
  const out: RunEntry[] = [];
  for (const runId of names) {
    const dir = join(runsDir, runId);
    try { if (!statSync(dir).isDirectory()) continue; } catch { continue; }
    if (!existsSync(join(dir, 'summary.json')) && !existsSync(join(dir, 'run.json'))) continue;
    const info = readJson<Partial<RunInfo>>(join(dir, 'run.json'));
    out.push({ runId, dir, summary: readSummary(dir), configFile: typeof info?.configFile === 'string' ? info.configFile : null });
  }
  return out;
}

/** Everything a dashboard needs, read from disk. */
export function readSnapshot(runId: string, dir: string): RunSnapshot {
  const recordFiles = [...new Set(Object.values(RECORD_FILES))];
  return {
    runId,
    config: readJson<unknown>(join(dir, 'config.json')),
    summary: readSummary(dir),
    records: recordFiles.flatMap((f) => readJsonl<RunRecord>(join(dir, f))),
    taskRecords: readJsonl<TaskRecord>(join(dir, TASK_FILE)),
  };
}
