// A stand-in for src/runner/backends/webgpuThread.ts that reports a made-up adapter and then fails on its first
// request the way SEQLAB_FAKE_GPU_THREAD says: 'throw' (an uncaught error), 'exit' (process.exit), or 'hang' (its event
// loop blocks, so its heartbeat stops). It uses the real thread's signs of life (gpuThreadLife.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { State, signalText } from '../../src/engine/backends/gpuThread/wire';
import { signsOfLife } from '../../src/runner/backends/gpuThreadLife';
import type { GpuThreadData } from '../../src/runner/backends/webgpuAdapter';

const { control } = workerData as GpuThreadData;
signsOfLife(control);
const how = process.env.SEQLAB_FAKE_GPU_THREAD;
signalText(control, State.ready, JSON.stringify({ vendor: 'test', architecture: 'fake', device: '', description: 'Fake adapter', software: true }));
parentPort?.on('message', () => {
  if (how === 'exit') process.exit(3);
  if (how === 'hang') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  setTimeout(() => { throw new Error('the fake GPU thread fails'); }, 0);
});
