// gpu.js:webgpu from the registry's side, on a software Vulkan driver: the probe names the adapter and marks it
// software, the backend starts by name (with a note) and never under 'auto', and a GPU thread that dies or hangs
// makes the waiting op throw a clear error instead of blocking forever. Op parity is in
// test/engine/backends/gpujs-parity.test.ts, training runs in test/cli/webgpu.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AUTO_ORDER, availableBackends, createBackend } from '../../../src/runner/backends/registry';
import { AUTO_ORDER as GPUJS_AUTO_ORDER } from '../../../src/runner/backends/gpujsProbe';
import { probeInProcess, probeWebGpu, startWebGpuBackend } from '../../../src/runner/backends/webgpu';
import { startWorker, type WorkerMessage } from '../../../src/runner/workerClient';
import { skipWithoutWebGpu, useSoftwareVulkan } from '../../helpers/vulkan';
import { tempWorkspace } from '../../helpers/workspace';

useSoftwareVulkan();


test('the probe reports the software adapter, and seqlab backends lists gpu.js:webgpu on it, marked software', (t) => {
  if (skipWithoutWebGpu(t)) return;
  const probe = probeWebGpu();
  assert.equal(probe.adapter?.software, true, JSON.stringify(probe.adapter));
  assert.ok(probe.adapter?.description, 'the adapter has a description');
  const row = availableBackends().find((b) => b.name === 'gpu.js:webgpu');
  assert.equal(row?.available, true);
  assert.equal(row?.kernels, `webgpu on ${probe.adapter?.description} (${probe.adapter?.vendor}), software adapter: not a GPU speed`);
});

test('gpu.js:webgpu starts by name with a note that its adapter is software, and auto never picks it', (t) => {
  if (skipWithoutWebGpu(t)) return;
  const { backend, notes } = createBackend('gpu.js:webgpu');
  try {
    assert.deepEqual(backend.info, { name: 'gpu.js', mode: 'webgpu', dtype: 'float32' });
    assert.match(notes.join('\n'), /^gpu\.js:webgpu runs on .*software adapter: not a GPU speed$/);
    const c = new Float32Array(4);
    backend.gemm(false, false, 2, 2, 1, new Float32Array([1, 2]), new Float32Array([3, 4]), c, false);
    assert.deepEqual(Array.from(c), [3, 4, 6, 8]);
  } finally {
    backend.destroy?.();
  }
  assert.ok(!AUTO_ORDER.includes('gpu.js:webgpu') && !(GPUJS_AUTO_ORDER as readonly string[]).includes('webgpu'));
  assert.notEqual(createBackend('auto').backend.info.mode, 'webgpu');
  assert.notEqual(createBackend('gpu.js').backend.info.mode, 'webgpu');
});

test('bad arguments are refused before the GPU thread, an op that fails there says so, and the backend keeps working', (t) => {
  if (skipWithoutWebGpu(t)) return;
  const started = startWebGpuBackend();
  assert.ok('backend' in started);
  const be = started.backend;
  try {
    assert.throws(() => be.gemm(false, false, 2, 2, 2, new Float32Array(3), new Float32Array(4), new Float32Array(4), false),
      /^RangeError: gpu\.js gemm: a has 3 values, needs 4$/);
    const k = (1 << 20) + 1;
    assert.throws(() => be.gemm(false, false, 1, 1, k, new Float32Array(k), new Float32Array(k), new Float32Array(1), false),
      /^Error: gpu\.js:webgpu gemm failed on the GPU thread: gpu\.js gemm: inner dimension 1048577 exceeds the kernel loop bound/);
    const out = new Float32Array([1, 1]);
    be.sumRows(new Float32Array([1, 2, 3, 4]), 2, 2, out);
    assert.deepEqual(Array.from(out), [5, 7]);
  } finally {
    be.destroy();
  }
});

