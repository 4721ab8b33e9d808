// The exit-code contract: 0 done, 1 training failed, 2 bad input (at file:line:column where there is one), 130 stopped;
// never a stack trace, for the inputs and accidents that used to print one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FULL_DISK_PRELOAD, type FullDiskOptions } from '../helpers/fullDisk';
import { tempWorkspace } from '../helpers/workspace';
import { cli } from './helpers';

const STACK = /^\s+at .*:\d+:\d+\)?$/m;
const small = (extra: object = {}) => ({
  data: { source: 'adding', length: 6, trainSize: 32, validationSize: 8 },
  model: { cell: 'gru', hiddenSize: 4 },
  train: { steps: 6, batchSize: 8, evalEvery: 3, checkpointEvery: 2 },
  instrumentation: { gradFlowEvery: 0, gatesEvery: 0 },
  ...extra,
});
const fullDisk = (o: FullDiskOptions) => ({ node: ['--require', FULL_DISK_PRELOAD], env: { SEQLAB_TEST_FULL_DISK: JSON.stringify(o) } });

test('a config nested 100,000 levels deep: exit 2 at the line and column, no stack overflow', () => {
  const dir = tempWorkspace({ 'c.seqlab.json': `{\n  "name": "deep",\n  "description": ${'['.repeat(100_000)}${']'.repeat(100_000)}\n}\n` });
  for (const cmd of ['validate', 'run']) {
    const r = cli([cmd, 'c.seqlab.json'], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /c\.seqlab\.json:3:81: error: the JSON nests deeper than 64 levels here/);
    assert.doesNotMatch(r.stderr, STACK);
  }
});

test('a model too large for the machine: validate and run exit 2 naming model.hiddenSize and the estimate', () => {
  const dir = tempWorkspace({ 'c.seqlab.json': small({ model: { cell: 'lstm', hiddenSize: 100000 } }) });
  for (const cmd of ['validate', 'run']) {
    const r = cli([cmd, 'c.seqlab.json'], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /c\.seqlab\.json:1:\d+: error: model\.hiddenSize: training this model needs about [\d.]+ GB \(parameters 160 GB, .*\), more than a run may use on this machine/);
    assert.doesNotMatch(r.stderr, STACK);
  }
});

test('a sweep of a million runs: validate exits 2 at once', () => {
  const values = Array.from({ length: 10 }, (_, i) => i + 2); // each value valid, so only the count is wrong
  const sweep = Object.fromEntries(['model.hiddenSize', 'train.batchSize', 'train.steps', 'seed', 'data.length', 'data.trainSize'].map((k) => [k, values]));
  const dir = tempWorkspace({ 'c.seqlab.json': small({ sweep }) });
  const t0 = Date.now();
  const r = cli(['validate', 'c.seqlab.json'], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /error: sweep: the sweep expands to 1,000,000 runs/);
  assert.ok(Date.now() - t0 < 10_000, `${Date.now() - t0} ms`); // it grew to 4.7 GB over 146 s
});

test('a full disk during training: exit 1 with the file, the reason and the checkpoint kept; before the run folder is written: exit 1 too', () => {
  const dir = tempWorkspace({ 'c.seqlab.json': small() });
  const r = cli(['run', 'c.seqlab.json', '--out', 'run'], dir, fullDisk({ match: 'step-4\\.', bytes: 100 }));
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /failed: cannot write .*step-4\.safetensors: no space left on device \(ENOSPC\); the newest complete checkpoint is step-2\. Once there is room, continue with: seqlab run --resume /);
  assert.doesNotMatch(r.stderr, STACK);
  const resumed = cli(['run', '--resume', 'run'], dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming run from step 2/);

  const early = cli(['run', 'c.seqlab.json', '--out', 'run2'], dir, fullDisk({ match: 'config\\.json', bytes: 10 }));
  assert.equal(early.code, 1, early.stderr);
  assert.match(early.stderr, /^seqlab: cannot write .*run2\/config\.json: no space left on device \(ENOSPC\)$/m);
  assert.doesNotMatch(early.stderr, STACK);
});

test('resuming after the data changed: exit 2 naming the file; --allow-changed-data goes on', () => {
  const rows = (k: number) => Array.from({ length: 30 }, (_, i) => JSON.stringify({ x: [[i / 30], [k]], y: [i / 30] })).join('\n') + '\n';
  const dir = tempWorkspace({
    'd.jsonl': rows(1),
    'c.seqlab.json': small({ data: { source: 'jsonl', path: 'd.jsonl', validation: 0.2 }, train: { steps: 4, batchSize: 8, checkpointEvery: 2 } }),
  });
  assert.equal(cli(['run', 'c.seqlab.json', '--out', 'run'], dir).code, 0);
  // Make the run resumable again: a shorter stored run that has not reached its end.
  truncateSync(join(dir, 'run/checkpoints/final.safetensors'), 0);
  writeFileSync(join(dir, 'd.jsonl'), rows(2));
  const r = cli(['run', '--resume', 'run'], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /d\.jsonl:1:1: error: data file "d\.jsonl" changed since this run started .*resume anyway with --allow-changed-data/);
  const ok = cli(['run', '--resume', 'run', '--allow-changed-data'], dir);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /warning: .*d\.jsonl: data file "d\.jsonl" changed/);
});

