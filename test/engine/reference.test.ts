import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReferenceBackend } from '../../src/engine/backends/reference';
import type { Buf } from '../../src/engine/backend';
import { TestRandom, maxRelError, centralDiff, dot } from './helpers/random';

const be = createReferenceBackend('float64');

function naiveGemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Buf, b: Buf): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s;
    }
  return c;
}

test('reference: alloc gives zeroed buffers of the dtype', () => {
  assert.ok(createReferenceBackend('float32').alloc(3) instanceof Float32Array);
  const b = be.alloc(5);
  assert.ok(b instanceof Float64Array);
  assert.deepEqual(Array.from(b), [0, 0, 0, 0, 0]);
  assert.deepEqual(createReferenceBackend('float32').info, { name: 'reference', mode: 'float32', dtype: 'float32' });
});

test('reference: gemm matches a naive product for every transpose combination, with and without accumulate', () => {
  const rnd = new TestRandom(1);
  const [m, n, k] = [3, 5, 4];
  for (const transA of [false, true])
    for (const transB of [false, true]) {
      const a = rnd.fill(be.alloc(m * k));
      const b = rnd.fill(be.alloc(k * n));
      const c = rnd.fill(be.alloc(m * n));
      const c0 = Float64Array.from(c);
      const want = naiveGemm(transA, transB, m, n, k, a, b);
      be.gemm(transA, transB, m, n, k, a, b, c, true);
      assert.ok(maxRelError(c, want.map((v, i) => v + c0[i])) < 1e-14, `accumulate transA=${transA} transB=${transB}`);
      be.gemm(transA, transB, m, n, k, a, b, c, false);
      assert.ok(maxRelError(c, want) < 1e-14, `overwrite transA=${transA} transB=${transB}`);
    }
});

test('reference: gemm works on subarray views and float32 rounds once per element', () => {
  const f32 = createReferenceBackend('float32');
  const big = f32.alloc(20);
  big.set([1, 2, 3, 4], 8);
  const c = f32.alloc(4);
  // [1 2; 3 4] · I = itself, reading A through a view at offset 8
  f32.gemm(false, false, 2, 2, 2, big.subarray(8, 12), Float32Array.from([1, 0, 0, 1]), c, false);
  assert.deepEqual(Array.from(c), [1, 2, 3, 4]);
  // 1 + 1e-8·(many) would be lost if each partial sum were rounded to float32
  const k = 1000;
  const a = f32.alloc(k).fill(1e-8);
  a[0] = 1;
  const one = f32.alloc(k).fill(1);
  const out = f32.alloc(1);
  f32.gemm(false, false, 1, 1, k, a, one, out, false);
  assert.equal(out[0], Math.fround(1 + 999 * Math.fround(1e-8)));
});

test('reference: addRowVector and sumRows', () => {
  const x = Float64Array.from([1, 2, 3, 4, 5, 6]);
  be.addRowVector(x, 2, 3, Float64Array.from([10, 20, 30]));
  assert.deepEqual(Array.from(x), [11, 22, 33, 14, 25, 36]);
  const out = Float64Array.from([1, 1, 1]);
  be.sumRows(x, 2, 3, out);
  assert.deepEqual(Array.from(out), [26, 48, 70]);
});

