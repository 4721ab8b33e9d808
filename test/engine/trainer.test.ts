import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NonFiniteError, Trainer, type TrainableModel } from '../../src/engine/trainer';
import type { Param } from '../../src/engine/params';
import { Rng } from '../../src/engine/rng';
import type { LossType, TrainSpec } from '../../src/engine/spec';
import { RecurrentModel } from '../../src/engine/recurrentModel';
import { createReferenceBackend } from '../../src/engine/backends/reference';
import { initialize } from '../../src/engine/init';
import { exportParams, importParams } from '../../src/engine/statedict';

interface ToyBatch {
  x: number[][];
  y: number[];
}

/**
 * Linear regression ŷ = w·x + b with MSE, and "dropout" that scales each input by 0 or 2 from
 * dropoutRandom, so the trainer's random stream changes the gradients (and resumes must restore it).
 */
class ToyModel implements TrainableModel<ToyBatch> {
  readonly params: Param[] = [
    { name: 'head.weight', shape: [1, 2], value: Float64Array.of(0.3, -0.2), grad: new Float64Array(2) },
    { name: 'head.bias', shape: [1], value: Float64Array.of(0.1), grad: new Float64Array(1) },
  ];
  dropout = 0;
  poison: 'loss' | 'bias' | null = null;

  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }

  forwardBackward(batch: ToyBatch, loss: LossType, opts: { train: boolean; dropoutRandom?: () => number; gradFlow?: boolean }) {
    assert.equal(loss, 'mse');
    assert.equal(opts.train, true);
    const [w, b] = this.params;
    let total = 0;
    for (let n = 0; n < batch.y.length; n++) {
      const x = batch.x[n].map((v) => (this.dropout > 0 && opts.dropoutRandom!() < this.dropout ? 0 : v));
      const err = w.value[0] * x[0] + w.value[1] * x[1] + b.value[0] - batch.y[n];
      total += err * err;
      const d = (2 * err) / batch.y.length;
      w.grad[0] += d * x[0];
      w.grad[1] += d * x[1];
      b.grad[0] += d;
    }
    if (this.poison === 'bias') b.grad[0] = Number.POSITIVE_INFINITY;
    return { loss: this.poison === 'loss' ? Number.NaN : total / batch.y.length, gradFlow: opts.gradFlow ? Float64Array.of(1, 2) : null };
  }
}

const BATCH: ToyBatch = { x: [[1, 2], [3, -1], [0.5, 0.5]], y: [1, -2, 0.25] };

function spec(over: Partial<TrainSpec> = {}): TrainSpec {
  return {
    loss: 'mse',
    optimizer: { type: 'sgd', lr: 0.1, momentum: 0, nesterov: false, dampening: 0, weightDecay: 0 },
    schedule: { type: 'constant' },
    clip: { maxNorm: null, maxValue: null },
    tbptt: null,
    ...over,
  };
}

test('a step computes loss and gradients, then applies the scheduled SGD update', () => {
  const m = new ToyModel();
  const t = new Trainer(m, spec({ schedule: { type: 'step', stepSize: 1, gamma: 0.5 } }), new Rng(1));
  const before = m.params.map((p) => Array.from(p.value));
  const r0 = t.step(BATCH);
  // Gradients by hand for w = (0.3, −0.2), b = 0.1: errors are (−1, 3.2, −0.1).
  const errs = [-1, 3.2, -0.1];
  const gw0 = (2 / 3) * (errs[0] * 1 + errs[1] * 3 + errs[2] * 0.5);
  const gw1 = (2 / 3) * (errs[0] * 2 + errs[1] * -1 + errs[2] * 0.5);
  const gb = (2 / 3) * (errs[0] + errs[1] + errs[2]);
  assert.ok(Math.abs(r0.loss - (1 + 10.24 + 0.01) / 3) < 1e-12);
  assert.ok(Math.abs(r0.gradNorm - Math.hypot(gw0, gw1, gb)) < 1e-12);
  assert.equal(r0.gradNormClipped, r0.gradNorm);
  assert.ok(Math.abs(r0.paramGradNorms['head.bias'] - Math.abs(gb)) < 1e-12);
  assert.equal(r0.lr, 0.1);
  assert.equal(r0.step, 0);
  assert.ok(Math.abs(m.params[0].value[0] - (before[0][0] - 0.1 * gw0)) < 1e-12);
  assert.ok(Math.abs(m.params[1].value[0] - (before[1][0] - 0.1 * gb)) < 1e-12);
  const r1 = t.step(BATCH, { gradFlow: true });
  assert.equal(r1.lr, 0.05);
  assert.equal(r1.step, 1);
  assert.deepEqual(r1.gradFlow, [1, 2]);
  assert.equal(r0.gradFlow, null);
  assert.equal(t.stepCount, 2);
});

test('clipping limits the norm the optimizer sees and reports both norms', () => {
  const m = new ToyModel();
  const t = new Trainer(m, spec({ clip: { maxNorm: 0.5, maxValue: null } }), new Rng(1));
  const r = t.step(BATCH);
  assert.ok(r.gradNorm > 0.5);
  assert.ok(Math.abs(r.gradNormClipped - 0.5) < 1e-5);
});

