// The helper threads of the wasm backend's matrix products: they never keep a process alive, and where none starts the
// calling thread computes every tile, with the same bits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { createWasmBackend } from '../../../src/engine/backends/wasm';

test('a process whose wasm backend has helper threads exits when its work is done, without destroy()', () => {
  const pool = resolve(__dirname, '../../../src/runner/backends/gemmPool.ts');
  const wasm = resolve(__dirname, '../../../src/engine/backends/wasm/index.ts');
  const script = `
    const { createWasmBackend } = require(${JSON.stringify(wasm)});
    const { gemmHelpers } = require(${JSON.stringify(pool)});
    const be = createWasmBackend({ flavour: 'simd128', helpers: gemmHelpers(2), parallelMinMadds: 0 });
    const wait = () => be.threadStats().ready < 3 ? setTimeout(wait, 5) : (be.gemm(false, false, 64, 64, 64, be.alloc(4096), be.alloc(4096), be.alloc(4096), false), console.log('done'));
    wait();`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, 'the process did not exit by itself');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'done');
});

test('helpers that never start leave every tile to the calling thread: the product completes with one thread\'s bits', () => {
  const idle = { count: 3, start: () => ({ stop: () => {} }) };
  const [split, one] = [createWasmBackend({ flavour: 'simd128', helpers: idle, parallelMinMadds: 0 }), createWasmBackend({ flavour: 'simd128' })];
  const out = [split, one].map((be) => {
    const a = be.alloc(37 * 53), b = be.alloc(53 * 41), c = be.alloc(37 * 41);
    a.forEach((_, i) => (a[i] = Math.sin(i)));
    b.forEach((_, i) => (b[i] = Math.cos(i)));
    be.gemm(false, true, 37, 41, 53, a, b, c, false);
    return Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  });
  assert.ok(out[0].equals(out[1]));
  assert.deepEqual(split.threadStats(), { ready: 1, helperTiles: 0 });
});
