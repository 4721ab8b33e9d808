import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOptimizer, type OptimParam } from '../../src/engine/optim';
import { learningRate } from '../../src/engine/schedule';
import type { OptimizerSpec, ScheduleSpec } from '../../src/engine/spec';
import { assertClose, FLOAT32_TOL, loadFixtures } from './helpers/golden';

interface OptimFixture {
  name: string;
  optimizer: OptimizerSpec;
  schedule: ScheduleSpec;
  params: Record<string, { shape: number[]; data: number[] }>;
  grads: Record<string, number[]>[];
  lrs: number[];
  after: Record<string, number[]>[];
}

const TOL64 = { rtol: 1e-11, atol: 1e-13 };

for (const f of loadFixtures<OptimFixture>('optim_')) {
  test(`${f.name} matches torch.optim for ${f.grads.length} steps (float64 and float32)`, () => {
    for (const [Arr, tol] of [[Float64Array, TOL64], [Float32Array, FLOAT32_TOL]] as const) {
      const params: OptimParam[] = Object.entries(f.params).map(([name, t]) => ({
        name,
        value: Arr.from(t.data),
        grad: new Arr(t.data.length),
      }));
      const opt = createOptimizer(f.optimizer, params);
      f.grads.forEach((grads, step) => {
        for (const p of params) p.grad.set(grads[p.name]);
        const lr = learningRate(f.schedule, f.optimizer.lr, step);
        assertClose([lr], [f.lrs[step]], TOL64, `${f.name} lr at step ${step}`);
        opt.step(lr);
        for (const p of params) assertClose(p.value, f.after[step][p.name], tol, `${f.name} ${Arr.name} step ${step} ${p.name}`);
      });
      assert.equal(opt.stepCount, f.grads.length);
    }
  });
}

const SPECS: OptimizerSpec[] = [
  { type: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true, dampening: 0, weightDecay: 0.01 },
  { type: 'adagrad', lr: 0.1, eps: 1e-10, weightDecay: 0 },
  { type: 'rmsprop', lr: 0.01, alpha: 0.9, eps: 1e-8, momentum: 0.5, centered: true, weightDecay: 0 },
  { type: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
  { type: 'adamw', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 },
];

function gradAt(step: number, i: number): number {
  return Math.sin(1.7 * step + 0.3 * i) + 0.1 * i;
}

for (const spec of SPECS) {
  test(`${spec.type}: resuming from stateDict continues bit-exactly`, () => {
    const make = () => [{ name: 'w', value: Float32Array.of(0.5, -0.25, 1), grad: new Float32Array(3) }];
    const run = (params: OptimParam[], opt: ReturnType<typeof createOptimizer>, from: number, to: number) => {
      for (let s = from; s < to; s++) {
        params[0].grad.forEach((_, i) => (params[0].grad[i] = gradAt(s, i)));
        opt.step(0.05);
      }
    };
    const straight = make();
    const optA = createOptimizer(spec, straight);
    run(straight, optA, 0, 6);

    const first = make();
    const optB = createOptimizer(spec, first);
    run(first, optB, 0, 3);
    const saved = optB.stateDict();
    assert.deepEqual(Array.from(saved['optim.step']), [3]);

    const resumed = [{ name: 'w', value: first[0].value.slice(), grad: new Float32Array(3) }];
    const optC = createOptimizer(spec, resumed);
    optC.loadStateDict(saved);
    run(resumed, optC, 3, 6);
    assert.deepEqual(Array.from(resumed[0].value), Array.from(straight[0].value));
  });
}

test('state dict names follow torch state keys', () => {
  const p = [{ name: 'rnn.weight_ih_l0', value: new Float64Array(2), grad: new Float64Array(2) }];
  assert.deepEqual(Object.keys(createOptimizer(SPECS[3], p).stateDict()).sort(), [
    'optim.rnn.weight_ih_l0.exp_avg',
    'optim.rnn.weight_ih_l0.exp_avg_sq',
    'optim.step',
  ]);
  assert.deepEqual(Object.keys(createOptimizer(SPECS[2], p).stateDict()).sort(), [
    'optim.rnn.weight_ih_l0.grad_avg',
    'optim.rnn.weight_ih_l0.momentum_buffer',
    'optim.rnn.weight_ih_l0.square_avg',
    'optim.step',
  ]);
});

test('loadStateDict rejects missing, unexpected and mis-sized tensors without changing state', () => {
  const p = [{ name: 'w', value: new Float64Array(2), grad: Float64Array.of(1, 1) }];
  const opt = createOptimizer(SPECS[3], p);
  opt.step(0.1);
  const good = opt.stateDict();
  const { 'optim.w.exp_avg': _dropped, ...missing } = good;
  assert.throws(() => opt.loadStateDict(missing), /missing \[optim\.w\.exp_avg\]/);
  assert.throws(() => opt.loadStateDict({ ...good, 'optim.v.exp_avg': new Float64Array(2) }), /unexpected \[optim\.v\.exp_avg\]/);
  assert.throws(() => opt.loadStateDict({ ...good, 'optim.w.exp_avg_sq': new Float64Array(3) }), /exp_avg_sq has 3 values, parameter has 2/);
  assert.deepEqual(opt.stateDict(), good);
});

test('invalid settings and learning rates are rejected', () => {
  const p = [{ name: 'w', value: new Float64Array(1), grad: new Float64Array(1) }];
  assert.throws(() => createOptimizer({ type: 'sgd', lr: 0.1, momentum: 0, nesterov: true, dampening: 0, weightDecay: 0 }, p), /nesterov/);
  assert.throws(() => createOptimizer(SPECS[3], p).step(Number.NaN), /learning rate/);
  assert.throws(() => createOptimizer(SPECS[3], [{ name: 'w', value: new Float64Array(2), grad: new Float64Array(1) }]), /w has 2 values but 1 gradients/);
});