test('a non-finite loss throws NonFiniteError naming "loss" and leaves parameters unchanged', () => {
  const m = new ToyModel();
  const t = new Trainer(m, spec({ optimizer: { type: 'adam', lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 } }), new Rng(1));
  t.step(BATCH);
  const before = m.params.map((p) => Array.from(p.value));
  m.poison = 'loss';
  assert.throws(() => t.step(BATCH), (e: unknown) => e instanceof NonFiniteError && e.tensor === 'loss' && e.step === 1 && /Non-finite loss \(NaN\) at step 1/.test(e.message));
  assert.deepEqual(m.params.map((p) => Array.from(p.value)), before);
  assert.equal(t.stepCount, 1);
});

test('a non-finite gradient names the first parameter holding it, before any update', () => {
  const m = new ToyModel();
  const t = new Trainer(m, spec({ clip: { maxNorm: 1, maxValue: 0.1 } }), new Rng(1));
  const before = m.params.map((p) => Array.from(p.value));
  m.poison = 'bias';
  assert.throws(() => t.step(BATCH), (e: unknown) => e instanceof NonFiniteError && e.tensor === 'head.bias' && /head\.bias at step 0/.test(e.message));
  assert.deepEqual(m.params.map((p) => Array.from(p.value)), before);
  assert.equal(t.stepCount, 0);
});

test('stateDict resume (optimizer state and dropout stream) reproduces an uninterrupted run bit-exactly', () => {
  const train = spec({ optimizer: { type: 'rmsprop', lr: 0.01, alpha: 0.9, eps: 1e-8, momentum: 0.5, centered: true, weightDecay: 0 } });
  const straight = new ToyModel();
  straight.dropout = 0.3;
  const a = new Trainer(straight, train, new Rng(5).fork('dropout'));
  const lossesA = Array.from({ length: 6 }, () => a.step(BATCH).loss);

  const first = new ToyModel();
  first.dropout = 0.3;
  const b = new Trainer(first, train, new Rng(5).fork('dropout'));
  const lossesB = Array.from({ length: 3 }, () => b.step(BATCH).loss);
  const saved = b.stateDict();

  const resumed = new ToyModel();
  resumed.dropout = 0.3;
  resumed.params.forEach((p, i) => p.value.set(first.params[i].value));
  const c = new Trainer(resumed, train, new Rng(999));
  c.loadStateDict(saved);
  lossesB.push(...Array.from({ length: 3 }, () => c.step(BATCH).loss));

  assert.deepEqual(lossesB, lossesA);
  assert.deepEqual(resumed.params.map((p) => Array.from(p.value)), straight.params.map((p) => Array.from(p.value)));
  assert.equal(c.stepCount, 6);
});

test('loadStateDict without the dropout stream is rejected', () => {
  const t = new Trainer(new ToyModel(), spec(), new Rng(1));
  const { 'trainer.rng': _dropped, ...noRng } = t.stateDict();
  assert.throws(() => t.loadStateDict(noRng), /trainer\.rng must hold 6 values/);
});

test('with the real model (2-layer LSTM, dropout, Adam), a checkpoint resume reproduces the uninterrupted run bit-exactly', () => {
  const modelSpec = {
    cell: 'lstm', transformer: null, variant: 'resetAfter', nonlinearity: 'tanh', inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: false,
    dropout: 0.4, residual: false, layerNorm: false, embedding: null, head: { output: 'last', size: 1, activation: 'none' },
  } as const;
  const train = spec({ optimizer: { type: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, clip: { maxNorm: 1, maxValue: null } });
  for (const dtype of ['float32', 'float64'] as const) {
    const be = createReferenceBackend(dtype);
    const batch = {
      B: 2, T: 3, tokens: null, lengths: Int32Array.of(3, 2),
      x: be.alloc(12).map((_, i) => Math.sin(i)), y: be.alloc(2).map((_, i) => i - 0.5),
    };
    const fresh = () => {
      const m = new RecurrentModel({ ...modelSpec, head: { ...modelSpec.head } }, be);
      initialize(m.params, m.spec, { scheme: 'pytorch', forgetBias: 1 }, new Rng(3).fork('init'));
      return m;
    };
    const straight = fresh();
    const a = new Trainer(straight, train, new Rng(3).fork('dropout'));
    const lossesA = Array.from({ length: 6 }, () => a.step(batch).loss);

    const first = fresh();
    const b = new Trainer(first, train, new Rng(3).fork('dropout'));
    const lossesB = Array.from({ length: 3 }, () => b.step(batch).loss);
    const params = exportParams(first.params, 'native');
    const state = b.stateDict();

    const resumed = new RecurrentModel({ ...modelSpec, head: { ...modelSpec.head } }, be);
    importParams(resumed.params, params);
    const c = new Trainer(resumed, train, new Rng(77));
    c.loadStateDict(state);
    lossesB.push(...Array.from({ length: 3 }, () => c.step(batch).loss));

    assert.deepEqual(lossesB, lossesA, dtype);
    resumed.params.forEach((p, i) => assert.deepEqual(Array.from(p.value), Array.from(straight.params[i].value), `${dtype} ${p.name}`));
    // The dropout stream matters: another stream gives another trajectory (so restoring it was necessary).
    const other = new Trainer(fresh(), train, new Rng(4).fork('dropout'));
    assert.notDeepEqual(Array.from({ length: 6 }, () => other.step(batch).loss), lossesA, `${dtype}: dropout draws change the run`);
  }
});
