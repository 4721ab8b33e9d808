// Finite-difference gradient checks (float64 reference backend) of every cell and every model feature.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ForwardBackwardOptions } from '../../src/engine/model';
import type { LossType } from '../../src/engine/spec';
import { fixedDropout, gradCheck, makeBatch, makeModel, makeSpec, type SpecOverrides } from './helpers/models';
import { truncatedObjective } from './helpers/truncated';

const TOL = 1e-6;

const cells: Record<string, SpecOverrides> = {
  'rnn tanh': { cell: 'rnn', nonlinearity: 'tanh' },
  'rnn relu': { cell: 'rnn', nonlinearity: 'relu' },
  lstm: { cell: 'lstm' },
  'gru resetAfter': { cell: 'gru', variant: 'resetAfter' },
  'gru resetBefore': { cell: 'gru', variant: 'resetBefore' },
};

interface Feature {
  spec: SpecOverrides;
  loss?: LossType;
  lengths?: number[];
  tbptt?: number;
  dropout?: boolean;
  T?: number;
}

const features: Record<string, Feature> = {
  'one layer, last, mse': { spec: {} },
  '2 layers': { spec: { numLayers: 2 } },
  'bidirectional, all': { spec: { bidirectional: true, head: { output: 'all' } } },
  'bidirectional, last': { spec: { bidirectional: true } },
  'residual (3 layers)': { spec: { numLayers: 3, residual: true } },
  'layer norm': { spec: { layerNorm: true } },
  embedding: { spec: { embedding: { vocabSize: 4, dim: 3 } } },
  'head all': { spec: { head: { output: 'all' } } },
  'head attention': { spec: { head: { output: 'attention' } } },
  'mse through sigmoid': { spec: { head: { activation: 'sigmoid' } } },
  'mse through softmax': { spec: { head: { size: 3, activation: 'softmax' } } },
  'cross entropy': { spec: { head: { size: 3, activation: 'softmax' } }, loss: 'cross_entropy' },
  'cross entropy, all steps': { spec: { head: { output: 'all', size: 3 } }, loss: 'cross_entropy' },
  bce: { spec: { head: { activation: 'sigmoid' } }, loss: 'bce' },
  'ragged lengths, last': { spec: {}, lengths: [4, 2, 1] },
  'ragged lengths, bidirectional all': { spec: { bidirectional: true, head: { output: 'all' } }, lengths: [2, 4, 3] },
  'ragged lengths, attention': { spec: { head: { output: 'attention' } }, lengths: [3, 1, 4] },
  'dropout between 2 layers': { spec: { numLayers: 2, dropout: 0.4 }, dropout: true },
  'tbptt 2, head all': { spec: { head: { output: 'all' } }, tbptt: 2, T: 5 },
  'tbptt 2, head last, 2 layers': { spec: { numLayers: 2 }, tbptt: 2, T: 5 },
  'tbptt 2, ragged, bidirectional last': { spec: { bidirectional: true }, tbptt: 2, T: 5, lengths: [5, 3, 2] },
  'everything: 2 bidirectional residual LN layers, embedding, dropout, ragged, all': {
    spec: { numLayers: 2, bidirectional: true, residual: true, layerNorm: true, dropout: 0.3, embedding: { vocabSize: 5, dim: 2 }, head: { output: 'all', size: 3 } },
    loss: 'cross_entropy', lengths: [4, 3, 1], dropout: true,
  },
};

for (const [cellName, cellSpec] of Object.entries(cells))
  for (const [featName, f] of Object.entries(features))
    test(`gradcheck: ${cellName}, ${featName}`, () => {
      const spec = makeSpec({ ...cellSpec, ...f.spec, head: { ...f.spec.head } });
      const loss = f.loss ?? 'mse';
      const model = makeModel(spec);
      const batch = makeBatch(spec, loss, 3, f.T ?? 4, 5, f.lengths ?? null);
      const dropoutSource = fixedDropout(17);
      const opts = (): ForwardBackwardOptions => ({
        train: f.dropout ?? false, tbptt: f.tbptt ?? null, dropoutRandom: f.dropout ? dropoutSource() : undefined,
      });
      const objective = f.tbptt ? truncatedObjective(model, batch, loss, f.tbptt) : null;
      const { worst, norms } = gradCheck(model, batch, loss, opts, objective);
      for (const [name, err] of worst) assert.ok(err < TOL, `${name}: relative error ${err}`);
      for (const [name, norm] of norms) {
        // attention.bias shifts every score equally, which softmax ignores: its gradient is 0 up to rounding.
        // out[:, −1] of a full-length reverse direction is its first step, taken from a zero state,
        // so W_hh_reverse gets no gradient — in PyTorch too.
        const zero = name === 'attention.bias' || (featName === 'bidirectional, last' && name === 'rnn.weight_hh_l0_reverse');
        if (zero) assert.ok(norm < 1e-12, `${name} should get no gradient, got norm ${norm}`);
        else assert.ok(norm > 0, `${name}: gradient is identically zero, the check exercised nothing`);
      }
    });

test('gradcheck: the tbptt objective really differs from full BPTT (so the tbptt checks can fail)', () => {
  const spec = makeSpec({ cell: 'gru', head: { output: 'all' } });
  const model = makeModel(spec);
  const batch = makeBatch(spec, 'mse', 3, 5);
  model.zeroGrad();
  model.forwardBackward(batch, 'mse', { train: false, tbptt: 2 });
  const truncated = Float64Array.from(model.param('rnn.weight_hh_l0').grad);
  model.zeroGrad();
  model.forwardBackward(batch, 'mse', { train: false, tbptt: null });
  const full = model.param('rnn.weight_hh_l0').grad;
  assert.ok(truncated.some((v, i) => Math.abs(v - full[i]) > 1e-4));
});