test('a destroyed gpu.js:webgpu backend refuses further ops', (t) => {
  if (skipWithoutWebGpu(t)) return;
  const started = startWebGpuBackend();
  assert.ok('backend' in started);
  started.backend.destroy();
  assert.throws(() => started.backend.sumRows(new Float32Array(2), 1, 2, new Float32Array(2)), /gpu\.js:webgpu: the backend was destroyed/);
});

const FAKE = join(__dirname, '../../helpers/fakeGpuThread.ts');

for (const [how, message] of [
  ['throw', /gpu\.js:webgpu: the GPU thread has ended \(uncaught error on the GPU thread: the fake GPU thread fails\)/],
  ['exit', /gpu\.js:webgpu: the GPU thread has ended \(the GPU thread exited \(code 3\)\)/],
  ['hang', /gpu\.js:webgpu sumRows: the GPU thread has not run for 1000 ms \(no heartbeat\)/],
] as const) {
  test(`an op whose GPU thread dies (${how}) throws why, and so does every op after it`, () => {
    process.env.SEQLAB_FAKE_GPU_THREAD = how;
    const started = startWebGpuBackend(FAKE, 1000);
    assert.ok('backend' in started, JSON.stringify(started));
    const op = () => started.backend.sumRows(new Float32Array(2), 1, 2, new Float32Array(2));
    assert.throws(op, message);
    assert.throws(op, message);
    started.backend.destroy();
  });
}

test("the extension's training worker (dist/worker.js) trains on gpu.js:webgpu, its GPU thread nested in the worker", async (t) => {
  if (skipWithoutWebGpu(t)) return;
  const script = resolve(__dirname, '../../../dist/worker.js');
  assert.ok(existsSync(script), 'build first: node scripts/build.mjs');
  const dir = tempWorkspace({
    'w.seqlab.json': {
      seed: 5, data: { source: 'adding', length: 6, trainSize: 16, validationSize: 8 }, model: { cell: 'gru', hiddenSize: 4 },
      train: { steps: 4, batchSize: 8, evalEvery: 2, checkpointEvery: 2 },
    },
  }, 'seqlab-webgpu-worker-');
  const messages: WorkerMessage[] = [];
  const run = startWorker(script, { configFile: join(dir, 'w.seqlab.json'), workspace: dir, sweepIndex: 0, backend: 'gpu.js:webgpu' },
    (m) => messages.push(m));
  const started = await run.started;
  assert.equal(started?.backend, 'gpu.js/webgpu', JSON.stringify(messages.filter((m) => m.type === 'error')));
  const summary = await run.done;
  assert.equal(summary?.status, 'completed');
  assert.equal(summary?.steps, 4);
  assert.ok(messages.some((m) => m.type === 'log' && /gpu\.js:webgpu runs on .*software adapter/.test(m.message)));
});

test('the probe runs in a process of its own: one that crashes (as a driver inside Dawn may) only makes webgpu unavailable, and its stderr stays out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-probe-'));
  const crash = join(dir, 'crash.js');
  writeFileSync(crash, "process.stderr.write('driver noise\\n'); process.abort();");
  const crashed = probeInProcess(crash, 30_000);
  assert.equal(crashed.available, false);
  assert.match(crashed.reason ?? '', /the WebGPU probe process ended without a report \(signal SIGABRT: driver noise\)/);
  const adapter = { vendor: 'v', architecture: 'a', device: '', description: 'Test GPU', software: false };
  const good = join(dir, 'good.js');
  writeFileSync(good, `console.log(${JSON.stringify(JSON.stringify({ ready: true, text: JSON.stringify(adapter) }))});`);
  assert.deepEqual(probeInProcess(good, 30_000), { available: true, adapter, reason: null });
  const none = join(dir, 'none.js');
  writeFileSync(none, `console.log(${JSON.stringify(JSON.stringify({ ready: false, text: 'no adapter here' }))});`);
  assert.deepEqual(probeInProcess(none, 30_000), { available: false, adapter: null, reason: 'no adapter here' });
  rmSync(dir, { recursive: true });
});
