// Messages between a host (the extension, tests) and a training worker thread (src/runner/worker.ts → dist/worker.js).
//
// Host → worker: workerData is a WorkerRequest; later messages are HostToWorker.
// Worker → host, in order:
//   { type: 'started' }  once the run folder exists (not sent when the config or data is bad)
//   { type: 'records' }  the records written to the run folder since the last post, in order: run records and task
//                        records (text samples, forecasts…). Batched, at most RECORD_POST_MS apart, so a run at
//                        thousands of steps a second sends the host a few messages a second, not thousands.
//   { type: 'log' }      warnings (config warnings, backend fallbacks) and info (resume, stop)
//   { type: 'summary' }  the RunSummary each time summary.json is rewritten (status "running" until the end)
//   { type: 'error' }    bad config/input (kind "input", with ranged diagnostics) or an internal error
//   { type: 'done' }     always last: the final summary, or null when the run never started
import type { RunRecord, RunSummary, TaskRecord } from './events';
import type { Diagnostic } from './diagnostics';

export interface WorkerRequest {
  /** Absolute path of the *.seqlab.json. */
  configFile: string;
  /** Folder the data files must stay inside. */
  workspace: string;
  /** Index of the sweep combination to run (0 without a sweep). */
  sweepIndex: number;
  /** Run folder to create (default: the config's runs folder / a new run id). */
  outDir?: string;
  /** A safetensors state_dict to start from. */
  init?: string;
  /** Resume this run folder instead of starting a new run (configFile and sweepIndex are then ignored; workspace confines its data). */
  resume?: string;
  /** Overrides the config's backend.name. */
  backend?: string;
  /** The most threads for the wasm backend's matrix products (0 or absent: every core, up to a cap). */
  threads?: number;
}

export type HostToWorker = { type: 'stop' };

/** The longest a record waits in the worker before it is posted. */
export const RECORD_POST_MS = 100;

export type WorkerMessage =
  | { type: 'started'; runId: string; dir: string; startStep: number; totalSteps: number; backend: string }
  | { type: 'records'; records: RunRecord[]; taskRecords: TaskRecord[] }
  | { type: 'log'; level: 'info' | 'warning'; message: string }
  | { type: 'summary'; summary: RunSummary }
  | { type: 'error'; kind: 'input' | 'internal'; message: string; diagnostics: Diagnostic[] }
  | { type: 'done'; summary: RunSummary | null };
