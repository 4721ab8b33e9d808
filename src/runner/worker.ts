// Worker-thread entry (bundled to dist/worker.js): runs one experiment and posts every message of
// workerProtocol.ts to the parent. A { type: 'stop' } message stops the run after the current step.
// Records are batched (RECORD_POST_MS): the host's event loop also serves the editor, and a fast run would
// otherwise flood it with one message per step. Any other message first flushes the batch, so order is kept.
import { parentPort, workerData } from 'node:worker_threads';
import { expandSweep } from './config/load';
import { InputError } from './diagnostics';
import { WriteError } from './files';
import { prepareExperiment, readConfig } from './experiment';
import { resumeRun, startRun, type RunHooks } from './run';
import type { RunRecord, TaskRecord } from './events';
import { RECORD_POST_MS, type HostToWorker, type WorkerMessage, type WorkerRequest } from './workerProtocol';

async function main(port: NonNullable<typeof parentPort>, req: WorkerRequest): Promise<void> {
  const batch = new RecordBatch((records, taskRecords) => port.postMessage({ type: 'records', records, taskRecords } satisfies WorkerMessage));
  const post = (m: WorkerMessage) => { batch.flush(); port.postMessage(m); };
  let stop = false;
  port.on('message', (m: HostToWorker) => { if (m.type === 'stop') stop = true; });
  const hooks: RunHooks = {
    onStart: (s) => post({ type: 'started', ...s }),
    onRecord: (record) => batch.add(record, null),
    onTask: (record) => batch.add(null, record),
    onLog: (level, message) => post({ type: 'log', level, message }),
    onSummary: (summary) => post({ type: 'summary', summary }),
    shouldStop: () => stop,
  };
  try {
    let result;
    if (req.resume) {
      result = await resumeRun(req.resume, { backend: req.backend, threads: req.threads, workspace: req.workspace, hooks });
    } else {
      const { source, config, warnings } = readConfig(req.configFile);
      const runs = expandSweep(source, config);
      const run = runs[req.sweepIndex];
      if (!run) throw new Error(`sweep index ${req.sweepIndex} is out of range: the config has ${runs.length} run(s)`);
      const exp = prepareExperiment(source, run, { workspace: req.workspace, warnings });
      result = await startRun(exp, { outDir: req.outDir, init: req.init, backend: req.backend, threads: req.threads, hooks });
    }
    post({ type: 'done', summary: result.summary });
  } catch (e) {
    if (e instanceof InputError) post({ type: 'error', kind: 'input', message: e.message, diagnostics: e.diagnostics });
    else if (e instanceof WriteError) post({ type: 'error', kind: 'internal', message: e.message, diagnostics: [] });
    else post({ type: 'error', kind: 'internal', message: (e as Error).stack ?? String(e), diagnostics: [] });
    post({ type: 'done', summary: null });
  } finally {
    port.close();
  }
}

/** Records waiting to be posted; the first one added starts the timer that posts them all. */
class RecordBatch {
  private records: RunRecord[] = [];
  private taskRecords: TaskRecord[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly send: (records: RunRecord[], taskRecords: TaskRecord[]) => void) {}

  add(record: RunRecord | null, task: TaskRecord | null): void {
    if (record) this.records.push(record);
    if (task) this.taskRecords.push(task);
    this.timer ??= setTimeout(() => this.flush(), RECORD_POST_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.records.length === 0 && this.taskRecords.length === 0) return;
    this.send(this.records, this.taskRecords);
    this.records = [];
    this.taskRecords = [];
  }
}

if (parentPort) void main(parentPort, workerData as WorkerRequest);
