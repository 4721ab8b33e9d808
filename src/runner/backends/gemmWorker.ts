// Helper-thread entry (bundled to dist/gemmWorker.js): serves the wasm backend's large matrix products and row-wise
// kernels on the memory it shares with the thread that started it (src/engine/backends/wasm/threads.ts), until
// stopped or terminated.
import { workerData } from 'node:worker_threads';
import { serveTeam } from '../../engine/backends/wasm/threads';
import type { GemmWorkerData } from './gemmPool';

const { module, memory, control, index } = workerData as GemmWorkerData;
serveTeam(module, memory, control, index);
