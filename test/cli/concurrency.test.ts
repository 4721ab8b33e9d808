// Many `seqlab run`s of one config started at the same moment (two editor windows, a sweep and a terminal…).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunSummary } from '../../src/runner/events';
import { tempWorkspace } from '../helpers/workspace';
import { CLI } from './helpers';

const SAME_SECOND = resolve(__dirname, '../helpers/sameSecond.cjs');

function start(dir: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--require', SAME_SECOND, CLI, 'run', 'c.seqlab.json'],
    { cwd: dir, env: { ...process.env, SEQLAB_TEST_NOW: '2026-01-02T03:04:05.000Z' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((r) => child.on('exit', (code) => r({ code, stderr })));
}

test('8 processes starting the same config in the same second get 8 run folders, each holding one run once', async () => {
  const dir = tempWorkspace({
    'c.seqlab.json': {
      name: 'same',
      data: { source: 'adding', length: 6, trainSize: 16, validationSize: 4 },
      model: { cell: 'rnn', hiddenSize: 3 },
      train: { steps: 20, batchSize: 8, evalEvery: 10, checkpointEvery: 5 },
      instrumentation: { gradFlowEvery: 0, gatesEvery: 0 },
    },
  });
  const results = await Promise.all(Array.from({ length: 8 }, () => start(dir)));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const folders = readdirSync(join(dir, '.seqlab/runs')).filter((f) => !f.endsWith('.html')).sort();
  const base = '20260102-030405-same';
  assert.deepEqual(folders, [base, ...[2, 3, 4, 5, 6, 7, 8].map((k) => `${base}-${k}`)].sort());
  for (const f of folders) {
    const runDir = join(dir, '.seqlab/runs', f);
    const lines = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; step: number });
    assert.deepEqual(lines.filter((l) => l.kind === 'step').map((l) => l.step), Array.from({ length: 20 }, (_, i) => i + 1), f);
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as RunSummary;
    assert.deepEqual([summary.runId, summary.status, summary.steps], [f, 'completed', 20]);
  }
});
