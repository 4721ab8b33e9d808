import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { DEFAULT_MAX_THREADS, threadPlan } from '../../../src/runner/backends/gemmPool';
import {
  AUTO_ORDER, BACKEND_NAMES, BackendUnavailableError, autoChoice, availableBackends, backendLabel, createBackend, probeThreads,
} from '../../../src/runner/backends/registry';

// gpu.js:webgpu serves as the backend that cannot start, whatever the machine: the Vulkan loader is pointed at a
// driver file that does not exist, so WebGPU finds no adapter. ./webgpu.test.ts runs it on a software driver.
process.env.VK_ICD_FILENAMES = '/nonexistent/seqlab-no-vulkan-driver.json';

test('reference and reference64 start with their dtype and no notes', () => {
  const f32 = createBackend('reference');
  assert.deepEqual(f32.backend.info, { name: 'reference', mode: 'float32', dtype: 'float32' });
  assert.ok(f32.backend.alloc(2) instanceof Float32Array);
  assert.deepEqual(f32.notes, []);
  const f64 = createBackend('reference64', { fallback: [] });
  assert.equal(f64.backend.info.dtype, 'float64');
  assert.ok(f64.backend.alloc(2) instanceof Float64Array);
});

test('an unavailable backend with no fallback throws BackendUnavailableError naming it and why', () => {
  assert.throws(() => createBackend('gpu.js:webgpu', { fallback: [] }), (e: unknown) => {
    assert.ok(e instanceof BackendUnavailableError);
    assert.equal(e.backend, 'gpu.js:webgpu');
    assert.match(e.message, /'webgpu' is unavailable: .*found no adapter/);
    assert.match(e.message, /available instead: .*gpu\.js:cpu/);
    return true;
  });
});

test('an unavailable backend moves down the fallback list and the notes say what fell back and why', () => {
  const { backend, notes } = createBackend('gpu.js:webgpu', { fallback: ['gpu.js:cpu', 'reference'] });
  assert.deepEqual(backend.info, { name: 'gpu.js', mode: 'cpu', dtype: 'float32' });
  assert.equal(notes.length, 1);
  assert.match(notes[0], /^backend gpu\.js:webgpu is unavailable \(.*found no adapter.*\); fell back to gpu\.js:cpu$/);
});

test('when every fallback fails too, the error lists each reason', () => {
  assert.throws(() => createBackend('gpu.js:webgpu', { fallback: ['gpu.js:webgpu'] }), (e: unknown) => {
    assert.ok(e instanceof BackendUnavailableError);
    assert.match(e.message, /found no adapter.*; gpu\.js:webgpu is unavailable too/);
    return true;
  });
});

test('unknown backend names are rejected up front, naming the setting', () => {
  assert.throws(() => createBackend('gpu'), /unknown backend 'gpu' in the backend setting; expected one of: auto, reference/);
  assert.throws(() => createBackend('reference', { fallback: ['reference', 'webgl'] }), /unknown backend 'webgl' in backend fallback\[1\]/);
});

test("'auto' starts the first backend of AUTO_ORDER and notes the choice", () => {
  const { backend, notes } = createBackend('auto');
  const first = createBackend(AUTO_ORDER[0]).backend;
  assert.deepEqual(backend.info, first.info);
  assert.deepEqual(notes, [`auto chose ${AUTO_ORDER[0]}`]);
});

test('availableBackends reports every concrete backend, with a reason exactly when unavailable', () => {
  const list = availableBackends();
  assert.deepEqual(list.map((b) => b.name), BACKEND_NAMES.filter((n) => n !== 'auto'));
  for (const b of list) assert.equal(b.reason === null, b.available, `${b.name}: ${b.reason}`);
  const by = new Map(list.map((b) => [b.name, b]));
  assert.equal(by.get('reference')?.available, true);
  assert.equal(by.get('gpu.js:cpu')?.available, true);
  assert.equal(by.get('gpu.js:webgpu')?.available, false);
  // Every available backend in the list really starts.
  for (const b of list.filter((x) => x.available)) assert.ok(createBackend(b.name).backend.info.name.length > 0, b.name);
  if (process.env.CI) assert.equal(by.get('gpu.js:headlessgl')?.available, true, by.get('gpu.js:headlessgl')?.reason ?? '');
});

test("wasm starts its best kernel flavour here, 'wasm:simd128' pins baseline SIMD, and availableBackends says which runs", () => {
  const list = availableBackends(threadPlan(1));
  for (const b of list) assert.equal(b.kernels !== null, b.available, `${b.name}: kernels ${b.kernels}`);
  const by = new Map(list.map((b) => [b.name, b]));
  // The registry sets V8's relaxed-SIMD flag where it is needed, so Node 20 runs the relaxed-SIMD kernels.
  assert.equal(by.get('wasm:relaxed-simd')?.available, true, by.get('wasm:relaxed-simd')?.reason ?? '');
  assert.equal(by.get('wasm')?.kernels, 'relaxed-simd');
  for (const name of ['wasm', 'wasm:simd128', 'wasm:relaxed-simd'] as const)
    assert.deepEqual(createBackend(name).backend.info, { name: 'wasm', mode: by.get(name)?.kernels, dtype: 'float32' }, name);
  assert.equal(by.get('reference64')?.kernels, 'float64');
  assert.equal(by.get('gpu.js:cpu')?.kernels, 'cpu');
});

test('autoChoice is the first available backend of AUTO_ORDER, or null when none of them starts', () => {
  const list = availableBackends();
  assert.equal(autoChoice(list)?.name, AUTO_ORDER[0]);
  const noWasm = list.map((b) => (b.name === 'wasm' ? { ...b, available: false, reason: 'test', kernels: null } : b));
  assert.equal(autoChoice(noWasm)?.name, AUTO_ORDER[1]);
  assert.equal(autoChoice(list.map((b) => ({ ...b, available: false, reason: 'test', kernels: null }))), null);
});

test('wasm with threads: every core up to the cap by default, the label says how many, and one thread says why', async () => {
  const cores = availableParallelism();
  assert.deepEqual(threadPlan(1), { threads: 1, reason: 'threads set to 1' });
  assert.equal(threadPlan(0).threads, Math.min(cores, DEFAULT_MAX_THREADS));
  assert.equal(threadPlan(2).threads, Math.min(cores, 2));
  assert.throws(() => threadPlan(-1), /threads must be a whole number ≥ 0/);
  const { backend } = createBackend('wasm', { fallback: [], threads: 2 });
  try {
    const n = Math.min(cores, 2);
    assert.equal(backendLabel(backend.info), `wasm/relaxed-simd${n > 1 ? ` ×${n} threads` : ''}`);
    assert.equal(backend.info.mode, 'relaxed-simd'); // the flavour alone; the threads have their own field
  } finally {
    backend.destroy?.();
  }
  // Without a thread option (callers that do not destroy their backend) it is one thread.
  assert.equal(createBackend('wasm').backend.info.threads, undefined);
  assert.equal((await probeThreads(1)).threads, 1);
  assert.equal((await probeThreads(0)).threads, Math.min(cores, DEFAULT_MAX_THREADS));
});
