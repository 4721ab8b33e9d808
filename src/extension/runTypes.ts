// The contract between the run controller and whatever actually trains (the runner's worker thread).
import type { RunRecord, RunSummary, TaskRecord } from '../runner/events';

export interface RunRequest {
  /** Absolute path of the *.seqlab.json. */
  configFile: string;
  /** Folder data files must stay inside (the workspace folder of the config). */
  workspace: string;
  /** Which sweep combination to run (index into the runner's expandSweep order); 0 for a config without a sweep. */
  sweepIndex: number;
  /** Shown while queued, e.g. "adding" or "adding [cell=gru]". */
  label: string;
}

export interface RunSinks {
  onRecords(records: RunRecord[], taskRecords: TaskRecord[]): void;
  onSummary(summary: RunSummary): void;
  onLog(level: 'info' | 'warn' | 'error', message: string): void;
}

export interface LaunchedRun {
  runId: string;
  /** Absolute path of the run folder. */
  dir: string;
  /** Optimizer steps the run will do (for progress and ETA). */
  totalSteps: number;
  stop(): void;
  /** Settles with the final summary once the worker has ended (stopped, failed or completed). */
  done: Promise<RunSummary | null>;
}

export type Launcher = (request: RunRequest, sinks: RunSinks) => Promise<LaunchedRun>;