test('reference: layer norm forward matches the definition and backward matches finite differences', () => {
  const rnd = new TestRandom(2);
  const [rows, groups, H] = [2, 3, 4];
  const n = rows * groups * H;
  const x = rnd.fill(be.alloc(n), -2, 2);
  const gamma = rnd.fill(be.alloc(groups * H), 0.5, 1.5);
  const beta = rnd.fill(be.alloc(groups * H));
  const y = be.alloc(n), mean = be.alloc(rows * groups), rstd = be.alloc(rows * groups);
  be.layerNormForward(rows, groups, H, x, gamma, beta, y, mean, rstd);
  for (let r = 0; r < rows; r++)
    for (let g = 0; g < groups; g++) {
      const seg = Array.from(x.subarray((r * groups + g) * H, (r * groups + g + 1) * H));
      const mu = seg.reduce((s, v) => s + v, 0) / H;
      const v = seg.reduce((s, e) => s + (e - mu) ** 2, 0) / H;
      for (let j = 0; j < H; j++) {
        const want = ((seg[j] - mu) / Math.sqrt(v + 1e-5)) * gamma[g * H + j] + beta[g * H + j];
        assert.ok(Math.abs(y[(r * groups + g) * H + j] - want) < 1e-12);
      }
    }
  const w = rnd.fill(be.alloc(n));
  const f = () => {
    const yy = be.alloc(n), mm = be.alloc(rows * groups), rr = be.alloc(rows * groups);
    be.layerNormForward(rows, groups, H, x, gamma, beta, yy, mm, rr);
    return dot(yy, w);
  };
  const dx = be.alloc(n), dgamma = be.alloc(groups * H).fill(1), dbeta = be.alloc(groups * H).fill(1);
  be.layerNormBackward(rows, groups, H, w, x, mean, rstd, gamma, dx, dgamma, dbeta);
  assert.ok(maxRelError(dx, Array.from(x, (_, i) => centralDiff(f, x, i))) < 1e-7);
  // dgamma/dbeta accumulate onto the 1s already there
  assert.ok(maxRelError(dgamma, Array.from(gamma, (_, i) => 1 + centralDiff(f, gamma, i))) < 1e-7);
  assert.ok(maxRelError(dbeta, Array.from(beta, (_, i) => 1 + centralDiff(f, beta, i))) < 1e-7);
});

const sig = (v: number) => 1 / (1 + Math.exp(-v));
const mask = Float32Array.from([1, 0, 1]);
const B = 3, H = 2;

for (const act of ['tanh', 'relu'] as const)
  for (const m of [null, mask])
    test(`reference: rnn ${act} step forward and backward (mask ${m ? 'on' : 'off'})`, () => {
      const rnd = new TestRandom(3);
      const xg = rnd.fill(be.alloc(B * H)), hg = rnd.fill(be.alloc(B * H)), hPrev = rnd.fill(be.alloc(B * H));
      const h = be.alloc(B * H);
      be.rnnForward(act, B, H, xg, hg, hPrev, m, h);
      for (let i = 0; i < B * H; i++) {
        const a = xg[i] + hg[i];
        const want = m && m[Math.floor(i / H)] === 0 ? hPrev[i] : act === 'tanh' ? Math.tanh(a) : Math.max(a, 0);
        assert.equal(h[i], want);
      }
      const dh = rnd.fill(be.alloc(B * H));
      const f = () => {
        const hh = be.alloc(B * H);
        be.rnnForward(act, B, H, xg, hg, hPrev, m, hh);
        return dot(hh, dh);
      };
      const dpre = be.alloc(B * H), dhPrev = be.alloc(B * H);
      be.rnnBackward(act, B, H, h, dh, m, dpre, dhPrev);
      assert.ok(maxRelError(dpre, Array.from(xg, (_, i) => centralDiff(f, xg, i))) < 1e-7);
      assert.ok(maxRelError(dhPrev, Array.from(hPrev, (_, i) => centralDiff(f, hPrev, i))) < 1e-7);
    });

