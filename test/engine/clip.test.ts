import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipGradients } from '../../src/engine/clip';
import type { ClipSpec } from '../../src/engine/spec';
import { assertClose, FLOAT32_TOL, loadFixtures } from './helpers/golden';

interface ClipFixture {
  name: string;
  clip: ClipSpec;
  grads: number[][];
  paramNorms: number[];
  normBefore: number;
  normAfter: number;
  clipped: number[][];
}

const TOL64 = { rtol: 1e-12, atol: 1e-14 };

for (const f of loadFixtures<ClipFixture>('clip_')) {
  test(`${f.name} matches torch clip_grad_norm_ / clip_grad_value_ (float64 and float32)`, () => {
    for (const [Arr, tol] of [[Float64Array, TOL64], [Float32Array, FLOAT32_TOL]] as const) {
      const params = f.grads.map((g) => ({ grad: Arr.from(g) }));
      const r = clipGradients(params, f.clip);
      assertClose(r.paramNorms, f.paramNorms, tol, `${f.name} paramNorms`);
      assertClose([r.normBefore, r.normAfter], [f.normBefore, f.normAfter], tol, `${f.name} norms`);
      params.forEach((p, i) => assertClose(p.grad, f.clipped[i], tol, `${f.name} grad ${i}`));
    }
  });
}

test('no clipping leaves gradients untouched and reports equal norms', () => {
  const g = Float64Array.of(3, -4);
  const r = clipGradients([{ grad: g }], { maxNorm: null, maxValue: null });
  assert.deepEqual(Array.from(g), [3, -4]);
  assert.equal(r.normBefore, 5);
  assert.equal(r.normAfter, 5);
});

test('non-positive limits are rejected', () => {
  assert.throws(() => clipGradients([{ grad: Float64Array.of(1) }], { maxNorm: 0, maxValue: null }), /maxNorm must be > 0/);
  assert.throws(() => clipGradients([{ grad: Float64Array.of(1) }], { maxNorm: null, maxValue: -1 }), /maxValue must be > 0/);
});
