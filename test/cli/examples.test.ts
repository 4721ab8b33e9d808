// Every example config stays valid against the schema and its data (full training checks are the slow scripts
// examples/vanishing-gradients/check.ts and examples/check-examples.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cli } from './helpers';

const examples = resolve(__dirname, '../../examples');
const configs = readdirSync(examples, { withFileTypes: true }).filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(examples, d.name)).filter((f) => f.endsWith('.seqlab.json')).map((f) => join(d.name, f)));

test('there are examples of forecasting and anomaly detection, sentiment, sequence labeling, text generation, translation and vanishing gradients', () => {
  assert.deepEqual(configs.map((c) => c.split('/')[0]).sort(),
    ['airline-passengers', 'airline-passengers', 'sentiment', 'sequence-labeling', 'text-generation', 'translation', 'translation', 'translation', 'vanishing-gradients']);
});

for (const c of configs) {
  test(`seqlab validate examples/${c}`, () => {
    const r = cli(['validate', c], examples);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /: ok — \d+ run\(s\)/);
    assert.equal(r.stderr, ''); // no warnings either
  });
}
