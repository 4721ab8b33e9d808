// Runs SeqLab measurements off the main thread (as the extension trains in a worker), so the main
// thread's event loop stays free; bench/run.ts measures its delay meanwhile. One job per message.
import { parentPort } from 'node:worker_threads';
import type { BenchConfig } from './configs';
import { measureSeqLab, type SeqLabResult } from './seqlab';

export interface SeqLabJob {
  backend: string;
  config: BenchConfig;
  budgetMs: number;
  warmup: number;
  minSteps: number;
}

export type WorkerReply = { ok: true; result: SeqLabResult } | { ok: false; error: string };

parentPort!.on('message', (job: SeqLabJob) => {
  measureSeqLab(job.backend, job.config, job.budgetMs, job.warmup, job.minSteps).then(
    (result) => parentPort!.postMessage({ ok: true, result } satisfies WorkerReply),
    (e: unknown) => parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) } satisfies WorkerReply),
  );
});
