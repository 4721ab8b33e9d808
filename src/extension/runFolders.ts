// Reading run folders (.seqlab/runs/<id>/) for the tree and for dashboard snapshots. Read-only and tolerant: a run
// being written, or a folder that is not a run, must never break the tree.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord, RunSummary } from '../runner/events';
import type { RunSnapshot, TaskRecord } from '../shared/protocol';
import type { RunEntry } from './treeModel';

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Complete lines of a JSONL file; a trailing partial line (being written) is skipped. */
function readJsonl<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  const out: T[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try { out.push(JSON.parse(line) as T); } catch { /* partial last line */ }
  }
  return out;
}

export function readSummary(dir: string): RunSummary | null {
  const s = readJson(join(dir, 'summary.json'));
  return s && typeof s === 'object' && 'status' in s ? (s as RunSummary) : null;
}

/** The config file a run was started from, when the run folder records it (config.json's "$source"). */
function configFileOf(dir: string): string | null {
  const c = readJson(join(dir, 'config.json'));
  if (c && typeof c === 'object' && typeof (c as Record<string, unknown>).$source === 'string') {
    return (c as Record<string, string>).$source;
  }
  return null;
}

/** Every run folder in `runsDir`: a sub-folder with a summary.json or a metrics.jsonl. */
export function scanRuns(runsDir: string): RunEntry[] {
  let names: string[];
  try { names = readdirSync(runsDir); } catch { return []; }
  const out: RunEntry[] = [];
  for (const runId of names) {
    const dir = join(runsDir, runId);
    try { if (!statSync(dir).isDirectory()) continue; } catch { continue; }
    if (!existsSync(join(dir, 'summary.json')) && !existsSync(join(dir, 'metrics.jsonl'))) continue;
    out.push({ runId, dir, summary: readSummary(dir), configFile: configFileOf(dir) });
  }
  return out;
}

/** Everything a dashboard needs, read from disk. */
export function readSnapshot(runId: string, dir: string): RunSnapshot {
  const records: RunRecord[] = [
    ...readJsonl<RunRecord>(join(dir, 'metrics.jsonl')),
    ...readJsonl<RunRecord>(join(dir, 'gradflow.jsonl')),
    ...readJsonl<RunRecord>(join(dir, 'gates.jsonl')),
  ];
  return {
    runId,
    config: readJson(join(dir, 'config.json')),
    summary: readSummary(dir),
    records,
    taskRecords: readJsonl<TaskRecord>(join(dir, 'tasks.jsonl')),
  };
}
