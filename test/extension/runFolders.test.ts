import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadExperiments } from '../../src/runner/experiment';
import { startRun } from '../../src/runner/run';
import { scanRuns } from '../../src/extension/runFolders';
import { readSnapshot } from '../../src/runner/snapshot';
import { buildTree } from '../../src/extension/treeModel';
import { configEntry } from '../../src/extension/configEntry';
import { tempWorkspace } from '../helpers/workspace';

const CONFIG = JSON.stringify({
  name: 'mini',
  data: { source: 'sine', length: 6, trainSize: 16, validationSize: 4 },
  model: { cell: 'rnn', hiddenSize: 4 },
  train: { steps: 4, batchSize: 8, evalEvery: 2, checkpointEvery: 0 },
  instrumentation: { gradFlowEvery: 2, gatesEvery: 0 },
});

test('a run folder written by the runner becomes a tree node with status, loss and duration', async () => {
  const ws = tempWorkspace({ 'mini.seqlab.json': CONFIG });
  const file = join(ws, 'mini.seqlab.json');
  const [exp] = loadExperiments(file, { workspace: ws });
  const { summary, runDir } = await startRun(exp);

  const runs = scanRuns(join(ws, '.seqlab', 'runs'));
  assert.equal(runs.length, 1);
  assert.equal(runs[0].dir, runDir);
  assert.equal(runs[0].configFile, file, 'run.json records the config it came from');
  assert.deepEqual(runs[0].lossInfo, { loss: exp.train.loss, normalized: false }, 'run.json says what the loss is measured in');

  const tree = buildTree([configEntry(file, CONFIG)], runs);
  assert.equal(tree.length, 1);
  assert.equal(tree[0].label, 'mini');
  const [node] = tree[0].runs;
  assert.equal(node.icon, 'pass');
  assert.match(node.description, new RegExp(`^loss ${summary.finalLoss!.toPrecision(4).replace('.', '\\.')} · \\d`));

  const snap = readSnapshot(runs[0].runId, runDir);
  assert.equal(snap.summary?.status, 'completed');
  assert.deepEqual(snap.lossInfo, runs[0].lossInfo, 'the dashboard gets the same');
  assert.deepEqual(snap.records.filter((r) => r.kind === 'step').map((r) => r.step), [1, 2, 3, 4]);
  assert.ok(snap.records.some((r) => r.kind === 'eval'), 'eval records are in the snapshot');
  assert.ok(snap.records.some((r) => r.kind === 'gradflow'), 'gradient-flow records are in the snapshot');
});

test('folders that are not runs, and a run without summary yet, do not break the scan', () => {
  const runsDir = tempWorkspace({
    'notes/': '',
    'starting/run.json': '{"configFile": "/ws/a.seqlab.json"}',
    'broken/summary.json': '{ half written',
  });
  const runs = scanRuns(runsDir).sort((a, b) => a.runId.localeCompare(b.runId));
  assert.deepEqual(runs.map((r) => [r.runId, r.summary, r.configFile]), [['broken', null, null], ['starting', null, '/ws/a.seqlab.json']]);
});

test('a config with errors still names its experiment by file and uses the default runs folder', () => {
  const e = configEntry('/ws/sub/adding.seqlab.json', '{ "model": { "cell": "lstmm" } }');
  assert.deepEqual(e, { file: '/ws/sub/adding.seqlab.json', name: 'adding', runsDir: '/ws/sub/.seqlab/runs' });
  assert.equal(configEntry('/ws/a.seqlab.json', '{ "name": "x", "output": { "runsDir": "out/runs" } }').runsDir, '/ws/out/runs');
});