test('run A --resume <a run of B> exits 2 naming the difference; run B --resume <it> resumes', () => {
  const dir = tempWorkspace({ 'a.seqlab.json': small({ seed: 1 }), 'b.seqlab.json': small({ seed: 2 }) });
  assert.equal(cli(['run', 'b.seqlab.json', '--out', 'run'], dir).code, 0);
  truncateSync(join(dir, 'run/checkpoints/final.safetensors'), 0);
  const r = cli(['run', 'a.seqlab.json', '--resume', 'run'], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /a\.seqlab\.json:1:\d+: error: seed: the run folder .*run was not started from this config \(its run\.json names b\.seqlab\.json\): seed is 1 here but 2 in the run/);
  const ok = cli(['run', 'b.seqlab.json', '--resume', 'run'], dir);
  assert.equal(ok.code, 0, ok.stderr);
});

test('predict on a damaged checkpoint uses the one before it with a warning; with none usable it exits 2', () => {
  const rows = Array.from({ length: 24 }, (_, i) => JSON.stringify({ x: [[i / 24], [1]], y: [i / 24] })).join('\n') + '\n';
  const dir = tempWorkspace({
    'd.jsonl': rows, 'new.jsonl': '{"x": [[0.5], [1]]}\n',
    'c.seqlab.json': small({ data: { source: 'jsonl', path: 'd.jsonl', validation: 0.25 } }),
  });
  assert.equal(cli(['run', 'c.seqlab.json', '--out', 'run'], dir).code, 0);
  const final = join(dir, 'run/checkpoints/final.safetensors');
  truncateSync(final, statSync(final).size - 4);
  const p = cli(['predict', 'run', 'new.jsonl'], dir);
  assert.equal(p.code, 0, p.stderr);
  assert.equal(p.stdout.trim().split('\n').length, 1);
  assert.match(p.stderr, /warning: checkpoint final cannot be used: .*truncated.*\ninfo: using checkpoint step-6 \(step 6\) of /);
  const best = cli(['predict', 'run', 'new.jsonl', '--checkpoint', 'best'], dir);
  assert.equal(best.code, 0, best.stderr);
  assert.match(best.stderr, /^info: using checkpoint best \(step \d, validation loss [\d.e-]+\) of /m);
  const bad = cli(['predict', 'run', 'new.jsonl', '--checkpoint', 'newest'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--checkpoint must be "latest" or "best", got "newest"/);
  for (const f of readdirSync(join(dir, 'run/checkpoints'))) writeFileSync(join(dir, 'run/checkpoints', f), '');
  const none = cli(['predict', 'run', 'new.jsonl'], dir);
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /run:1:1: error: the run has no usable checkpoint/);
  assert.doesNotMatch(none.stderr, STACK);
});

test('a damaged run.json: report exits 2 naming it; runs lists the other runs', () => {
  const dir = tempWorkspace({ 'c.seqlab.json': small({ train: { steps: 2, batchSize: 8 } }) });
  assert.equal(cli(['run', 'c.seqlab.json'], dir).code, 0);
  assert.equal(cli(['run', 'c.seqlab.json'], dir).code, 0);
  const [first, second] = readdirSync(join(dir, '.seqlab/runs')).filter((f) => !f.endsWith('.html')).sort();
  writeFileSync(join(dir, '.seqlab/runs', first, 'run.json'), '{"runId": ');
  const r = cli(['report', join('.seqlab/runs', first)], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /run\.json:1:1: error: not readable as JSON: /);
  assert.doesNotMatch(r.stderr, STACK);
  const list = cli(['runs'], dir);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`${second}\\s+completed`));
  // Names can share a prefix (a second run in the same second gets "-2"), so match whole names.
  assert.doesNotMatch(list.stdout, new RegExp(`/${first}\\s`));
});

test('a run whose data sits outside its config\'s folder resumes and predicts with the same --workspace, and only with it', () => {
  const rows = Array.from({ length: 24 }, (_, i) => JSON.stringify({ x: [[i / 24], [1]], y: [i / 24] })).join('\n') + '\n';
  const dir = tempWorkspace({
    'data/d.jsonl': rows, 'new.jsonl': '{"x": [[0.5], [1]]}\n',
    'exp/c.seqlab.json': small({ data: { source: 'jsonl', path: '../data/d.jsonl', validation: 0.25 } }),
  });
  assert.equal(cli(['run', 'exp/c.seqlab.json', '--workspace', '.'], dir).code, 0);
  const [runId] = readdirSync(join(dir, 'exp/.seqlab/runs')).filter((f) => !f.endsWith('.html'));
  const runDir = join('exp/.seqlab/runs', runId);
  const without = cli(['predict', runDir, 'new.jsonl'], dir);
  assert.equal(without.code, 2, without.stderr);
  assert.match(without.stderr, /error: data\.path: "\.\.\/data\/d\.jsonl" points outside the workspace/);
  const p = cli(['predict', runDir, 'new.jsonl', '--workspace', '.'], dir);
  assert.equal(p.code, 0, p.stderr);
  truncateSync(join(dir, runDir, 'checkpoints/final.safetensors'), 0);
  const r = cli(['run', '--resume', runDir, '--workspace', '.'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /resuming .* from step 6/);
});
