// `seqlab claims`: the table on stdout, exit code 0 when every claim holds and 1 when one does not, runs where --out
// says, and a claim file with a mistake stopped at its line and column (exit 2) before anything trains, as is a folder
// without claims.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempWorkspace } from '../helpers/workspace';
import { cli } from './helpers';

const tiny = {
  seed: 1,
  data: { source: 'adding', length: 6, trainSize: 64, validationSize: 32 },
  model: { cell: 'rnn', hiddenSize: 4 },
  train: { steps: 12, batchSize: 16, evalEvery: 6, checkpointEvery: 0 },
  instrumentation: { gradFlowEvery: 3, gatesEvery: 0 },
  sweep: { 'model.cell': ['rnn', 'gru'] },
};

function workspace(checks: object[], claimText?: string) {
  return tempWorkspace({
    'mine/tiny.seqlab.json': tiny,
    'mine/claim.json': claimText ?? { claim: 'Tiny models train', experiments: ['tiny.seqlab.json'], quick: { 'train.steps': 4 }, checks },
  });
}

test('every claim holding: the table, pending catalog claims, exit code 0, runs under --out', () => {
  const dir = workspace([{ label: 'GRU parameters ÷ RNN', measure: 'params', of: { 'model.cell': 'gru' }, vs: { 'model.cell': 'rnn' }, above: 2 }]);
  const r = cli(['claims', '--quick', '--out', 'runs', '.'], dir);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^CLAIM\s+EXPERIMENT\s+MEASURED OUTCOME\s+HOLDS$/m);
  assert.match(r.stdout, /Tiny models train \(mine\/\)\s+tiny cell=gru vs cell=rnn\s+GRU parameters ÷ RNN: 2\.\d+ \(needs > 2\)\s+yes/);
  assert.match(r.stdout, /pending: added by its own example \(vanishing-gradients\/\)/);
  assert.match(r.stdout, /^1 of 1 claim\(s\) hold; 10 pending \(vanishing-gradients, .*long-dependencies\)\.$/m);
  assert.match(r.stderr, /mine: tiny\.seqlab\.json \[cell=gru\]: completed, 4 steps in/);
  assert.ok(existsSync(join(dir, 'runs/mine/tiny/cell=gru/summary.json')));
});

test('a claim that does not hold: NO in its row and exit code 1', () => {
  const dir = workspace([{ measure: 'params', of: { 'model.cell': 'gru' }, vs: { 'model.cell': 'rnn' }, below: 1 }]);
  const r = cli(['claims', join(dir, 'mine'), '--quick'], dir);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /parameters, ratio: 2\.\d+ \(needs < 1\)\s+NO$/m);
  assert.match(r.stdout, /^0 of 1 claim\(s\) hold\.$/m);
  assert.ok(existsSync(join(dir, 'mine/.seqlab/runs')), 'without --out the runs go where `seqlab run` puts them');
});

test('a claim file with a mistake: file:line:column, exit code 2, nothing trained', () => {
  const dir = workspace([], '{\n  "claim": "x",\n  "experiments": ["tiny.seqlab.json"],\n  "checks": [{ "measure": "valLos" }]\n}\n');
  const r = cli(['claims', '--out', 'runs'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /mine\/claim\.json:4:27: error: checks\[0\]\.measure: expected one of .*did you mean "valLoss"\?/);
  assert.ok(!existsSync(join(dir, 'runs')));
  const empty = cli(['claims'], tempWorkspace({ 'notes/': '' }));
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /^seqlab: no claim\.json in \. or the folders in it$/m);
  assert.match(cli(['claims', '--help'], dir).stdout, /Usage: seqlab claims \[folder \.\.\.\] \[--quick\] \[--out <dir>\]/);
});
