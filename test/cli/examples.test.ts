// Every example config stays valid against the schema and its data (full training checks: `seqlab claims examples`
// for the claims, the slow script examples/check-examples.ts for the others).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cli } from './helpers';

const examples = resolve(__dirname, '../../examples');
const configs = readdirSync(examples, { withFileTypes: true }).filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(examples, d.name)).filter((f) => f.endsWith('.seqlab.json')).map((f) => join(d.name, f)));

test('there are examples of forecasting and anomaly detection, sentiment, sequence labeling, text generation, translation, long dependencies, and one per claim', () => {
  assert.deepEqual(configs.map((c) => c.split('/')[0]).sort(), [
    'airline-passengers', 'airline-passengers', 'bidirectional', 'exploding-gradients', 'gru-vs-lstm', 'gru-vs-lstm', 'initialization', 'initialization',
    'layer-normalization', 'long-dependencies', 'sentiment', 'sequence-labeling', 'skip-connections', 'text-generation', 'translation', 'translation', 'translation', 'truncated-bptt', 'vanishing-gradients',
  ]);
});

for (const c of configs) {
  test(`seqlab validate examples/${c}`, () => {
    const r = cli(['validate', c], examples);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /: ok — \d+ run\(s\)/);
    assert.equal(r.stderr, ''); // no warnings either
  });
}
