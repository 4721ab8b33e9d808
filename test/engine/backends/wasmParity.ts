// The WASM SIMD backend against the float64 reference backend: every op of backend.ts at float32
// tolerance, on sizes that are not multiples of the SIMD width or the gemm tiles (several row blocks, k-slices and
// panels with a remainder), all transposes,
// masks, and arrays from outside WASM memory; then whole training steps of real models. The suite runs once per
// kernel flavour: wasm.test.ts (simd128) and wasm-relaxed.test.ts (relaxed-simd).
import { test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend, Buf } from '../../../src/engine/backend';
import { createReferenceBackend } from '../../../src/engine/backends/reference';
import { createWasmBackend, type WasmFlavour } from '../../../src/engine/backends/wasm';
import { RecurrentModel } from '../../../src/engine/recurrentModel';
import { createModel, type Batch } from '../../../src/engine/model';
import { initialize } from '../../../src/engine/init';
import { Rng } from '../../../src/engine/rng';
import type { ModelSpec } from '../../../src/engine/spec';
import { TestRandom } from '../helpers/random';

/** Registers every parity test for the kernels of one flavour, each name prefixed with it. */
export function wasmParitySuite(flavour: WasmFlavour): void {
  const test = (name: string, fn: () => void): void => void nodeTest(`[${flavour}] ${name}`, fn);
  const wasm = createWasmBackend({ flavour });
  assert.equal(wasm.info.mode, flavour);
  const ref = createReferenceBackend('float64');

  /** |got − want| ≤ atol + rtol·|want| elementwise, naming the first element that is off. */
  function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, atol = 2e-6, rtol = 2e-5): void {
    assert.equal(got.length, want.length, `${what}: length`);
    for (let i = 0; i < want.length; i++) {
      const err = Math.abs(got[i] - want[i]);
      if (!(err <= atol + rtol * Math.abs(want[i]))) assert.fail(`${what}[${i}]: wasm ${got[i]}, reference ${want[i]} (error ${err})`);
    }
  }

  type Kind = 'in' | 'out' | 'inout';
  interface Arg { name: string; len: number; kind: Kind; lo?: number; hi?: number }
  /** Where the wasm side's arrays live: its own memory (zero-copy) or plain arrays that get staged. */
  type Placement = 'wasm' | 'float32' | 'float64';

  /**
   * Runs one op on both backends from the same random inputs (outputs start as random garbage, so an
   * element the kernel forgets to write shows up) and compares every array the op may write.
   */
  function parity(op: string, args: Arg[], run: (be: Backend, b: Buf[]) => void, seed: number, placement: Placement, atol?: number, rtol?: number): void {
    const rnd = new TestRandom(seed);
    const values = args.map((a) => rnd.fill(new Float64Array(a.len), a.lo ?? -1.5, a.hi ?? 1.5));
    const mk = (be: Backend, src: Buf): Buf => {
      const b = be === wasm ? (placement === 'wasm' ? wasm.alloc(src.length) : placement === 'float32' ? new Float32Array(src.length) : new Float64Array(src.length)) : be.alloc(src.length);
      b.set(Float32Array.from(src)); // both sides see the same float32-representable inputs
      return b;
    };
    const w = values.map((v) => mk(wasm, v));
    const r = values.map((v) => mk(ref, v));
    run(wasm, w);
    run(ref, r);
    args.forEach((a, i) => {
      if (a.kind === 'in') assertClose(w[i], Float32Array.from(values[i]), `${op} (${placement}) left input ${a.name} changed`, 0, 0);
      else assertClose(w[i], r[i], `${op} (${placement}) ${a.name}`, atol, rtol);
    });
  }

  const PLACEMENTS: Placement[] = ['wasm', 'float32', 'float64'];

  test('gemm matches the reference for every transpose, odd sizes, large k, and accumulation', () => {
    const sizes: [number, number, number][] = [[7, 5, 3], [1, 1, 1], [1, 37, 19], [23, 1, 45], [9, 1, 1], [1, 6, 2], [4, 8, 4], [13, 29, 37], [33, 17, 300], [5, 70, 9], [66, 9, 515], [70, 27, 260], [2, 130, 1]];
    let seed = 1;
    for (const [m, n, k] of sizes)
      for (const tA of [false, true])
        for (const tB of [false, true])
          for (const acc of [false, true])
            for (const placement of PLACEMENTS)
              parity(`gemm ${m}x${n}x${k} tA=${tA} tB=${tB} acc=${acc}`,
                [{ name: 'a', len: m * k, kind: 'in' }, { name: 'b', len: k * n, kind: 'in' }, { name: 'c', len: m * n, kind: acc ? 'inout' : 'out' }],
                (be, [a, b, c]) => be.gemm(tA, tB, m, n, k, a, b, c, acc), seed++, placement,
                // float32 sums of k products: the rounding error grows with k, whatever the (cancelling) result
                1e-5 + 2e-7 * k, 1e-4);
  });

  test('gemm with k = 0 clears C, or leaves it when accumulating', () => {
    const c = wasm.alloc(6);
    c.fill(3);
    wasm.gemm(false, false, 2, 3, 0, wasm.alloc(0), wasm.alloc(0), c, true);
    assert.deepEqual(Array.from(c), [3, 3, 3, 3, 3, 3]);
    wasm.gemm(false, false, 2, 3, 0, wasm.alloc(0), wasm.alloc(0), c, false);
    assert.deepEqual(Array.from(c), [0, 0, 0, 0, 0, 0]);
  });

  test('addRowVector, sumRows and layer normalization match the reference', () => {
    let seed = 100;
    for (const [rows, n] of [[7, 5], [3, 13], [1, 4], [9, 33]])
      for (const placement of PLACEMENTS) {
        parity('addRowVector', [{ name: 'x', len: rows * n, kind: 'inout' }, { name: 'v', len: n, kind: 'in' }],
          (be, [x, v]) => be.addRowVector(x, rows, n, v), seed++, placement);
        parity('sumRows', [{ name: 'x', len: rows * n, kind: 'in' }, { name: 'out', len: n, kind: 'inout' }],
          (be, [x, out]) => be.sumRows(x, rows, n, out), seed++, placement);
      }
    for (const [rows, groups, H] of [[7, 3, 5], [2, 4, 13], [3, 1, 4], [5, 2, 1], [4, 3, 130]])
      for (const placement of PLACEMENTS) {
        const len = rows * groups * H;
        parity('layerNormForward', [
          { name: 'x', len, kind: 'in', lo: -3, hi: 2 }, { name: 'gamma', len: groups * H, kind: 'in' }, { name: 'beta', len: groups * H, kind: 'in' },
          { name: 'y', len, kind: 'out' }, { name: 'mean', len: rows * groups, kind: 'out' }, { name: 'rstd', len: rows * groups, kind: 'out' },
        ], (be, [x, g, b, y, mu, rs]) => be.layerNormForward(rows, groups, H, x, g, b, y, mu, rs), seed++, placement, 1e-5, 1e-4);
        parity('layerNormBackward', [
          { name: 'dy', len, kind: 'in' }, { name: 'x', len, kind: 'in' }, { name: 'mean', len: rows * groups, kind: 'in' },
          { name: 'rstd', len: rows * groups, kind: 'in', lo: 0.5, hi: 2 }, { name: 'gamma', len: groups * H, kind: 'in' },
          { name: 'dx', len, kind: 'out' }, { name: 'dgamma', len: groups * H, kind: 'inout' }, { name: 'dbeta', len: groups * H, kind: 'inout' },
        ], (be, [dy, x, mu, rs, g, dx, dg, db]) => be.layerNormBackward(rows, groups, H, dy, x, mu, rs, g, dx, dg, db), seed++, placement, 1e-5, 1e-4);
      }
  });

  test('softmaxRows (with and without counts, SIMD tails, empty rows) and its backward match the reference', () => {
    let seed = 500;
    for (const [rows, n] of [[5, 7], [3, 13], [2, 1], [8, 64], [4, 4]])
      for (const counts of [null, Int32Array.from({ length: rows }, (_, r) => [n, 1, Math.ceil(n / 2), 0, n + 3][r % 5])])
        for (const placement of PLACEMENTS) {
          const tag = `${rows}x${n} counts=${counts ? 'some' : 'none'}`;
          parity(`softmaxRows ${tag}`, [{ name: 'x', len: rows * n, kind: 'in', lo: -8, hi: 8 }, { name: 'y', len: rows * n, kind: 'out' }],
            (be, [x, y]) => be.softmaxRows(rows, n, x, counts, y), seed++, placement, 1e-6, 1e-5);
          parity(`softmaxRowsBackward ${tag}`, [
            { name: 'y', len: rows * n, kind: 'in', lo: 0, hi: 1 }, { name: 'dy', len: rows * n, kind: 'in' }, { name: 'dx', len: rows * n, kind: 'out' },
          ], (be, [y, dy, dx]) => be.softmaxRowsBackward(rows, n, y, dy, dx), seed++, placement, 1e-5, 1e-4);
        }
    // Counts that live in WASM memory's buffer are read in place; elsewhere they are staged. Both must agree.
    const x = wasm.alloc(6);
    x.set([1, 2, 3, 4, 5, 6]);
    const y = wasm.alloc(6);
    wasm.softmaxRows(2, 3, x, Int32Array.from([2, 3]), y);
    assert.ok(Math.abs(y[0] - 1 / (1 + Math.E)) < 1e-6 && y[2] === 0 && Math.abs(y[3] + y[4] + y[5] - 1) < 1e-6);
  });

  /** Masks: none, and one with padded rows (including the first and the last). */
  function masks(B: number): (Float32Array | null)[] {
    const m = new Float32Array(B).fill(1);
    m[0] = 0;
    m[B - 1] = 0;
    if (B > 3) m[2] = 0;
    return [null, m];
  }

  test('cell steps (RNN tanh/relu, LSTM, GRU, reset-before GRU) and their backward passes match the reference', () => {
    let seed = 1000;
    for (const [B, H] of [[5, 7], [3, 13], [4, 4], [2, 1], [6, 33]])
      for (const mask of masks(B))
        for (const placement of PLACEMENTS) {
          const n = B * H;
          const tag = `B=${B} H=${H} mask=${mask ? 'some' : 'none'}`;
          for (const act of ['tanh', 'relu'] as const) {
            parity(`rnnForward ${act} ${tag}`, [
              { name: 'xg', len: n, kind: 'in' }, { name: 'hg', len: n, kind: 'in' }, { name: 'hPrev', len: n, kind: 'in' }, { name: 'h', len: n, kind: 'out' },
            ], (be, [xg, hg, hp, h]) => be.rnnForward(act, B, H, xg, hg, hp, mask, h), seed++, placement);
            parity(`rnnBackward ${act} ${tag}`, [
              { name: 'h', len: n, kind: 'in' }, { name: 'dh', len: n, kind: 'in' }, { name: 'dpre', len: n, kind: 'out' }, { name: 'dhPrev', len: n, kind: 'out' },
            ], (be, [h, dh, dp, dhp]) => be.rnnBackward(act, B, H, h, dh, mask, dp, dhp), seed++, placement);
          }
          parity(`lstmForward ${tag}`, [
            { name: 'xg', len: 4 * n, kind: 'in', lo: -4, hi: 4 }, { name: 'hg', len: 4 * n, kind: 'in' }, { name: 'hPrev', len: n, kind: 'in' },
            { name: 'cPrev', len: n, kind: 'in', lo: -3, hi: 3 }, { name: 'gates', len: 4 * n, kind: 'out' }, { name: 'c', len: n, kind: 'out' }, { name: 'h', len: n, kind: 'out' },
          ], (be, [xg, hg, hp, cp, g, c, h]) => be.lstmForward(B, H, xg, hg, hp, cp, mask, g, c, h), seed++, placement);
          parity(`lstmBackward ${tag}`, [
            { name: 'gates', len: 4 * n, kind: 'in', lo: 0, hi: 1 }, { name: 'cPrev', len: n, kind: 'in' }, { name: 'c', len: n, kind: 'in', lo: -3, hi: 3 },
            { name: 'dh', len: n, kind: 'in' }, { name: 'dc', len: n, kind: 'inout' }, { name: 'dpre', len: 4 * n, kind: 'out' }, { name: 'dhPrev', len: n, kind: 'out' },
          ], (be, [g, cp, c, dh, dc, dp, dhp]) => be.lstmBackward(B, H, g, cp, c, dh, dc, mask, dp, dhp), seed++, placement);
          parity(`gruForward ${tag}`, [
            { name: 'xg', len: 3 * n, kind: 'in', lo: -4, hi: 4 }, { name: 'hg', len: 3 * n, kind: 'in' }, { name: 'hPrev', len: n, kind: 'in' },
            { name: 'gates', len: 3 * n, kind: 'out' }, { name: 'h', len: n, kind: 'out' },
          ], (be, [xg, hg, hp, g, h]) => be.gruForward(B, H, xg, hg, hp, mask, g, h), seed++, placement);
          parity(`gruBackward ${tag}`, [
            { name: 'gates', len: 3 * n, kind: 'in', lo: 0, hi: 1 }, { name: 'hg', len: 3 * n, kind: 'in' }, { name: 'hPrev', len: n, kind: 'in' },
            { name: 'dh', len: n, kind: 'in' }, { name: 'dxg', len: 3 * n, kind: 'out' }, { name: 'dhg', len: 3 * n, kind: 'out' }, { name: 'dhPrev', len: n, kind: 'out' },
          ], (be, [g, hg, hp, dh, dxg, dhg, dhp]) => be.gruBackward(B, H, g, hg, hp, dh, mask, dxg, dhg, dhp), seed++, placement);
          parity(`gruResetBeforeGatesForward ${tag}`, [
            { name: 'xg', len: 3 * n, kind: 'in', lo: -4, hi: 4 }, { name: 'hgRZ', len: 2 * n, kind: 'in' }, { name: 'hPrev', len: n, kind: 'in' },
            { name: 'gates', len: 3 * n, kind: 'inout' }, { name: 'rh', len: n, kind: 'out' },
          ], (be, [xg, hg, hp, g, rh]) => be.gruResetBeforeGatesForward(B, H, xg, hg, hp, g, rh), seed++, placement);
          parity(`gruResetBeforeOutputForward ${tag}`, [
            { name: 'xg', len: 3 * n, kind: 'in', lo: -4, hi: 4 }, { name: 'hgN', len: n, kind: 'in' }, { name: 'hPrev', len: n, kind: 'in' },
            { name: 'gates', len: 3 * n, kind: 'inout', lo: 0, hi: 1 }, { name: 'h', len: n, kind: 'out' },
          ], (be, [xg, hg, hp, g, h]) => be.gruResetBeforeOutputForward(B, H, xg, hg, hp, mask, g, h), seed++, placement);
          parity(`gruResetBeforeOutputBackward ${tag}`, [
            { name: 'gates', len: 3 * n, kind: 'in', lo: 0, hi: 1 }, { name: 'hPrev', len: n, kind: 'in' }, { name: 'dh', len: n, kind: 'in' },
            { name: 'dxg', len: 3 * n, kind: 'inout' }, { name: 'dhgN', len: n, kind: 'out' }, { name: 'dz', len: n, kind: 'out' }, { name: 'dhPrev', len: n, kind: 'out' },
          ], (be, [g, hp, dh, dxg, dhg, dz, dhp]) => be.gruResetBeforeOutputBackward(B, H, g, hp, dh, mask, dxg, dhg, dz, dhp), seed++, placement);
          parity(`gruResetBeforeGatesBackward ${tag}`, [
            { name: 'gates', len: 3 * n, kind: 'in', lo: 0, hi: 1 }, { name: 'hPrev', len: n, kind: 'in' }, { name: 'drh', len: n, kind: 'in' },
            { name: 'dz', len: n, kind: 'in' }, { name: 'dxg', len: 3 * n, kind: 'inout' }, { name: 'dhgRZ', len: 2 * n, kind: 'out' }, { name: 'dhPrev', len: n, kind: 'inout' },
          ], (be, [g, hp, drh, dz, dxg, dhg, dhp]) => be.gruResetBeforeGatesBackward(B, H, g, hp, drh, dz, dxg, dhg, dhp), seed++, placement);
        }
  });

  test('attention ops (softmaxRows with and without counts, its backward, additive scores and their backward) match the reference', () => {
    let seed = 3000;
    for (const [rows, n] of [[3, 7], [5, 4], [1, 1], [4, 33], [2, 9]])
      for (const valid of [null, Int32Array.from({ length: rows }, (_, r) => [n, 0, 1, n - 1, n + 5][r % 5])])
        for (const placement of PLACEMENTS) {
          const tag = `${rows}x${n} valid=${valid ? Array.from(valid).join(',') : 'all'}`;
          parity(`softmaxRows ${tag}`, [{ name: 'x', len: rows * n, kind: 'in', lo: -6, hi: 6 }, { name: 'y', len: rows * n, kind: 'out' }],
            (be, [x, y]) => be.softmaxRows(rows, n, x, valid, y), seed++, placement);
          parity(`softmaxRowsBackward ${tag}`, [
            { name: 'y', len: rows * n, kind: 'in', lo: 0, hi: 1 }, { name: 'dy', len: rows * n, kind: 'in' }, { name: 'dx', len: rows * n, kind: 'out' },
          ], (be, [y, dy, dx]) => be.softmaxRowsBackward(rows, n, y, dy, dx), seed++, placement, 1e-5, 1e-4);
        }
    for (const [rows, keys, A] of [[2, 3, 5], [1, 7, 16], [4, 1, 3], [3, 5, 33]])
      for (const placement of PLACEMENTS) {
        const tag = `${rows}x${keys}x${A}`;
        parity(`additiveScores ${tag}`, [
          { name: 'q', len: rows * A, kind: 'in' }, { name: 'k', len: keys * A, kind: 'in' }, { name: 'v', len: A, kind: 'in' },
          { name: 'th', len: rows * keys * A, kind: 'out' }, { name: 'e', len: rows * keys, kind: 'out' },
        ], (be, [q, k, v, th, e]) => be.additiveScores(rows, keys, A, q, k, v, th, e), seed++, placement, 1e-5, 1e-4);
        parity(`additiveScoresBackward ${tag}`, [
          { name: 'th', len: rows * keys * A, kind: 'in', lo: -1, hi: 1 }, { name: 'v', len: A, kind: 'in' }, { name: 'de', len: rows * keys, kind: 'in' },
          { name: 'dq', len: rows * A, kind: 'out' }, { name: 'dk', len: keys * A, kind: 'inout' }, { name: 'dv', len: A, kind: 'inout' },
        ], (be, [th, v, de, dq, dk, dv]) => be.additiveScoresBackward(rows, keys, A, th, v, de, dq, dk, dv), seed++, placement, 1e-5, 1e-4);
      }
  });

  test('the SIMD exp, sigmoid and tanh stay within float32 accuracy over the whole range, including saturation', () => {
    const x = new Float32Array(4001);
    for (let i = 0; i < x.length; i++) x[i] = (i - 2000) / 40; // −50 … 50, with tiny values near 0
    x[1] = 1e-6; x[2] = -3e-8; x[3] = 100; x[4] = -100;
    const y = new Float32Array(x.length);
    for (const [kind, f] of [['sigmoid', (v: number) => 1 / (1 + Math.exp(-v))], ['tanh', Math.tanh]] as const) {
      wasm.activation(kind, x, y);
      for (let i = 0; i < x.length; i++) {
        const want = f(x[i]);
        assert.ok(Math.abs(y[i] - want) <= 2e-7 + 4e-7 * Math.abs(want), `${kind}(${x[i]}) = ${y[i]}, want ${want}`);
      }
    }
    const xe = x.subarray(5).map((v) => v * 1.7); // about −85 … 85 (the first entries are special values)
    wasm.activation('exp', xe, y);
    for (let i = 0; i < xe.length; i++) {
      const want = Math.exp(xe[i]);
      assert.ok(Math.abs(y[i] - want) <= 4e-7 * want, `exp(${xe[i]}) = ${y[i]}, want ${want}`);
    }
  });

  test('alloc gives zeroed views into WASM memory that survive memory growth', () => {
    const be = createWasmBackend({ flavour });
    const early = be.alloc(10) as Float32Array;
    assert.ok(early.every((v) => v === 0));
    early.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const big = be.alloc(40 * 1024 * 1024); // 160 MB: forces the memory to grow
    assert.equal(big.length, 40 * 1024 * 1024);
    assert.equal(early.length, 10, 'the early view must not be detached by growth');
    assert.deepEqual(Array.from(early), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // And the early (pre-growth) view still works as a kernel argument, zero-copy.
    const out = be.alloc(5);
    be.sumRows(early, 2, 5, out);
    assert.deepEqual(Array.from(out), [7, 9, 11, 13, 15]);
  });

  test('counts staged past 2 GiB of WASM memory still reach the kernel (addresses above 2^31)', () => {
    const be = createWasmBackend({ flavour });
    for (let i = 0; i < 6; i++) be.alloc(100 * 1024 * 1024); // 2.4 GB of untouched (so uncommitted) memory: what follows lives above 2^31
    const x = be.alloc(6);
    x.set([1, 2, 3, 4, 5, 6]);
    const y = be.alloc(6);
    be.softmaxRows(2, 3, x, Int32Array.from([1, 2]), y);
    assert.ok(y.byteOffset > 2 ** 31, `x lives at ${y.byteOffset}`);
    assert.deepEqual(Array.from(y.subarray(0, 3)), [1, 0, 0]);
    assert.ok(Math.abs(y[3] - 1 / (1 + Math.E)) < 1e-6 && y[5] === 0);
  });

  test('a memory limit below the request falls back to plain arrays that still compute correctly', () => {
    const be = createWasmBackend({ maximumMemoryBytes: 4 * 1024 * 1024, flavour });
    const a = be.alloc(2 * 1024 * 1024); // 8 MB > 4 MB limit
    assert.ok(a instanceof Float32Array);
    const b = be.alloc(4);
    b.set([1, 2, 3, 4]);
    const c = be.alloc(2);
    be.gemm(false, false, 1, 2, 2, b.subarray(0, 2), b, c, false); // [1 2]·[[1 2],[3 4]]
    assert.deepEqual(Array.from(c), [7, 10]);
  });

  test('too-short arrays and bad sizes are rejected with the op and argument named', () => {
    assert.throws(() => wasm.gemm(false, false, 2, 3, 4, wasm.alloc(7), wasm.alloc(12), wasm.alloc(6), false), /wasm gemm: a has 7 values, needs 8/);
    assert.throws(() => wasm.lstmForward(2, 3, wasm.alloc(24), wasm.alloc(24), wasm.alloc(6), wasm.alloc(6), new Float32Array(1), wasm.alloc(24), wasm.alloc(6), wasm.alloc(6)), /wasm lstmForward: mask has 1 values, needs 2/);
    assert.throws(() => wasm.addRowVector(wasm.alloc(4), 2.5, 2, wasm.alloc(2)), /wasm addRowVector: rows must be a non-negative integer, got 2\.5/);
    assert.throws(() => wasm.softmaxRows(3, 2, wasm.alloc(6), new Int32Array(2), wasm.alloc(6)), /wasm softmaxRows: valid has 2 values, needs 3/);
  });

  // ---- Model-level parity: one full forward/backward of real models on both backends ----

  function modelSpec(over: Partial<ModelSpec>): ModelSpec {
    return {
      cell: 'lstm', transformer: null, variant: 'resetAfter', nonlinearity: 'tanh', inputSize: 3, hiddenSize: 7, numLayers: 1,
      bidirectional: false, dropout: 0, residual: false, layerNorm: false, embedding: null,
      head: { output: 'last', size: 2, activation: 'none' }, ...over,
    };
  }

  function batchFor(spec: ModelSpec, B: number, T: number, be: Backend, rnd: TestRandom): Batch {
    const x = be.alloc(B * T * spec.inputSize);
    rnd.fill(x);
    const ySize = spec.head.output === 'all' ? B * T * spec.head.size : B * spec.head.size;
    const y = be.alloc(ySize);
    rnd.fill(y);
    const lengths = Int32Array.from({ length: B }, (_, b) => (b % 3 === 1 ? Math.max(1, T - 2) : T));
    return { B, T, x, tokens: null, lengths, y };
  }

  test('a model trained on the WASM backend gets the reference loss and gradients (LSTM, GRU, reset-before GRU, RNN, layer norm, masks)', () => {
    const cases: Partial<ModelSpec>[] = [
      { cell: 'lstm' },
      { cell: 'lstm', layerNorm: true, numLayers: 2, bidirectional: true },
      { cell: 'gru' },
      { cell: 'gru', variant: 'resetBefore', head: { output: 'all', size: 2, activation: 'none' } },
      { cell: 'rnn', nonlinearity: 'relu' },
      { cell: 'rnn', hiddenSize: 13, inputSize: 5 },
    ];
    for (const over of cases) {
      const spec = modelSpec(over);
      const results = [ref, wasm].map((be) => {
        const model = new RecurrentModel(spec, be);
        initialize(model.params, spec, { scheme: 'pytorch', forgetBias: null }, new Rng(7));
        const batch = batchFor(spec, 5, 9, be, new TestRandom(11));
        model.zeroGrad();
        const { loss } = model.forwardBackward(batch, 'mse', { train: true, tbptt: null });
        return { loss, grads: model.params.map((p) => ({ name: p.name, grad: Float64Array.from(p.grad) })) };
      });
      const [r, w] = results;
      const tag = JSON.stringify(over);
      assert.ok(Math.abs(w.loss - r.loss) <= 1e-5 * Math.max(1, Math.abs(r.loss)), `${tag}: loss ${w.loss} vs ${r.loss}`);
      r.grads.forEach((g, i) => assertClose(w.grads[i].grad, g.grad, `${tag} ${g.name}.grad`, 2e-5, 1e-3));
    }
  });

  test('a Transformer trained on the WASM backend gets the reference loss and gradients (pre/post norm, causal, padded, gelu)', () => {
    const cases: [string, Partial<ModelSpec>, NonNullable<ModelSpec['transformer']>][] = [
      ['post-norm relu, last', {}, { heads: 2, feedForward: 9, activation: 'relu', normFirst: false, positional: 'sinusoidal', maxLength: 9, causal: false }],
      ['pre-norm gelu, causal, all', { head: { output: 'all', size: 2, activation: 'none' } },
        { heads: 4, feedForward: 11, activation: 'gelu', normFirst: true, positional: 'learned', maxLength: 9, causal: true }],
      ['attention head', { head: { output: 'attention', size: 2, activation: 'none' } },
        { heads: 1, feedForward: 5, activation: 'gelu', normFirst: false, positional: 'learned', maxLength: 12, causal: false }],
    ];
    for (const [tag, over, transformer] of cases) {
      const spec = { ...modelSpec({ cell: 'transformer', hiddenSize: 12, numLayers: 2, ...over }), transformer };
      const [r, w] = [ref, wasm].map((be) => {
        const model = createModel(spec, be);
        initialize(model.params, spec, { scheme: 'pytorch', forgetBias: null }, new Rng(7));
        const batch = batchFor(spec, 5, 9, be, new TestRandom(11));
        model.zeroGrad();
        const { loss, gradFlow } = model.forwardBackward(batch, 'mse', { train: true, tbptt: null, gradFlow: true });
        return { loss, gradFlow: gradFlow!, grads: model.params.map((p) => ({ name: p.name, grad: Float64Array.from(p.grad) })) };
      });
      assert.ok(Math.abs(w.loss - r.loss) <= 1e-5 * Math.max(1, Math.abs(r.loss)), `${tag}: loss ${w.loss} vs ${r.loss}`);
      assertClose(w.gradFlow, r.gradFlow, `${tag} gradFlow`, 2e-6, 1e-3);
      r.grads.forEach((g, i) => assertClose(w.grads[i].grad, g.grad, `${tag} ${g.name}.grad`, 2e-5, 1e-3));
    }
  });
}