for (const m of [null, mask])
  test(`reference: lstm step forward and backward (mask ${m ? 'on' : 'off'})`, () => {
    const rnd = new TestRandom(4);
    const G = 4 * H;
    const xg = rnd.fill(be.alloc(B * G)), hg = rnd.fill(be.alloc(B * G));
    const hPrev = rnd.fill(be.alloc(B * H)), cPrev = rnd.fill(be.alloc(B * H));
    const gates = be.alloc(B * G), c = be.alloc(B * H), h = be.alloc(B * H);
    be.lstmForward(B, H, xg, hg, hPrev, cPrev, m, gates, c, h);
    for (let b = 0; b < B; b++)
      for (let j = 0; j < H; j++) {
        const p = (q: number) => xg[b * G + q * H + j] + hg[b * G + q * H + j];
        const cc = sig(p(1)) * cPrev[b * H + j] + sig(p(0)) * Math.tanh(p(2));
        const padded = m !== null && m[b] === 0;
        assert.ok(Math.abs(c[b * H + j] - (padded ? cPrev[b * H + j] : cc)) < 1e-15);
        assert.ok(Math.abs(h[b * H + j] - (padded ? hPrev[b * H + j] : sig(p(3)) * Math.tanh(cc))) < 1e-15);
      }
    const dh = rnd.fill(be.alloc(B * H)), dcNext = rnd.fill(be.alloc(B * H));
    const f = () => {
      const g2 = be.alloc(B * G), c2 = be.alloc(B * H), h2 = be.alloc(B * H);
      be.lstmForward(B, H, xg, hg, hPrev, cPrev, m, g2, c2, h2);
      return dot(h2, dh) + dot(c2, dcNext);
    };
    const dc = Float64Array.from(dcNext), dpre = be.alloc(B * G), dhPrev = be.alloc(B * H);
    be.lstmBackward(B, H, gates, cPrev, c, dh, dc, m, dpre, dhPrev);
    assert.ok(maxRelError(dpre, Array.from(xg, (_, i) => centralDiff(f, xg, i))) < 1e-7);
    assert.ok(maxRelError(dpre, Array.from(hg, (_, i) => centralDiff(f, hg, i))) < 1e-7);
    assert.ok(maxRelError(dc, Array.from(cPrev, (_, i) => centralDiff(f, cPrev, i))) < 1e-7);
    assert.ok(maxRelError(dhPrev, Array.from(hPrev, (_, i) => centralDiff(f, hPrev, i))) < 1e-7);
  });

for (const m of [null, mask])
  test(`reference: torch GRU step forward and backward (mask ${m ? 'on' : 'off'})`, () => {
    const rnd = new TestRandom(5);
    const G = 3 * H;
    const xg = rnd.fill(be.alloc(B * G)), hg = rnd.fill(be.alloc(B * G)), hPrev = rnd.fill(be.alloc(B * H));
    const gates = be.alloc(B * G), h = be.alloc(B * H);
    be.gruForward(B, H, xg, hg, hPrev, m, gates, h);
    for (let b = 0; b < B; b++)
      for (let j = 0; j < H; j++) {
        const r = sig(xg[b * G + j] + hg[b * G + j]);
        const z = sig(xg[b * G + H + j] + hg[b * G + H + j]);
        const n = Math.tanh(xg[b * G + 2 * H + j] + r * hg[b * G + 2 * H + j]);
        const want = m !== null && m[b] === 0 ? hPrev[b * H + j] : (1 - z) * n + z * hPrev[b * H + j];
        assert.ok(Math.abs(h[b * H + j] - want) < 1e-15);
      }
    const dh = rnd.fill(be.alloc(B * H));
    const f = () => {
      const g2 = be.alloc(B * G), h2 = be.alloc(B * H);
      be.gruForward(B, H, xg, hg, hPrev, m, g2, h2);
      return dot(h2, dh);
    };
    const dxg = be.alloc(B * G), dhg = be.alloc(B * G), dhPrev = be.alloc(B * H);
    be.gruBackward(B, H, gates, hg, hPrev, dh, m, dxg, dhg, dhPrev);
    assert.ok(maxRelError(dxg, Array.from(xg, (_, i) => centralDiff(f, xg, i))) < 1e-7);
    assert.ok(maxRelError(dhg, Array.from(hg, (_, i) => centralDiff(f, hg, i))) < 1e-7);
    assert.ok(maxRelError(dhPrev, Array.from(hPrev, (_, i) => centralDiff(f, hPrev, i))) < 1e-7);
  });

