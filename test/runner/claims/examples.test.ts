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

const claims = findClaims(examples).flatMap((f) => (f.kind === 'claim' ? [f.claim] : []));
const results = new Map<string, Promise<ClaimResult>>();

/** The claim's quick runs, judged; run once per claim however many tests look at them. */
function resultOf(name: string): Promise<ClaimResult> {
  const claim = claims.find((c) => c.name === name)!;
  if (!results.has(name)) results.set(name, runClaim(claim, { quick: true, workspace: examples, out }));
  return results.get(name)!;
}

for (const claim of claims) {
  test(`${claim.name}: ${claim.spec.claim}`, async () => {
    const result = await resultOf(claim.name);
    assert.ok(result.holds, explain(result));
    const swap = SWAP[claim.name];
    assert.ok(swap, `${claim.name}: add to SWAP above the setting whose swap must break the claim`);
    const broken = { ...result, ...judge(claim, swapped(result.runs, swap.path, swap.values)) };
    assert.equal(broken.holds, false, `with ${swap.path} swapped the claim still holds:\n${explain(broken)}`);
  });
}

test('gru-vs-lstm: "similar" fails when the GRU does only as well as the trivial baselines (unigram text, persistence)', async () => {
  const result = await resultOf('gru-vs-lstm');
  const trivial = result.runs.map((r) => {
    if (r.exp.config.model.cell !== 'gru') return r;
    const m = r.summary.metrics;
    const metrics = m.baselineCrossEntropy === undefined ? m : { ...m, perplexity: Math.exp(m.baselineCrossEntropy) };
    return { ...r, summary: { ...r.summary, finalValLoss: m.baselineMse ?? m.baselineCrossEntropy, metrics } };
  });
  const similar = judge(result.claim, trivial).outcomes.filter((o) => o.check.vs !== null && o.check.above !== null);
  assert.deepEqual(similar.map((o) => o.check.label), ['text: perplexity, GRU ÷ LSTM', 'sines: validation loss, GRU ÷ LSTM']);
  for (const o of similar) assert.equal(o.holds, false, `${o.check.label}: ${o.value}`);
});
