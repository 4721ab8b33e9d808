// The Transformer model's behaviour beyond its gradients: masks (padding, causal), evaluation in parts, probes,
// positions, truncated BPTT refused, and the sequences longer than its learned positions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sliceBatch } from '../../../src/engine/batch';
import { makeBatch, makeTransformer, makeTransformerSpec } from '../helpers/models';

test('padding: a sequence\'s outputs do not depend on what lies past its length, or on other sequences', () => {
  const spec = makeTransformerSpec({ numLayers: 2, head: { output: 'all' }, options: { activation: 'gelu', normFirst: true } });
  const model = makeTransformer(spec);
  const batch = makeBatch(spec, 'mse', 3, 6, 5, [6, 3, 4]);
  const before = model.predict(batch).data.slice();
  const x = batch.x!;
  for (let t = 3; t < 6; t++) for (let j = 0; j < spec.inputSize; j++) x[(1 * 6 + t) * spec.inputSize + j] = 100 + t; // sequence 1's padding
  const after = model.predict(batch).data;
  for (let t = 0; t < 3; t++) for (let k = 0; k < 2; k++) assert.equal(after[(6 + t) * 2 + k], before[(6 + t) * 2 + k], `sequence 1, step ${t}`);
  for (const b of [0, 2]) for (let i = 0; i < 12; i++) assert.equal(after[b * 12 + i], before[b * 12 + i], `sequence ${b}`);
});

test('causal: with per-step targets, changing step t changes no output before t; without the mask it does', () => {
  for (const causal of [true, false]) {
    const spec = makeTransformerSpec({ head: { output: 'all' }, options: { causal, activation: 'gelu' } });
    const model = makeTransformer(spec);
    const batch = makeBatch(spec, 'mse', 1, 5);
    const before = model.predict(batch).data.slice();
    batch.x![3 * spec.inputSize] += 1;
    const after = model.predict(batch).data;
    const earlier = Array.from({ length: 6 }, (_, i) => after[i] - before[i]);
    if (causal) assert.deepEqual(earlier, [0, 0, 0, 0, 0, 0]);
    else assert.ok(earlier.some((v) => Math.abs(v) > 1e-6));
    assert.ok(Math.abs(after[6] - before[6]) > 1e-6, 'step 3 itself changes');
  }
});

test('a large batch is evaluated and predicted in parts, with the same loss and predictions as whole', () => {
  const spec = makeTransformerSpec({ head: { output: 'attention' }, options: { heads: 2 } });
  const model = makeTransformer(spec);
  // 2^22 / (2 heads · 150²) = 93 sequences per part: 100 sequences make two parts.
  const batch = makeBatch(spec, 'mse', 100, 150, 3, Array.from({ length: 100 }, (_, b) => 150 - (b % 7) * 20));
  const whole = model.forwardBackward(batch, 'mse', { train: false, tbptt: null }).loss;
  assert.ok(Math.abs(model.evaluate(batch, 'mse') - whole) < 1e-12 * whole);
  const all = model.predict(batch);
  assert.deepEqual(all.shape, [100, 2]);
  for (const b of [0, 92, 93, 99]) {
    const one = model.predict(sliceBatch(batch, b, b + 1)).data;
    assert.ok(Math.abs(one[0] - all.data[2 * b]) < 1e-12 && Math.abs(one[1] - all.data[2 * b + 1]) < 1e-12, `sequence ${b}`);
  }
});

test('probe: attention maps per sequence and layer, each head\'s rows summing to 1 over the valid (and, when causal, earlier) keys', () => {
  const spec = makeTransformerSpec({ numLayers: 2, head: { output: 'all' }, options: { causal: true } });
  const model = makeTransformer(spec);
  const res = model.probe(makeBatch(spec, 'mse', 2, 5, 5, [5, 3]));
  assert.deepEqual(res.traces, []);
  assert.deepEqual(res.attention!.map((a) => [a.sequence, a.layer, a.T, a.weights.length]), [[0, 0, 5, 2], [0, 1, 5, 2], [1, 0, 3, 2], [1, 1, 3, 2]]);
  for (const a of res.attention!)
    for (const w of a.weights)
      for (let i = 0; i < a.T; i++) {
        const row = w.slice(i * a.T, (i + 1) * a.T);
        assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-12);
        assert.ok(row.slice(i + 1).every((v) => v === 0));
      }
});

test('positions matter: permuting the input steps changes the prediction (sinusoidal and learned)', () => {
  for (const positional of ['sinusoidal', 'learned'] as const) {
    const spec = makeTransformerSpec({ options: { positional, activation: 'gelu' } });
    const model = makeTransformer(spec);
    const batch = makeBatch(spec, 'mse', 1, 4);
    const a = model.predict(batch).data.slice();
    const x = batch.x!, I = spec.inputSize;
    const first = x.slice(0, I);
    x.copyWithin(0, I, 2 * I);
    x.set(first, I);
    const b = model.predict(batch).data;
    assert.ok(Math.abs(a[0] - b[0]) > 1e-6, `${positional}: order of steps 0 and 1 made no difference`);
  }
});

test('truncated BPTT and sequences longer than the learned positions are refused, naming why', () => {
  const spec = makeTransformerSpec({ options: { positional: 'learned', maxLength: 4 } });
  const model = makeTransformer(spec);
  assert.throws(() => model.forwardBackward(makeBatch(spec, 'mse', 2, 4), 'mse', { train: true, tbptt: 2 }), /truncated BPTT has no meaning for the Transformer/);
  assert.throws(() => model.predict(makeBatch(spec, 'mse', 2, 5)), /5 steps exceed the 4 positions the model learned \(pos_embedding\.weight, maxLength\)/);
  assert.doesNotThrow(() => model.forwardBackward(makeBatch(spec, 'mse', 2, 4), 'mse', { train: true, tbptt: 4 }));
});
