// Finite-difference gradient checks (float64 reference backend) of the Transformer: every option, head, loss, padding,
// causal masking, and dropout with a fixed mask.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ForwardBackwardOptions } from '../../../src/engine/model';
import type { LossType } from '../../../src/engine/spec';
import { fixedDropout, gradCheck, makeBatch, makeTransformer, makeTransformerSpec, type TransformerOverrides } from '../helpers/models';

const TOL = 1e-6;

interface Case {
  spec: TransformerOverrides;
  loss?: LossType;
  lengths?: number[];
  dropout?: boolean;
}

const cases: Record<string, Case> = {
  'post-norm, relu, sinusoidal, last, mse': { spec: {} },
  'pre-norm (final norm), gelu, learned positions': { spec: { options: { normFirst: true, activation: 'gelu', positional: 'learned' } } },
  '2 post-norm layers, gelu': { spec: { numLayers: 2, options: { activation: 'gelu' } } },
  '2 pre-norm layers, 3 heads of 2': { spec: { numLayers: 2, hiddenSize: 6, options: { heads: 3, normFirst: true, activation: 'gelu' } } },
  'causal, head all': { spec: { head: { output: 'all' }, options: { causal: true, activation: 'gelu' } } },
  'causal, head all, padded, cross entropy': {
    spec: { head: { output: 'all', size: 3 }, options: { causal: true, normFirst: true, activation: 'gelu' } }, loss: 'cross_entropy', lengths: [4, 2, 1],
  },
  'padded, last': { spec: { options: { activation: 'gelu' } }, lengths: [2, 4, 3] },
  'padded, attention head': { spec: { head: { output: 'attention' }, options: { activation: 'gelu', positional: 'learned' } }, lengths: [3, 1, 4] },
  'non-causal head all, bce': { spec: { head: { output: 'all', activation: 'sigmoid' }, options: { activation: 'gelu' } }, loss: 'bce' },
  'embedding tokens, cross entropy': { spec: { embedding: { vocabSize: 5, dim: 4 }, head: { size: 3 }, options: { activation: 'gelu', normFirst: true } }, loss: 'cross_entropy' },
  'mse through softmax': { spec: { head: { size: 3, activation: 'softmax' }, options: { activation: 'gelu' } } },
  'dropout (fixed mask) at all four places, 2 layers, padded': {
    spec: { numLayers: 2, dropout: 0.3, options: { activation: 'gelu', normFirst: true } }, lengths: [4, 3, 2], dropout: true,
  },
  'dropout (fixed mask), causal post-norm, head all': {
    spec: { dropout: 0.25, head: { output: 'all' }, options: { activation: 'gelu', causal: true } }, dropout: true,
  },
};

for (const [name, c] of Object.entries(cases))
  test(`transformer gradcheck: ${name}`, () => {
    const spec = makeTransformerSpec(c.spec);
    const loss = c.loss ?? 'mse';
    const model = makeTransformer(spec);
    const batch = makeBatch(spec, loss, 3, 4, 5, c.lengths ?? null);
    const source = fixedDropout(23);
    const opts = (): ForwardBackwardOptions => ({ train: c.dropout ?? false, tbptt: null, dropoutRandom: c.dropout ? source() : undefined });
    const { worst, norms } = gradCheck(model, batch, loss, opts);
    for (const [param, err] of worst) assert.ok(err < TOL, `${param}: relative error ${err}`);
    for (const [param, norm] of norms) {
      // attention.bias shifts every score equally, which softmax ignores: its gradient is 0 up to rounding.
      if (param === 'attention.bias') assert.ok(norm < 1e-12, `${param} should get no gradient, got norm ${norm}`);
      else assert.ok(norm > 0, `${param}: gradient is identically zero, the check exercised nothing`);
    }
  });

test('transformer: the key bias gets no gradient (a shift of every score in a row), the query and value biases do', () => {
  const spec = makeTransformerSpec({ options: { activation: 'gelu' } });
  const model = makeTransformer(spec);
  model.zeroGrad();
  model.forwardBackward(makeBatch(spec, 'mse', 3, 4), 'mse', { train: false, tbptt: null });
  const g = model.param('transformer.layers.0.self_attn.in_proj_bias').grad;
  const d = spec.hiddenSize;
  const norm = (from: number) => Math.hypot(...Array.from(g.subarray(from, from + d)));
  assert.ok(norm(d) < 1e-15, `key bias gradient ${norm(d)}`);
  assert.ok(norm(0) > 1e-6 && norm(2 * d) > 1e-6);
});

test('transformer: gradient flow is ‖dL/dx_t‖ at the stack input: with one sequence, the norm of the learned position t\'s gradient', () => {
  const spec = makeTransformerSpec({ numLayers: 2, head: { output: 'all' }, options: { positional: 'learned', causal: true, activation: 'gelu' } });
  const model = makeTransformer(spec);
  model.zeroGrad();
  const { gradFlow } = model.forwardBackward(makeBatch(spec, 'mse', 1, 5), 'mse', { train: false, tbptt: null, gradFlow: true });
  assert.ok(gradFlow && gradFlow.length === 5);
  const pos = model.param('pos_embedding.weight');
  const d = spec.hiddenSize;
  for (let t = 0; t < 5; t++) {
    const want = Math.hypot(...Array.from(pos.grad.subarray(t * d, (t + 1) * d)));
    assert.ok(Math.abs(gradFlow[t] - want) < 1e-12 * Math.max(1, want), `t = ${t}: ${gradFlow[t]} vs ${want}`);
  }
  assert.equal(pos.grad[5 * d], 0, 'the unused sixth position gets no gradient');
});
