import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamCursor } from '../../../src/extension/views/streamCursor';
import type { RunRecord } from '../../../src/runner/events';

const step = (n: number): RunRecord => ({ kind: 'step', step: n, loss: 1 / n, gradNorm: 1, gradNormClipped: 1, paramGradNorms: {}, lr: 0.1, time: n, stepsPerSec: 10 });
const gates = (n: number, probe: number): RunRecord => ({ kind: 'gates', step: n, probe, layer: 0, direction: 'forward', cell: 'gru', T: 1, H: 1, values: {} });

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
