// `seqlab export`: a config becomes a PyTorch folder whose train.py run `seqlab runs` lists and `seqlab report`
// renders; a config with errors fails as `seqlab run` fails; a run becomes ONNX; --init carries a checkpoint over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors } from '../../src/runner/safetensors';
import { newestRun, PYTHON, requireTorch, runIn } from '../helpers/pytorchExport';
import { tempWorkspace } from '../helpers/workspace';
import { cli } from './helpers';

const CONFIG = {
  data: { source: 'parity', length: 4, trainSize: 12, validationSize: 4 },
  model: { cell: 'gru', hiddenSize: 4 },
  train: { steps: 3, batchSize: 4, evalEvery: 3 },
  instrumentation: { gradFlowEvery: 1, gatesEvery: 3 },
};

test('export writes <config>-pytorch; its train.py run is listed by `seqlab runs` and rendered by `seqlab report`', () => {
  requireTorch();
  const dir = tempWorkspace({ 'par.seqlab.json': CONFIG });
  const out = cli(['export', 'par.seqlab.json'], dir);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /^par-pytorch: 7 files; train with: cd par-pytorch && python3 train.py/);
  const exported = join(dir, 'par-pytorch');
  for (const f of ['train.py', 'model.py', 'init.safetensors', 'seqlab-export.json', 'README.md', 'data/train-00000.safetensors']) {
    assert.ok(existsSync(join(exported, f)), f);
  }
  runIn(exported, PYTHON, ['train.py', '--device', 'cpu']);
  const runDir = newestRun(join(exported, '.seqlab', 'runs'));
  const runId = runDir.split('/').pop()!;
  const list = cli(['runs'], dir);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`${runId}\\s+completed\\s+steps 3\\s+loss \\d.*pytorch/cpu float32`));
  const report = cli(['report', runDir, '--out', 'torch.html'], dir);
  assert.equal(report.code, 0, report.stderr);
  const html = readFileSync(join(dir, 'torch.html'), 'utf8');
  assert.match(html, /^<!doctype html>/i);
  assert.ok(html.includes(runId) && html.includes('gradflow') && html.includes('confusion'), 'the report embeds the run and its records');
});

test('exporting a config with errors prints the same file:line:column errors as `seqlab run` and writes nothing', () => {
  const dir = tempWorkspace({ 'bad.seqlab.json': '{\n  "model": { "cell": "lstn" },\n  "train": { "steps": 0 }\n}\n' });
  const run = cli(['run', 'bad.seqlab.json'], dir);
  const exp = cli(['export', 'bad.seqlab.json', '--out', 'out'], dir);
  assert.equal(run.code, 2);
  assert.equal(exp.code, 2);
  assert.match(exp.stderr, /bad\.seqlab\.json:2:\d+: error: model\.cell/);
  assert.match(exp.stderr, /bad\.seqlab\.json:3:\d+: error: train\.steps/);
  assert.equal(exp.stderr, run.stderr);
  assert.equal(existsSync(join(dir, 'out')), false);
});

test('a run exports to ONNX; as a PyTorch source it points to --init, which carries its weights into init.safetensors', () => {
  const dir = tempWorkspace({ 'par.seqlab.json': CONFIG });
  assert.equal(cli(['run', 'par.seqlab.json'], dir).code, 0);
  const runDir = join(dir, '.seqlab/runs', readdirSync(join(dir, '.seqlab/runs'))[0]);
  const onnx = cli(['export', runDir, '--format', 'onnx', '--out', 'm.onnx'], dir);
  assert.equal(onnx.code, 0, onnx.stderr);
  const bytes = readFileSync(join(dir, 'm.onnx'));
  assert.ok(bytes.length > 500 && bytes.includes(Buffer.from('GRU')) && bytes.includes(Buffer.from('seqlab')));
  const wrong = cli(['export', runDir], dir);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /is a run folder: export its config with --init .*final\.safetensors/);
  const final = join(runDir, 'checkpoints', 'final.safetensors');
  const carried = cli(['export', 'par.seqlab.json', '--out', 'cont', '--init', final], dir);
  assert.equal(carried.code, 0, carried.stderr);
  const a = readSafetensors(final).tensors, b = readSafetensors(join(dir, 'cont', 'init.safetensors')).tensors;
  for (const [k, t] of Object.entries(a)) assert.deepEqual(Array.from(b[k].data), Array.from(t.data), k);
  const badFormat = cli(['export', 'par.seqlab.json', '--format', 'tflite'], dir);
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.stderr, /--format must be pytorch or onnx, got tflite/);
});
