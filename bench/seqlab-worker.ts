// Runs SeqLab measurements off the main thread (as the extension trains in a worker), so the main
// thread's event loop stays free; bench/run.ts measures its delay meanwhile.
import { parentPort, workerData } from 'node:worker_threads';
import type { BenchConfig } from './configs';
import { measureSeqLab } from './seqlab';

export interface SeqLabJob {
  backend: string;
  config: BenchConfig;
  budgetMs: number;
  warmup: number;
  minSteps: number;
}

export type WorkerMessage =
  | { type: 'result'; job: SeqLabJob; result: Awaited<ReturnType<typeof measureSeqLab>> }
  | { type: 'error'; job: SeqLabJob; message: string }
  | { type: 'done' };

async function main(jobs: SeqLabJob[]): Promise<void> {
  for (const job of jobs) {
    try {
      const result = await measureSeqLab(job.backend, job.config, job.budgetMs, job.warmup, job.minSteps);
      parentPort!.postMessage({ type: 'result', job, result } satisfies WorkerMessage);
    } catch (e) {
      parentPort!.postMessage({ type: 'error', job, message: e instanceof Error ? e.message : String(e) } satisfies WorkerMessage);
    }
  }
  parentPort!.postMessage({ type: 'done' } satisfies WorkerMessage);
}

void main((workerData as { jobs: SeqLabJob[] }).jobs);
