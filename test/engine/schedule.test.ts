import { test } from 'node:test';
import assert from 'node:assert/strict';
import { learningRate } from '../../src/engine/schedule';
import type { ScheduleSpec } from '../../src/engine/spec';
import { assertClose, loadFixtures } from './helpers/golden';

interface ScheduleFixture {
  name: string;
  schedule: ScheduleSpec;
  baseLr: number;
  lrs: number[];
}

for (const f of loadFixtures<ScheduleFixture>('schedule_')) {
  test(`${f.name} matches torch.optim.lr_scheduler for ${f.lrs.length} updates`, () => {
    const ours = f.lrs.map((_, step) => learningRate(f.schedule, f.baseLr, step));
    assertClose(ours, f.lrs, { rtol: 1e-12, atol: 1e-14 }, f.name);
  });
}

test('constant keeps the base rate and warmup starts from 0', () => {
  assert.equal(learningRate({ type: 'constant' }, 0.3, 99), 0.3);
  const warm: ScheduleSpec = { type: 'warmup', warmupSteps: 10, after: { type: 'constant' } };
  assert.equal(learningRate(warm, 1, 0), 0);
  assert.equal(learningRate(warm, 1, 5), 0.5);
  assert.equal(learningRate(warm, 1, 10), 1);
});

test('cosine reaches minLr at totalSteps and stays there', () => {
  const cos = { type: 'cosine', totalSteps: 50, minLr: 0.01 } as const;
  assert.ok(Math.abs(learningRate(cos, 1, 50) - 0.01) < 1e-15);
  for (const step of [51, 75, 100, 1000]) assert.ok(Math.abs(learningRate(cos, 1, step) - 0.01) < 1e-15, `step ${step}`);
});

test('bad steps and specs are rejected with the reason', () => {
  assert.throws(() => learningRate({ type: 'constant' }, 1, -1), /step must be an integer/);
  assert.throws(() => learningRate({ type: 'step', stepSize: 0, gamma: 0.5 }, 1, 3), /stepSize must be ≥ 1/);
  assert.throws(() => learningRate({ type: 'cosine', totalSteps: 0, minLr: 0 }, 1, 3), /totalSteps/);
});
