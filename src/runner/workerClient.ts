// Starting a training worker thread (dist/worker.js), streaming its typed messages, and stopping it.
// Message types are documented in workerProtocol.ts.
import { Worker } from 'node:worker_threads';
import type { RunSummary } from './events';
import type { HostToWorker, WorkerMessage, WorkerRequest } from './workerProtocol';

export type { WorkerMessage, WorkerRequest } from './workerProtocol';

export interface WorkerRun {
  /** Settles with the 'started' message, or null when the run never started (see the 'error' message). */
  started: Promise<Extract<WorkerMessage, { type: 'started' }> | null>;
  /** Settles with the final summary once the worker has exited; null when the run never started. */
  done: Promise<RunSummary | null>;
  /** Graceful stop: the run ends after its current step, saves a checkpoint and reports status "stopped". */
  stop(): void;
  /** Immediate end without saving (the files stay valid; the run can be resumed from its last checkpoint). */
  terminate(): Promise<void>;
}

/**
 * workerScript: absolute path of dist/worker.js. onMessage sees every message in order, 'done' last.
 * A worker that dies without 'done' (a crash) is reported as an internal 'error' message, then 'done'.
 */
export function startWorker(workerScript: string, request: WorkerRequest, onMessage: (m: WorkerMessage) => void): WorkerRun {
  const worker = new Worker(workerScript, { workerData: request });
  let resolveStarted!: (m: Extract<WorkerMessage, { type: 'started' }> | null) => void;
  const started = new Promise<Extract<WorkerMessage, { type: 'started' }> | null>((r) => { resolveStarted = r; });
  let finalSummary: RunSummary | null = null;
  let sawDone = false;
  worker.on('message', (m: WorkerMessage) => {
    if (m.type === 'started') resolveStarted(m);
    if (m.type === 'done') { sawDone = true; finalSummary = m.summary; resolveStarted(null); }
    onMessage(m);
  });
  worker.on('error', (e) => {
    onMessage({ type: 'error', kind: 'internal', message: e.stack ?? String(e), diagnostics: [] });
  });
  const done = new Promise<RunSummary | null>((resolve) => {
    worker.on('exit', () => {
      if (!sawDone) {
        sawDone = true;
        onMessage({ type: 'done', summary: null });
      }
      resolveStarted(null);
      resolve(finalSummary);
    });
  });
  return {
    started,
    done,
    stop: () => { const m: HostToWorker = { type: 'stop' }; worker.postMessage(m); },
    terminate: async () => { await worker.terminate(); },
  };
}
