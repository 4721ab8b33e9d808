// The WASM backend's relaxed-SIMD kernels (relaxed-simd). Node 20 accepts them only with V8's
// --experimental-wasm-relaxed-simd, which this file sets the way the backend registry does, before any backend starts.
//
// The bit-exactness promise between the two flavours, as tested here:
// - every op except gemm gives the same bits on relaxed-simd as on simd128 (only gemm's multiply-adds differ);
// - gemm on relaxed-simd meets the same tolerance against the float64 reference as simd128 (the whole parity suite,
//   models included, runs on it below), and differs from simd128 only where the hardware fuses the multiply-add
//   (x64 with FMA3, arm64): there a product's rounding is skipped, so results may differ in the last bits;
// - simd128 is plain IEEE float32 arithmetic, the same bits on every machine.
import { setFlagsFromString } from 'node:v8';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Buf } from '../../../src/engine/backend';
import { OPS, type OpName } from '../../../src/engine/backendOps';
import { createWasmBackend, relaxedSimdSupported, type WasmBackend } from '../../../src/engine/backends/wasm';
import { TestRandom } from '../helpers/random';
import { wasmParitySuite } from './wasmParity';

setFlagsFromString('--experimental-wasm-relaxed-simd');

test('with the V8 flag set, this Node accepts the relaxed-SIMD kernels and the default flavour is relaxed-simd', () => {
  assert.equal(relaxedSimdSupported(), true);
  assert.equal(createWasmBackend().info.mode, 'relaxed-simd');
  assert.equal(createWasmBackend({ flavour: 'simd128' }).info.mode, 'simd128');
});

wasmParitySuite('relaxed-simd');

const bits = (b: Buf): number[] => Array.from(new Uint32Array(Float32Array.from(b).buffer));

/** Runs one op with the same inputs on both flavours; returns every buffer afterwards, as bit patterns. */
function runBoth(name: OpName, choice: number, seed: number): { simd128: number[][]; relaxed: number[][] } {
  const op = OPS[name];
  const sizes = [6, 5, 7];
  const sizeOf = (i: number) => sizes[op.sizes.indexOf(i)];
  const rows = sizes[0];
  const run = (be: WasmBackend): number[][] => {
    const rnd = new TestRandom(seed);
    const buffers: Buf[] = [];
    const argv = op.args.map((a, i): unknown => {
      if (a.kind === 'size') return sizeOf(i);
      if (a.kind === 'flag') throw new Error(`${name}: a flag (only gemm has one)`);
      if (a.kind === 'choice') return a.values[choice];
      if (a.kind === 'mask') return Float32Array.from({ length: rows }, (_, r) => (r % 3 === 1 ? 0 : 1));
      if (a.kind === 'counts') return Int32Array.from({ length: rows }, (_, r) => r % (sizes[1] + 1));
      const len = a.coef * op.sizes.reduce((n, _, q) => n * sizes[q] ** a.powers[q], 1);
      const b = be.alloc(len);
      b.set(Float32Array.from(rnd.fill(new Float64Array(len), -1.5, 1.5)));
      buffers.push(b);
      return b;
    });
    (be[name] as (...args: unknown[]) => void)(...argv);
    return buffers.map(bits);
  };
  return { simd128: run(createWasmBackend({ flavour: 'simd128' })), relaxed: run(createWasmBackend({ flavour: 'relaxed-simd' })) };
}

test('every op except gemm gives the same bits on relaxed-simd as on simd128 (masks, counts, each activation choice)', () => {
  const names = (Object.keys(OPS) as OpName[]).filter((n) => n !== 'gemm');
  assert.ok(names.length >= 18, `ops compared: ${names.join(', ')}`);
  let seed = 1;
  for (const name of names) {
    const choices = OPS[name].args.find((a) => a.kind === 'choice')?.values.length ?? 1;
    for (let c = 0; c < choices; c++) {
      const { simd128, relaxed } = runBoth(name, c, seed++);
      simd128.forEach((b, i) => assert.deepEqual(relaxed[i], b, `${name} (choice ${c}) buffer ${i}`));
    }
  }
  const x = Float32Array.from({ length: 203 }, (_, i) => (i - 101) / 9);
  for (const kind of ['exp', 'sigmoid', 'tanh'] as const) {
    const [a, b] = (['simd128', 'relaxed-simd'] as const).map((flavour) => {
      const y = new Float32Array(x.length);
      createWasmBackend({ flavour }).activation(kind, x, y);
      return bits(y);
    });
    assert.deepEqual(b, a, kind);
  }
});

/** Whether V8's relaxed_madd fuses here: arm64 always; x64 when the CPU has FMA3 (Linux says so in /proc/cpuinfo). */
function hardwareFuses(): boolean | null {
  if (process.arch === 'arm64') return true;
  if (process.arch !== 'x64' || process.platform !== 'linux') return null;
  return /^flags\s*:.*\bfma\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
}

test('gemm: simd128 rounds every product; relaxed-simd skips that rounding exactly where the hardware fuses', () => {
  // c = 1·(−(1+2⁻¹¹)) + 0 + … + (1+2⁻¹²)² over k = 9 (the two terms 8 apart, so the dot-product path adds them in the
  // same SIMD lane too): the exact square is 1 + 2⁻¹¹ + 2⁻²⁴, which float32 rounds to 1 + 2⁻¹¹, so separate multiply
  // and add give 0 and a fused multiply-add gives 2⁻²⁴. 4×8 runs the SIMD micro-kernel, 1×1 the dot-product path.
  const e = 1 + 2 ** -12, k = 9;
  const fused = hardwareFuses();
  for (const [m, n] of [[4, 8], [1, 1]]) {
    const results = (['simd128', 'relaxed-simd'] as const).map((flavour) => {
      const be = createWasmBackend({ flavour });
      const a = be.alloc(m * k), b = be.alloc(k * n), c = be.alloc(m * n);
      for (let i = 0; i < m; i++) { a[i * k] = 1; a[i * k + k - 1] = e; }
      for (let j = 0; j < n; j++) { b[j] = -(1 + 2 ** -11); b[(k - 1) * n + j] = e; }
      be.gemm(false, false, m, n, k, a, b, c, false);
      return Array.from(c);
    });
    assert.deepEqual(results[0], new Array(m * n).fill(0), `simd128 ${m}×${n}`);
    const want = fused === null ? results[1][0] : fused ? 2 ** -24 : 0;
    assert.ok(want === 0 || want === 2 ** -24, `relaxed-simd ${m}×${n}: ${want}`);
    assert.deepEqual(results[1], new Array(m * n).fill(want), `relaxed-simd ${m}×${n} (hardware fuses: ${fused})`);
  }
});
