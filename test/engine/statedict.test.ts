import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportParams, importParams, type NamedParam } from '../../src/engine/statedict';

function model(): NamedParam[] {
  return [
    { name: 'rnn.weight_ih_l0', shape: [3, 2], value: Float64Array.of(1, 2, 3, 4, 5, 6) },
    { name: 'head.bias', shape: [1], value: Float32Array.of(0.5) },
  ];
}

test('export then import round-trips names, shapes and values', () => {
  const exported = exportParams(model());
  assert.deepEqual(Object.keys(exported), ['rnn.weight_ih_l0', 'head.bias']);
  assert.deepEqual(exported['rnn.weight_ih_l0'].shape, [3, 2]);
  assert.ok(exported['head.bias'].data instanceof Float32Array);
  const target = model();
  target.forEach((p) => p.value.fill(0));
  importParams(target, exported);
  assert.deepEqual(Array.from(target[0].value), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(target[1].value), [0.5]);
});

test('"native" export keeps float64 parameters exact (bit-exact float64 checkpoints)', () => {
  const ps = [{ name: 'w', shape: [2], value: Float64Array.of(0.1, 1 / 3) }];
  const exported = exportParams(ps, 'native');
  assert.ok(exported.w.data instanceof Float64Array);
  assert.deepEqual(Array.from(exported.w.data), [0.1, 1 / 3]);
  assert.notEqual(exportParams(ps).w.data[0], 0.1, 'the default float32 export rounds');
  ps[0].value[0] = 5;
  assert.equal(exported.w.data[0], 0.1, 'a copy, not a view');
});

test('exported tensors are copies, not views of the live parameters', () => {
  const ps = model();
  const exported = exportParams(ps);
  ps[0].value[0] = 42;
  assert.equal(exported['rnn.weight_ih_l0'].data[0], 1);
});

test('missing and unexpected names are listed', () => {
  const { 'head.bias': _dropped, ...rest } = exportParams(model());
  assert.throws(() => importParams(model(), rest), /missing head\.bias/);
  assert.throws(() => importParams(model(), { ...exportParams(model()), 'rnn.extra': { shape: [1], data: [0] } }), /unexpected rnn\.extra/);
});

test('a shape mismatch names the tensor and both shapes, and leaves the model untouched', () => {
  const target = model();
  const bad = {
    'rnn.weight_ih_l0': { shape: [2, 3], data: [9, 9, 9, 9, 9, 9] },
    'head.bias': { shape: [1], data: [7] },
  };
  assert.throws(() => importParams(target, bad), /rnn\.weight_ih_l0 has shape \[2, 3\] but the model expects \[3, 2\]/);
  assert.deepEqual(Array.from(target[1].value), [0.5]);
  assert.throws(() => importParams(model(), { ...exportParams(model()), 'head.bias': { shape: [1], data: [1, 2] } }), /head\.bias has 2 values/);
});
