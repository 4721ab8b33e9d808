// Judging and printing claims, on runs whose records are written out here: medians over seeds, ratios and
// differences, a failed run's NaN that never holds, reported-only checks, and the table's rows and closing count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readClaim, type Claim } from '../../../src/runner/claims/claimFile';
import type { MeasuredRun } from '../../../src/runner/claims/measures';
import { claimsTable } from '../../../src/runner/claims/table';
import { judge } from '../../../src/runner/claims/verdict';
import type { RunSummary } from '../../../src/runner/events';
import { tempWorkspace } from '../../helpers/workspace';

function claimWith(checks: object[]): Claim {
  const dir = tempWorkspace({ 'x.seqlab.json': {}, 'claim.json': { claim: 'Gates help', experiments: ['x.seqlab.json'], checks } });
  return readClaim(join(dir, 'claim.json'));
}

/** A finished run of cell `cell` with final validation loss `valLoss` (null: it failed) and a gradient profile. */
function run(claim: Claim, cell: string, valLoss: number | null, flow = [1e-9, 1]): MeasuredRun {
  const summary = { status: valLoss === null ? 'failed' : 'completed', finalValLoss: valLoss, metrics: { baselineMse: 0.16 } } as unknown as RunSummary;
  return {
    exp: { configFile: claim.configs[0], config: { model: { cell } } } as unknown as MeasuredRun['exp'],
    runDir: '', summary, steps: [], evals: [], gradFlow: [{ kind: 'gradflow', step: 10, norms: flow }],
  };
}

test('a check takes the median over the runs it picks and compares it with its threshold', () => {
  const claim = claimWith([{ measure: 'valLoss', of: { 'model.cell': 'lstm' }, below: 0.05 }]);
  const seeds = (...v: number[]) => v.map((x) => run(claim, 'lstm', x));
  assert.equal(judge(claim, seeds(0.01, 0.04, 0.9)).holds, true); // median 0.04: one bad seed does not decide
  assert.equal(judge(claim, seeds(0.01, 0.06, 0.9)).holds, false);
  assert.equal(judge(claim, seeds(0.01, 0.04, 0.9)).outcomes[0].value, 0.04);
});

test('ratios and differences against other runs; a failed run is NaN and never holds either way', () => {
  const claim = claimWith([
    { measure: 'gradFlowStart', of: { 'model.cell': 'lstm' }, vs: { 'model.cell': 'rnn' }, above: 1e3 },
    { measure: 'valLoss', of: { 'model.cell': 'rnn' }, vs: { 'model.cell': 'lstm' }, compare: 'difference', above: 0.1 },
  ]);
  const runs = [run(claim, 'rnn', 0.16, [1e-9, 1]), run(claim, 'lstm', 0.01, [1e-2, 1])];
  const v = judge(claim, runs);
  assert.deepEqual(v.outcomes.map((o) => o.holds), [true, true]);
  assert.ok(Math.abs(v.outcomes[0].value - 1e7) < 1 && Math.abs(v.outcomes[1].value - 0.15) < 1e-12);
  const failed = judge(claim, [run(claim, 'rnn', null), run(claim, 'lstm', 0.01, [1e-2, 1])]);
  assert.ok(Number.isNaN(failed.outcomes[1].value));
  assert.equal(failed.outcomes[1].holds, false);
  const inverted = claimWith([{ measure: 'valLoss', of: { 'model.cell': 'rnn' }, below: 1 }]);
  assert.equal(judge(inverted, [run(inverted, 'rnn', null)]).holds, false);
});

test('a check without thresholds is reported and does not decide the claim', () => {
  const claim = claimWith([{ measure: 'valLoss', of: { 'model.cell': 'rnn' } }, { measure: 'valLoss', below: 1 }]);
  const v = judge(claim, [run(claim, 'rnn', 5)]);
  assert.deepEqual(v.outcomes.map((o) => o.holds), [null, false]);
  assert.equal(judge(claim, [run(claim, 'rnn', 0.5)]).holds, true);
});

test('the table has a row per check under its claim, pending claims, and the count of claims that hold', () => {
  const claim = claimWith([
    { label: 'LSTM vs RNN flow', measure: 'gradFlowStart', of: { 'model.cell': 'lstm' }, vs: { 'model.cell': 'rnn' }, above: 1e3 },
    { measure: 'valLoss', of: { 'model.cell': 'rnn' }, below: 0.1 },
    { measure: 'valLoss', of: { 'model.cell': 'lstm' } },
  ]);
  const runs = [run(claim, 'rnn', 0.16), run(claim, 'lstm', 0.01, [1e-2, 1])];
  const table = claimsTable([
    { kind: 'result', result: { claim, runs, ...judge(claim, runs) } },
    { kind: 'pending', pending: { folder: 'translation', quote: 'Long-term dependencies: "attention mechanisms"', reason: 'added by its own example (translation/)' } },
  ]);
  const lines = table.split('\n');
  assert.match(lines[0], /^CLAIM\s+EXPERIMENT\s+MEASURED OUTCOME\s+HOLDS$/);
  assert.match(lines[1], /^1\. Gates help \(\S+\/\)\s+x cell=lstm vs cell=rnn\s+LSTM vs RNN flow: 1\.0e\+7 \(needs > 1000\)\s+yes$/);
  assert.match(lines[2], /^\s+x cell=rnn\s+final validation loss: 0\.16 \(needs < 0\.1\)\s+NO$/);
  assert.match(lines[3], /^\s+x cell=lstm\s+final validation loss: 0\.01\s+\(reported\)$/);
  assert.match(lines[4], /^2\. Long-term dependencies: "attention\s+—\s+pending: added by its own example \(translation\/\)\s+—$/);
  assert.equal(lines[lines.length - 1], '0 of 1 claim(s) hold; 1 pending (translation).');
});
