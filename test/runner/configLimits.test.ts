// Configs a careless or hostile user might write: nested past any sense, sweeps too large to expand, sweeps into fields
// left to their defaults, and runs folders that lead outside the workspace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expandSweep, parseConfig } from '../../src/runner/config/load';
import { MAX_SWEEP_RUNS } from '../../src/runner/config/schema';
import { formatDiagnostic, InputError } from '../../src/runner/diagnostics';
import { loadExperiments } from '../../src/runner/experiment';
import { tooDeepAt } from '../../src/runner/jsonDepth';
import { tempDir, tempWorkspace } from '../helpers/workspace';

test('a config nested 100,000 levels deep is an error at the first level too deep, not a stack overflow', () => {
  const text = `{\n  "description": ${'['.repeat(100_000)}${']'.repeat(100_000)}\n}`;
  const r = parseConfig('/w/deep.seqlab.json', text);
  assert.equal(r.config, null);
  assert.deepEqual(r.diagnostics.map(formatDiagnostic), ['/w/deep.seqlab.json:2:81: error: the JSON nests deeper than 64 levels here; a config needs a few']);
});

test('the depth guard skips brackets inside strings and comments, and finds them in a JSON line', () => {
  assert.equal(tooDeepAt(`{"a": "${'['.repeat(100)}" /* ${'{'.repeat(100)} */ // ${'['.repeat(100)}\n}`), -1);
  assert.equal(tooDeepAt('{"x": "\\"[[[", "y": [[[1]]]}', 3), 22);
  assert.equal(tooDeepAt(`{"x": ${'['.repeat(65)}1${']'.repeat(65)}}`), 69);
});

test('a sweep of a million combinations is refused at once, before any is expanded', () => {
  const values = Array.from({ length: 10 }, (_, i) => i + 2); // each value valid, so only the count is wrong
  const sweep = Object.fromEntries(['model.hiddenSize', 'train.batchSize', 'train.steps', 'seed', 'data.length', 'data.trainSize'].map((k) => [k, values]));
  const t0 = performance.now();
  const r = parseConfig('/w/big.seqlab.json', JSON.stringify({ sweep }, null, 2));
  assert.ok(performance.now() - t0 < 2000, `${performance.now() - t0} ms`); // expanding took minutes
  assert.equal(r.config, null);
  assert.deepEqual(r.diagnostics.map(formatDiagnostic),
    [`/w/big.seqlab.json:2:3: error: sweep: the sweep expands to 1,000,000 runs (10 × 10 × 10 × 10 × 10 × 10); at most ${MAX_SWEEP_RUNS} are allowed`]);
  const ok = parseConfig('/w/ok.seqlab.json', JSON.stringify({ sweep: { seed: Array.from({ length: MAX_SWEEP_RUNS }, (_, i) => i) } }));
  assert.deepEqual(ok.diagnostics, []);
});

test('sweeping train.optimizer.lr works when the optimizer is left to its default', () => {
  const r = parseConfig('/w/lr.seqlab.json', JSON.stringify({ sweep: { 'train.optimizer.lr': [0.1, 0.01] } }));
  assert.deepEqual(r.diagnostics, []);
  const runs = expandSweep(r.source, r.config!);
  assert.deepEqual(runs.map((x) => x.config.train.optimizer), [
    { type: 'adam', lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
    { type: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
  ]);
  const kinds = parseConfig('/w/k.seqlab.json', JSON.stringify({ sweep: { 'train.optimizer.type': ['sgd', 'rmsprop'], 'train.optimizer.lr': [0.5] } }));
  assert.deepEqual(kinds.diagnostics, []);
  assert.deepEqual(expandSweep(kinds.source, kinds.config!).map((x) => x.config.train.optimizer), [
    { type: 'sgd', lr: 0.5, momentum: 0, nesterov: false, dampening: 0, weightDecay: 0 },
    { type: 'rmsprop', lr: 0.5, alpha: 0.99, eps: 1e-8, momentum: 0, centered: false, weightDecay: 0 },
  ], 'a swept kind gets its own defaults');
});

test('output.runsDir stays inside the workspace: "../outside", absolute paths and symlinks out are refused at the field', () => {
  const outside = tempDir('seqlab-outside-');
  const base = { data: { source: 'adding', length: 4, trainSize: 8, validationSize: 2 } };
  const dir = tempWorkspace({
    'up.seqlab.json': { ...base, output: { runsDir: '../outside' } },
    'abs.seqlab.json': { ...base, output: { runsDir: outside } },
    'link.seqlab.json': { ...base, output: { runsDir: 'linked/runs' } },
    'ok.seqlab.json': { ...base, output: { runsDir: 'runs/here' } },
  });
  symlinkSync(outside, join(dir, 'linked'));
  const error = (file: string) => {
    try {
      loadExperiments(join(dir, file));
    } catch (e) {
      assert.ok(e instanceof InputError);
      return e.diagnostics.map(formatDiagnostic).join('\n');
    }
    return 'no error';
  };
  assert.match(error('up.seqlab.json'), /up\.seqlab\.json:\d+:\d+: error: output\.runsDir: "\.\.\/outside" points outside the workspace/);
  assert.match(error('abs.seqlab.json'), /abs\.seqlab\.json:\d+:\d+: error: output\.runsDir: ".*" is an absolute path; it must be relative to the config file/);
  assert.match(error('link.seqlab.json'), /link\.seqlab\.json:\d+:\d+: error: output\.runsDir: "linked\/runs" leads through a symlink outside the workspace \(to .*seqlab-outside-/);
  mkdirSync(join(dir, 'runs'));
  assert.equal(loadExperiments(join(dir, 'ok.seqlab.json'))[0].runsDir, join(dir, 'runs/here'));
});
