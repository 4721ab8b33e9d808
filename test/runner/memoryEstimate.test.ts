// The memory estimate that lets validation refuse a model the machine cannot hold: it must cover what the engine really
// allocates (and not by much more), and a refusal names the field to change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createModel } from '../../src/engine/model';
import { Rng } from '../../src/engine/rng';
import { Trainer } from '../../src/engine/trainer';
import { createBackend } from '../../src/runner/backends/registry';
import { makeBatch } from '../../src/runner/data/batches';
import { formatDiagnostic, InputError } from '../../src/runner/diagnostics';
import { evaluate } from '../../src/runner/evaluate';
import { loadExperiments } from '../../src/runner/experiment';
import { estimateTrainingMemory, machineMemory, memoryProblem } from '../../src/runner/memoryEstimate';
import { tempWorkspace } from '../helpers/workspace';

const config = (model: object, train: object = {}) => ({
  data: { source: 'adding', length: 20, trainSize: 150, validationSize: 70 },
  model, train: { steps: 2, batchSize: 32, ...train }, backend: { name: 'reference' },
});

/** Bytes the engine allocates for two training steps (a full and a last, smaller batch), an evaluation and a probe. */
function allocated(exp: ReturnType<typeof loadExperiments>[0]): number {
  const be = createBackend('reference', { fallback: [] }).backend;
  let bytes = 0;
  const counting = Object.create(be) as typeof be;
  counting.alloc = (n: number) => { bytes += n * 4; return be.alloc(n); };
  const model = createModel(exp.model, counting);
  const trainer = new Trainer(model, exp.train, new Rng(1));
  const ds = exp.dataset;
  const opts = { dtype: 'float32' as const, oneHot: exp.oneHot };
  trainer.step(makeBatch(ds.train.slice(0, 32), ds, opts), { gradFlow: true });
  trainer.step(makeBatch(ds.train.slice(0, ds.train.length % 32), ds, opts), { gradFlow: true });
  evaluate(model, exp, ds.validation, opts);
  model.probe(makeBatch(ds.validation.slice(0, 1), ds, opts));
  // Optimizer state lives outside the backend.
  return bytes + Object.values(trainer.stateDict()).reduce((n, b) => n + b.byteLength, 0);
}

for (const model of [
  { cell: 'lstm', hiddenSize: 24, numLayers: 2, bidirectional: true, dropout: 0.1 },
  { cell: 'gru', hiddenSize: 32, variant: 'resetBefore', head: { output: 'attention' } },
  { cell: 'rnn', hiddenSize: 48, numLayers: 3, layerNorm: true, residual: true },
]) test(`the estimate covers what a ${model.cell} run allocates, within 1.6×`, () => {
  const dir = tempWorkspace({ 'a.seqlab.json': config(model) });
  const [exp] = loadExperiments(join(dir, 'a.seqlab.json'));
  const est = estimateTrainingMemory(exp.model, exp.config.train.optimizer.type,
    [{ B: 32, T: 20 }, { B: 150 % 32, T: 20 }, { B: 70, T: 20 }, { B: 1, T: 20 }], 4);
  const real = allocated(exp);
  assert.ok(est.total >= real && est.total <= 1.6 * real, `estimate ${est.total} for ${real} bytes allocated`);
});

test('a model too large for the machine is refused in validation, naming model.hiddenSize and the estimate', () => {
  const dir = tempWorkspace({ 'big.seqlab.json': config({ cell: 'lstm', hiddenSize: 100000 }) });
  assert.throws(() => loadExperiments(join(dir, 'big.seqlab.json')), (e) => {
    assert.ok(e instanceof InputError);
    assert.match(e.diagnostics.map(formatDiagnostic).join('\n'), new RegExp('big\\.seqlab\\.json:\\d+:\\d+: error: model\\.hiddenSize: training this model needs about 665 GB '
      + '\\(parameters 160 GB, gradients 160 GB, optimizer state 320 GB, activations 25\\.0 GB\\), more than a run may use on this machine: 50% of its'));
    return true;
  });
  assert.ok(machineMemory() > 0);
});

test('activations dominate: the refusal names train.batchSize', () => {
  const dir = tempWorkspace({ 'a.seqlab.json': config({ cell: 'gru', hiddenSize: 16 }) });
  const [exp] = loadExperiments(join(dir, 'a.seqlab.json'));
  const est = estimateTrainingMemory(exp.model, 'adam', [{ B: 100000, T: 40 }], 4);
  assert.deepEqual(memoryProblem(exp.model, est, 1e9)?.path, ['train', 'batchSize']);
  assert.equal(memoryProblem(exp.model, est, 1e15), null);
});
