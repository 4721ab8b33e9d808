// Every claim of the model documents that has its example, run in its shortened version ("quick": the same configs,
// fewer steps) and held to the thresholds of its claim.json, so an engine change that breaks a lesson fails here.
// Each test also shows its checks can fail: judged on the same runs with the compared values swapped (the cells, the
// clipping, the init...), the claim must not hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { JsonValue } from '../../../src/runner/config/dsl';
import { findClaims } from '../../../src/runner/claims/catalog';
import type { MeasuredRun } from '../../../src/runner/claims/measures';
import { runClaim, type ClaimResult } from '../../../src/runner/claims/runClaims';
import { claimsTable } from '../../../src/runner/claims/table';
import { judge, valueAt } from '../../../src/runner/claims/verdict';
import { tempDir } from '../../helpers/workspace';

const examples = resolve(__dirname, '../../../examples');
const out = tempDir('seqlab-claims-');

/** The config value whose two settings each claim compares; swapping them must break the claim. */
const SWAP: Record<string, { path: string; values: [JsonValue, JsonValue] }> = {
  'vanishing-gradients': { path: 'model.cell', values: ['rnn', 'lstm'] },
  'exploding-gradients': { path: 'train.clip.maxNorm', values: [null, 1] },
  initialization: { path: 'train.init.scheme', values: ['pytorch', 'identity'] },
  'skip-connections': { path: 'model.residual', values: [false, true] },
  'layer-normalization': { path: 'model.layerNorm', values: [false, true] },
  'truncated-bptt': { path: 'train.bptt.k', values: [100, 10] },
  'gru-vs-lstm': { path: 'model.cell', values: ['gru', 'lstm'] },
  bidirectional: { path: 'model.bidirectional', values: [false, true] },
};

function swapped(runs: MeasuredRun[], path: string, [a, b]: [JsonValue, JsonValue]): MeasuredRun[] {
  return runs.map((r) => {
    const v = JSON.stringify(valueAt(r.exp.config, path));
    const to = v === JSON.stringify(a) ? b : v === JSON.stringify(b) ? a : undefined;
    if (to === undefined) return r;
    const config = structuredClone(r.exp.config) as unknown as Record<string, Record<string, unknown>>;
    const parts = path.split('.');
    const parent = parts.slice(0, -1).reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, config);
    parent[parts[parts.length - 1]] = to;
    return { ...r, exp: { ...r.exp, config: config as unknown as MeasuredRun['exp']['config'] } };
  });
}

function explain(r: ClaimResult): string {
  return claimsTable([{ kind: 'result', result: r }]);
}

for (const found of findClaims(examples)) {
  if (found.kind === 'pending') continue;
  const { claim } = found;
  test(`${claim.name}: ${claim.spec.claim}`, async () => {
    const result = await runClaim(claim, { quick: true, workspace: examples, out });
    assert.ok(result.holds, explain(result));
    const swap = SWAP[claim.name];
    assert.ok(swap, `${claim.name} has no swap that should break it`);
    const broken = { ...result, ...judge(claim, swapped(result.runs, swap.path, swap.values)) };
    assert.equal(broken.holds, false, `with ${swap.path} swapped the claim still holds:\n${explain(broken)}`);
  });
}

test('the similar-performance checks of gru-vs-lstm fail against a GRU judged at its first evaluation', async () => {
  // Run the claim's text experiment alone again would cost minutes; its quick runs are cheap enough to repeat once.
  const found = findClaims(resolve(examples, 'gru-vs-lstm'))[0];
  assert.equal(found.kind, 'claim');
  if (found.kind !== 'claim') return;
  const result = await runClaim(found.claim, { quick: true, workspace: examples, out: tempDir('seqlab-claims-') });
  const early = result.runs.map((r) => (r.exp.config.model.cell !== 'gru' ? r : {
    ...r, summary: { ...r.summary, finalValLoss: r.evals[0].valLoss, metrics: r.evals[0].metrics },
  }));
  const outcomes = judge(found.claim, early).outcomes.filter((o) => o.check.vs !== null && o.check.above !== null);
  assert.equal(outcomes.length, 2);
  for (const o of outcomes) assert.equal(o.holds, false, `${o.check.label}: ${o.value}`);
});
