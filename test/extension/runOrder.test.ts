import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byNewest } from '../../src/extension/runOrder';
import type { RunEntry } from '../../src/extension/treeModel';

const run = (runId: string, startedAt: string | null): Pick<RunEntry, 'runId' | 'summary'> => ({
  runId, summary: startedAt === null ? null : { startedAt } as RunEntry['summary'],
});

test('runs sort newest first by start time, then by id; runs without a summary go last; the input is not changed', () => {
  const runs = [
    run('a', '2026-01-01T10:00:00.000Z'),
    run('none', null),
    run('c', '2026-01-02T09:00:00.000Z'),
    run('b2', '2026-01-01T10:00:00.000Z'),
    run('b1', '2026-01-01T10:00:00.000Z'),
  ];
  const before = runs.map((r) => r.runId);
  assert.deepEqual(byNewest(runs).map((r) => r.runId), ['c', 'b2', 'b1', 'a', 'none']);
  assert.deepEqual(runs.map((r) => r.runId), before);
});