for (const m of [null, mask])
  test(`reference: reset-before GRU step (both halves) forward and backward (mask ${m ? 'on' : 'off'})`, () => {
    const rnd = new TestRandom(6);
    const G = 3 * H;
    const xg = rnd.fill(be.alloc(B * G)), hgRZ = rnd.fill(be.alloc(B * 2 * H)), hPrev = rnd.fill(be.alloc(B * H));
    const wN = rnd.fill(be.alloc(H * H)), bN = rnd.fill(be.alloc(H));
    const run = (gates: Buf, rh: Buf, hgN: Buf, h: Buf) => {
      be.gruResetBeforeGatesForward(B, H, xg, hgRZ, hPrev, gates, rh);
      be.gemm(false, true, B, H, H, rh, wN, hgN, false);
      be.addRowVector(hgN, B, H, bN);
      be.gruResetBeforeOutputForward(B, H, xg, hgN, hPrev, m, gates, h);
    };
    const gates = be.alloc(B * G), rh = be.alloc(B * H), hgN = be.alloc(B * H), h = be.alloc(B * H);
    run(gates, rh, hgN, h);
    for (let b = 0; b < B; b++) {
      const r = [0, 1].map((j) => sig(xg[b * G + j] + hgRZ[b * 2 * H + j]));
      const z = [0, 1].map((j) => sig(xg[b * G + H + j] + hgRZ[b * 2 * H + H + j]));
      for (let j = 0; j < H; j++) {
        let a = xg[b * G + 2 * H + j] + bN[j];
        for (let q = 0; q < H; q++) a += wN[j * H + q] * r[q] * hPrev[b * H + q];
        const n = Math.tanh(a);
        const want = m !== null && m[b] === 0 ? hPrev[b * H + j] : (1 - z[j]) * hPrev[b * H + j] + z[j] * n;
        assert.ok(Math.abs(h[b * H + j] - want) < 1e-14);
      }
    }
    const dh = rnd.fill(be.alloc(B * H));
    const f = () => {
      const h2 = be.alloc(B * H);
      run(be.alloc(B * G), be.alloc(B * H), be.alloc(B * H), h2);
      return dot(h2, dh);
    };
    const dxg = be.alloc(B * G), dhgN = be.alloc(B * H), dz = be.alloc(B * H), dhPrev = be.alloc(B * H);
    const drh = be.alloc(B * H), dhgRZ = be.alloc(B * 2 * H);
    be.gruResetBeforeOutputBackward(B, H, gates, hPrev, dh, m, dxg, dhgN, dz, dhPrev);
    be.gemm(false, false, B, H, H, dhgN, wN, drh, false);
    be.gruResetBeforeGatesBackward(B, H, gates, hPrev, drh, dz, dxg, dhgRZ, dhPrev);
    assert.ok(maxRelError(dxg, Array.from(xg, (_, i) => centralDiff(f, xg, i))) < 1e-7);
    assert.ok(maxRelError(dhgRZ, Array.from(hgRZ, (_, i) => centralDiff(f, hgRZ, i))) < 1e-7);
    assert.ok(maxRelError(dhPrev, Array.from(hPrev, (_, i) => centralDiff(f, hPrev, i))) < 1e-7);
    // dhgN is the gradient of n's pre-activation: summed over rows it is dL/db_hn
    const dbN = Array.from(bN, (_, j) => Array.from({ length: B }, (_, b) => dhgN[b * H + j]).reduce((s, v) => s + v, 0));
    assert.ok(maxRelError(dbN, Array.from(bN, (_, j) => centralDiff(f, bN, j))) < 1e-7);
  });

