// Runs SeqLab measurements off the main thread (as the extension trains in a worker), so the main
// thread's event loop stays free; bench/run.ts measures its delay meanwhile. One job per message.
import { parentPort } from 'node:worker_threads';
import type { BenchConfig } from './configs';
import { measureSeq2Seq, type Seq2SeqBenchConfig } from './seq2seq';
import { measureSeqLab, type SeqLabResult } from './seqlab';

export interface SeqLabJob {
  backend: string;
  /** A recurrent-model configuration, or the sequence-to-sequence one (it has an attention type). */
  config: BenchConfig | Seq2SeqBenchConfig;
  budgetMs: number;
  warmup: number;
  minSteps: number;
  /** The wasm backend's thread team (0: every core); absent: one thread. */
  threads?: number;
}

export type WorkerReply = { ok: true; result: SeqLabResult } | { ok: false; error: string };

parentPort!.on('message', (job: SeqLabJob) => {
  const c = job.config;
  const measured = 'attention' in c ? measureSeq2Seq(job.backend, c, job.budgetMs, job.warmup, job.minSteps, job.threads)
    : measureSeqLab(job.backend, c, job.budgetMs, job.warmup, job.minSteps, job.threads);
  measured.then(
    (result) => parentPort!.postMessage({ ok: true, result } satisfies WorkerReply),
    (e: unknown) => parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) } satisfies WorkerReply),
  );
});
