import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamCursor } from '../../../src/extension/views/streamCursor';
import { gateRecord as gates, stepRecord as step } from '../../helpers/records';

test('records already in the snapshot are not appended again', () => {
  const c = new StreamCursor();
  c.seen([step(1), step(2), step(3)]);
  assert.deepEqual(c.fresh([step(3), step(4), step(5)]).map((r) => r.step), [4, 5]);
  assert.deepEqual(c.fresh([step(5), step(6)]).map((r) => r.step), [6]);
});

test('gate records of different probes at the same step all pass', () => {
  const c = new StreamCursor();
  c.seen([step(10)]);
  assert.deepEqual(c.fresh([gates(10, 0), gates(10, 1), gates(10, 0)]).map((r) => r.kind === 'gates' && r.probe), [0, 1]);
});

test('alignment records of different probes at the same step all pass', () => {
  const c = new StreamCursor();
  const a = (s: number, probe: number) => ({ kind: 'alignment' as const, step: s, probe, source: ['a'], target: ['a'], weights: [[1]] });
  c.seen([a(10, 0)]);
  assert.deepEqual(c.fresh([a(10, 0), a(20, 0), a(20, 1), a(20, 1)]).map((r) => r.kind === 'alignment' && `${r.step}:${r.probe}`), ['20:0', '20:1']);
});

test('attention maps of every probe and layer at the same step all pass, once', () => {
  const c = new StreamCursor();
  const map = (step: number, probe: number, layer: number) => ({ kind: 'selfattention' as const, step, probe, layer, T: 1, weights: [[1]] });
  c.seen([map(0, 0, 0)]);
  const fresh = c.fresh([map(0, 0, 0), map(0, 0, 1), map(0, 1, 0), map(0, 1, 1), map(4, 0, 0), map(4, 0, 0)]);
  assert.deepEqual(fresh.map((r) => r.kind === 'selfattention' && [r.step, r.probe, r.layer]), [[0, 0, 1], [0, 1, 0], [0, 1, 1], [4, 0, 0]]);
});
