// Worker threads for the wasm backend's large matrix products and row-wise kernels: how many (from the cores and the
// user's cap), the helper script, and the GemmHelpers the engine is given. The engine does the splitting; this only
// starts threads.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { GemmHelpers } from '../../engine/backends/wasm';

/** The default team when the user sets no cap: every core, up to this many. */
export const DEFAULT_MAX_THREADS = 8;

export interface GemmWorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: number;
  index: number;
}

export interface ThreadPlan {
  /** Threads for products, the calling thread included. */
  threads: number;
  /** Why it is one thread where more were asked for or available; null otherwise. */
  reason: string | null;
}

/** The helper script beside this code: dist/gemmWorker.js in a bundle, the TypeScript source under tsx. */
export function gemmWorkerScript(): string | null {
  for (const name of ['gemmWorker.js', 'gemmWorker.ts']) {
    const path = join(__dirname, name);
    if (existsSync(path)) return path;
  }
  return null;
}

/** How many threads a wasm backend gets: `cap` (a user's --threads or setting; 0 or absent: the default) and the cores. */
export function threadPlan(cap?: number): ThreadPlan {
  if (cap !== undefined && !(Number.isInteger(cap) && cap >= 0)) throw new RangeError(`threads must be a whole number ≥ 0 (0: every core), got ${cap}`);
  const cores = availableParallelism();
  const threads = Math.min(cores, cap ? cap : DEFAULT_MAX_THREADS);
  if (threads > 1 && gemmWorkerScript() === null) return { threads: 1, reason: `the helper script gemmWorker.js is missing from ${__dirname}` };
  if (threads > 1) return { threads, reason: null };
  return { threads: 1, reason: cap === 1 ? 'threads set to 1' : 'one core available' };
}

/** Helpers that run as worker threads; they never keep the process alive, and one that fails leaves its share to the others. */
export function gemmHelpers(count: number, onError: (message: string) => void = () => {}): GemmHelpers {
  return {
    count,
    start(module, memory, control) {
      const script = gemmWorkerScript();
      if (script === null) throw new Error('internal: gemm helpers started without their script');
      const workers = Array.from({ length: count }, (_, i) => {
        const workerData: GemmWorkerData = { module, memory, control, index: i + 1 };
        const w = script.endsWith('.ts')
          // Under tsx (tests, bench) a worker does not inherit its loader: register tsx's require hook first.
          ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(script)});`, { eval: true, workerData })
          : new Worker(script, { workerData });
        w.unref();
        w.on('error', (e) => onError(`gemm helper ${i + 1}: ${e.message}`));
        return w;
      });
      return { stop: () => workers.forEach((w) => void w.terminate()) };
    },
  };
}