test('reference: softmaxRows covers each row\'s first valid[r] entries and zeroes the rest; all n without counts', () => {
  const x = Float64Array.from([1, 2, 3, 100, 0.5, -1, 0, 7, 9, 9, 9, 9]);
  const y = be.alloc(12).fill(5);
  be.softmaxRows(3, 4, x, Int32Array.from([3, 2, 0]), y);
  const e = [Math.exp(1 - 3), Math.exp(2 - 3), 1];
  const s = e[0] + e[1] + e[2];
  assert.ok(maxRelError(y.subarray(0, 4), [e[0] / s, e[1] / s, e[2] / s, 0]) < 1e-15);
  const p = 1 / (1 + Math.exp(-1.5));
  assert.ok(maxRelError(y.subarray(4, 8), [p, 1 - p, 0, 0]) < 1e-15);
  assert.deepEqual(Array.from(y.subarray(8)), [0, 0, 0, 0], 'a row with no valid entries is all zeros');
  be.softmaxRows(3, 4, x, null, y);
  assert.ok(maxRelError(y.subarray(8), [0.25, 0.25, 0.25, 0.25]) < 1e-15);
  // Counts past n are clamped to n: large scores never overflow (max subtracted first).
  be.softmaxRows(1, 4, x, Int32Array.from([9]), y);
  assert.ok(Math.abs(y[3] - 1) < 1e-15 && y.every((v) => Number.isFinite(v)));
});

test('reference: softmaxRowsBackward matches finite differences of Σ w·softmax, masked entries getting 0', () => {
  const rnd = new TestRandom(21);
  const [rows, n] = [3, 5];
  const valid = Int32Array.from([5, 2, 4]);
  const x = rnd.fill(be.alloc(rows * n), -2, 2);
  const w = rnd.fill(be.alloc(rows * n));
  const y = be.alloc(rows * n);
  const f = () => { be.softmaxRows(rows, n, x, valid, y); return dot(w, y); };
  f();
  const dx = be.alloc(rows * n).fill(9);
  be.softmaxRowsBackward(rows, n, y, w, dx);
  const num = Array.from(x, (_, i) => centralDiff(f, x, i));
  assert.ok(maxRelError(dx, num) < 1e-6, `dx ${Array.from(dx)} vs ${num}`);
  assert.ok(dx[n + 3] === 0, 'an entry past valid[r] gets no gradient');
});

test('reference: additiveScores is v·tanh(q_r + k_s), and its backward matches finite differences in q, k and v', () => {
  const rnd = new TestRandom(22);
  const [rows, keys, A] = [2, 3, 4];
  const q = rnd.fill(be.alloc(rows * A)), k = rnd.fill(be.alloc(keys * A)), v = rnd.fill(be.alloc(A));
  const th = be.alloc(rows * keys * A), e = be.alloc(rows * keys);
  be.additiveScores(rows, keys, A, q, k, v, th, e);
  let want = 0;
  for (let a = 0; a < A; a++) want += v[a] * Math.tanh(q[A + a] + k[2 * A + a]);
  assert.ok(Math.abs(e[1 * keys + 2] - want) < 1e-15);
  const w = rnd.fill(be.alloc(rows * keys));
  const f = () => { be.additiveScores(rows, keys, A, q, k, v, th, e); return dot(w, e); };
  f();
  const dq = be.alloc(rows * A).fill(7), dk = rnd.fill(be.alloc(keys * A)), dv = rnd.fill(be.alloc(A));
  const dk0 = Float64Array.from(dk), dv0 = Float64Array.from(dv);
  be.additiveScoresBackward(rows, keys, A, th, v, w, dq, dk, dv);
  assert.ok(maxRelError(dq, Array.from(q, (_, i) => centralDiff(f, q, i))) < 1e-6, 'dq (overwritten)');
  assert.ok(maxRelError(dk.map((g, i) => g - dk0[i]), Array.from(k, (_, i) => centralDiff(f, k, i))) < 1e-6, 'dk (accumulated)');
  assert.ok(maxRelError(dv.map((g, i) => g - dv0[i]), Array.from(v, (_, i) => centralDiff(f, v, i))) < 1e-6, 'dv (accumulated)');
});
