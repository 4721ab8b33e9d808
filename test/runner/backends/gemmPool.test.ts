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
    const be = createWasmBackend({ flavour: 'simd128', helpers: gemmHelpers(2), parallelMinMadds: 0, wakeMinMadds: 0 });
    const wait = () => be.threadStats().ready < 3 ? setTimeout(wait, 5) : (be.gemm(false, false, 64, 64, 64, be.alloc(4096), be.alloc(4096), be.alloc(4096), false), console.log('done'));
    wait();`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, 'the process did not exit by itself');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'done');
});

test('helpers that never start leave every tile to the calling thread: the product completes with one thread\'s bits', () => {
  const idle = { count: 3, start: () => ({ stop: () => {} }) };
  const [split, one] = [createWasmBackend({ flavour: 'simd128', helpers: idle, parallelMinMadds: 0, wakeMinMadds: 0 }), createWasmBackend({ flavour: 'simd128' })];
  const out = [split, one].map((be) => {
    const a = be.alloc(37 * 53), b = be.alloc(53 * 41), c = be.alloc(37 * 41);
    a.forEach((_, i) => (a[i] = Math.sin(i)));
    b.forEach((_, i) => (b[i] = Math.cos(i)));
    be.gemm(false, true, 37, 41, 53, a, b, c, false);
    return Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  });
  assert.ok(out[0].equals(out[1]));
  assert.deepEqual(split.threadStats(), { ready: 1, helperTiles: 0, rowJobs: 0 });
});

test('a helper thread that fails inside its share makes the product throw, instead of leaving the caller waiting', () => {
  const threads = resolve(__dirname, '../../../src/engine/backends/wasm/threads.ts');
  const wasm = resolve(__dirname, '../../../src/engine/backends/wasm/index.ts');
  // A helper whose kernel throws on every tile, as a wasm trap would. Run in a child process: before the fix, the
  // calling thread blocked in Atomics.wait forever, which no timer in this process could interrupt.
  const helper = `require('tsx/cjs');
    const { workerData } = require('node:worker_threads');
    const Real = WebAssembly.Instance;
    WebAssembly.Instance = function (m, i) { new Real(m, i); return { exports: { gemmTile() { throw new Error('injected fault'); } } }; };
    require(${JSON.stringify(threads)}).serveTeam(workerData.module, workerData.memory, workerData.control, workerData.index);`;
  const script = `
    const { Worker } = require('node:worker_threads');
    const { createWasmBackend } = require(${JSON.stringify(wasm)});
    const errors = [];
    const helpers = { count: 1, start(module, memory, control) {
      const w = new Worker(${JSON.stringify(helper)}, { eval: true, workerData: { module, memory, control, index: 1 } });
      w.on('error', (e) => errors.push(e.message));
      return { stop: () => void w.terminate() };
    } };
    const be = createWasmBackend({ flavour: 'simd128', helpers, parallelMinMadds: 0, wakeMinMadds: 0 });
    const n = 256, a = be.alloc(n * n), b = be.alloc(n * n), c = be.alloc(n * n);
    const attempt = () => { try { be.gemm(false, false, n, n, n, a, b, c, false); return null; } catch (e) { return e.message; } };
    const go = () => {
      if (be.threadStats().ready < 2) return setTimeout(go, 5);
      // The calling thread may take both tiles of a product before the helper wakes; within a few products it does not.
      let first = null;
      for (let i = 0; i < 200 && first === null; i++) first = attempt();
      const again = attempt();
      setTimeout(() => { console.log(JSON.stringify({ first, again, errors })); be.destroy(); }, 200);
    };
    go();`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, 'the product never returned: the calling thread waits for the failed helper');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim()) as { first: string | null; again: string | null; errors: string[] };
  assert.match(out.first ?? 'no product reached the failing helper', /helper thread failed inside its share/);
  assert.match(out.again ?? 'the next product ran', /helper thread failed/, 'the backend stays failed');
  assert.ok(out.errors.some((m) => m.includes('injected fault')), `the helper's own error reaches the host: ${out.errors.join('; ')}`);
});
