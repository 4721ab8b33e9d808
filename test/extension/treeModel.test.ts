import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTree, runLabel, runNode, runsOf, type ConfigEntry, type RunEntry } from '../../src/extension/treeModel';
import type { RunSummary } from '../../src/runner/events';

function summary(over: Partial<RunSummary>): RunSummary {
  return { runId: 'r', name: 'adding', status: 'completed', steps: 100, finalLoss: 0.01234567, finalValLoss: null,
    metrics: {}, wallTimeSec: 12.34, backend: 'reference/float32', startedAt: '2026-01-01T00:00:00Z', endedAt: null, ...over };
}

const adding: ConfigEntry = { file: '/ws/adding.seqlab.json', name: 'adding', runsDir: '/ws/.seqlab/runs' };
const copy: ConfigEntry = { file: '/ws/copy.seqlab.json', name: 'copy', runsDir: '/ws/.seqlab/runs' };

function run(id: string, s: Partial<RunSummary> | null, configFile: string | null = null, lossInfo: RunEntry['lossInfo'] = null): RunEntry {
  return { runId: id, dir: `/ws/.seqlab/runs/${id}`, summary: s ? summary({ runId: id, ...s }) : null, configFile, lossInfo };
}

test('a run shows its final loss and duration, and a status icon', () => {
  const n = runNode(run('r1', { finalLoss: 0.01234567, wallTimeSec: 12.34 }));
  assert.equal(n.description, 'loss 0.01235 · 12s');
  assert.equal(n.icon, 'pass');
  const failed = runNode(run('r2', { status: 'failed', reason: 'NaN loss at step 7', finalLoss: null, wallTimeSec: 3 }));
  assert.equal(failed.icon, 'error');
  assert.equal(failed.description, '3.0s · failed');
  assert.match(failed.tooltip, /NaN loss at step 7/);
  assert.equal(runNode(run('r3', { status: 'running' })).icon, 'sync~spin');
  assert.equal(runNode(run('r4', { status: 'stopped' })).icon, 'debug-stop');
  assert.equal(runNode(run('r5', null)).description, 'no summary');
});

test('a run\'s tooltip says what its loss is measured in, when run.json says', () => {
  assert.match(runNode(run('csv', {}, null, { loss: 'mse', normalized: true })).tooltip, /\nloss in squared normalized units \(target columns z-scored/);
  assert.match(runNode(run('txt', {}, null, { loss: 'cross_entropy', normalized: false })).tooltip, /\nloss in nats per prediction/);
  assert.doesNotMatch(runNode(run('old', {})).tooltip, /loss in/);
});

test('runs group under their config, newest first; unknown ones under "Other runs"', () => {
  const runs = [
    run('a1', { name: 'adding', startedAt: '2026-01-01T00:00:00Z' }),
    run('a2', { name: 'adding', startedAt: '2026-01-02T00:00:00Z' }),
    run('c1', { name: 'copy' }),
    run('x1', { name: 'deleted-experiment' }),
    run('f1', { name: 'renamed' }, '/ws/copy.seqlab.json'),
  ];
  const tree = buildTree([copy, adding], runs);
  assert.deepEqual(tree.map((e) => [e.label, e.runs.map((r) => r.run.runId)]),
    [['adding', ['a2', 'a1']], ['copy', ['f1', 'c1']], ['Other runs', ['x1']]]);
  assert.deepEqual(runsOf(adding, [adding, copy], runs).map((r) => r.runId), ['a2', 'a1']);
});

test('run labels are the local start time and what sets the run apart, not the repeated experiment name', () => {
  process.env.TZ = 'UTC';
  assert.equal(runLabel('20261122-023351-adding', 'adding'), '11-22 02:33:51');
  assert.equal(runLabel('20261122-023351-adding-cell=gru,hiddenSize=64', 'adding'), '11-22 02:33:51 cell=gru,hiddenSize=64');
  assert.equal(runLabel('20261122-023351-my_exp', 'my exp'), '11-22 02:33:51');
  assert.equal(runLabel('hand-made-run', 'adding'), 'hand-made-run');
});
