// The wait of the shared-memory protocol between a synchronous backend and its GPU thread
// (src/engine/backends/gpuThread/wire.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { CONTROL_BYTES, State, controlWords, signal, waitWhile } from '../../../../src/engine/backends/gpuThread/wire';

test('a wake-up without a new state (the late notify of the previous call) does not end the wait for a request', () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const words = controlWords(control);
  signal(words, State.request);
  // The other side wakes this one while the state is still `request`, then answers. The state word is slot 0.
  const other = new Worker(`
    const { workerData } = require('node:worker_threads');
    const words = new Int32Array(workerData, 0, 1);
    const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    sleep(50);
    Atomics.notify(words, 0);
    sleep(150);
    Atomics.store(words, 0, ${State.done});
    Atomics.notify(words, 0);`, { eval: true, workerData: control });
  try {
    assert.equal(waitWhile(words, State.request, 10_000, 'test request'), State.done);
  } finally {
    void other.terminate();
  }
});

test('a GPU thread without a heartbeat ends the wait with an error that names the call', () => {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const words = controlWords(control);
  signal(words, State.request);
  assert.throws(() => waitWhile(words, State.request, 300, 'gpu.js:webgpu gemm'), /gpu\.js:webgpu gemm: the GPU thread has not run for 300 ms/);
});
