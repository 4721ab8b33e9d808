// GPU-thread entry (bundled to dist/webgpuThread.js; started by ./webgpu.ts): loads the `webgpu` package (Dawn),
// asks for an adapter, reports it in shared memory, then serves the ops of the gpu.js:webgpu backend, one request per
// message, with GPU.js in webgpu mode (src/engine/backends/gpuThread/server.ts). A worker thread, because WebGPU
// answers only asynchronously and the training thread must block while it waits (Atomics.wait).
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { GPU } from 'gpu.js';
import { createOpServer, type OpServer } from '../../engine/backends/gpuThread/server';
import { CONTROL_BYTES, State, controlWords, readText, signal, signalText, stateOf } from '../../engine/backends/gpuThread/wire';
import { firstLine, signsOfLife } from './gpuThreadLife';
import { adapterReport, type GpuThreadData, type ProbeLine } from './webgpuAdapter';

// Run as a process of its own (./webgpu.ts probeWebGpu), it only probes, and prints its report as one JSON line
// (an uncaught error ends that process without one, which the prober reports by its exit code).
const { control }: GpuThreadData = isMainThread ? { control: new SharedArrayBuffer(CONTROL_BYTES) } : workerData;
const probeOnly = isMainThread;
const life = signsOfLife(control);

async function start(): Promise<OpServer | null> {
  let webgpu: typeof import('webgpu');
  try {
    webgpu = await import('webgpu');
  } catch (e) {
    signalText(control, State.unavailable, `the webgpu package did not load: ${firstLine(e)}`);
    return null;
  }
  const gpu = webgpu.create([]);
  Object.assign(globalThis, webgpu.globals);
  // Node 21+ has a navigator of its own, without gpu: replace it for GPU.js, which looks for navigator.gpu.
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    signalText(control, State.unavailable, 'navigator.gpu exists (the webgpu package loaded) but WebGPU found no adapter: '
      + 'no Vulkan, Metal or D3D12 driver that Dawn accepts');
    return null;
  }
  const report = JSON.stringify(adapterReport(adapter.info));
  if (probeOnly) {
    signalText(control, State.ready, report);
    return null;
  }
  // GPU.js asks navigator.gpu for the default adapter as this thread did, so it runs on the one reported.
  const server = createOpServer(new GPU({ mode: 'webgpu' }));
  signalText(control, State.ready, report);
  return server;
}

void start().then((server) => {
  if (isMainThread) {
    const probe: ProbeLine = { ready: stateOf(controlWords(control)) === State.ready, text: readText(control) };
    process.stdout.write(`${JSON.stringify(probe)}\n`);
  }
  if (!server) {
    life.stop();
    parentPort?.close();
    return;
  }
  let data: SharedArrayBuffer | null = null;
  // One request at a time: the other side waits for each reply before it sends the next.
  parentPort?.on('message', (m: { data: SharedArrayBuffer | null } | 'close') => {
    if (m === 'close') {
      // Closed only once GPU.js has released everything: the other side may end this thread right after.
      void server.destroy().catch(() => undefined).finally(() => {
        life.stop();
        signal(controlWords(control), State.closed);
        parentPort?.close();
      });
      return;
    }
    data = m.data ?? data;
    if (data) void server.serve(control, data);
  });
});
