// Loads the recorded run folders in test/fixtures/runs (written by makeFixtures.ts and makeSeq2SeqFixture.ts) as
// dashboard snapshots.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord, RunSnapshot, RunSummary, TaskRecord } from '../../src/shared/protocol';

export const fixturesDir = join(import.meta.dirname, '..', 'fixtures', 'runs');

function jsonl<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);
}

export function loadFixtureRun(id: string): RunSnapshot {
  const dir = join(fixturesDir, id);
  const records = [
    ...jsonl<RunRecord>(join(dir, 'metrics.jsonl')),
    ...jsonl<RunRecord>(join(dir, 'gradflow.jsonl')),
    ...jsonl<RunRecord>(join(dir, 'gates.jsonl')),
    ...jsonl<RunRecord>(join(dir, 'attention.jsonl')),
    ...jsonl<RunRecord>(join(dir, 'selfattention.jsonl')),
  ];
  return {
    runId: id,
    config: JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as unknown,
    summary: JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary,
    records,
    taskRecords: jsonl<TaskRecord>(join(dir, 'tasks.jsonl')),
  };
}
