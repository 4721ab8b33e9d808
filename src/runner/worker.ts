// Worker-thread entry (bundled to dist/worker.js): runs one experiment and posts every message of
// workerProtocol.ts to the parent. A { type: 'stop' } message stops the run after the current step.
import { parentPort, workerData } from 'node:worker_threads';
import { expandSweep } from './config/load';
import { InputError } from './diagnostics';
import { prepareExperiment, readConfig } from './experiment';
import { resumeRun, startRun, type RunHooks } from './run';
import type { HostToWorker, WorkerMessage, WorkerRequest } from './workerProtocol';

async function main(port: NonNullable<typeof parentPort>, req: WorkerRequest): Promise<void> {
  const post = (m: WorkerMessage) => port.postMessage(m);
  let stop = false;
  port.on('message', (m: HostToWorker) => { if (m.type === 'stop') stop = true; });
  const hooks: RunHooks = {
    onStart: (s) => post({ type: 'started', ...s }),
    onRecord: (record) => post({ type: 'record', record }),
    onTask: (record) => post({ type: 'task', record }),
    onLog: (level, message) => post({ type: 'log', level, message }),
    onSummary: (summary) => post({ type: 'summary', summary }),
    shouldStop: () => stop,
  };
  try {
    let result;
    if (req.resume) {
      result = await resumeRun(req.resume, { backend: req.backend, hooks });
    } else {
      const { source, config, warnings } = readConfig(req.configFile);
      const runs = expandSweep(source, config);
      const run = runs[req.sweepIndex];
      if (!run) throw new Error(`sweep index ${req.sweepIndex} is out of range: the config has ${runs.length} run(s)`);
      const exp = prepareExperiment(source, run, { workspace: req.workspace, warnings });
      result = await startRun(exp, { outDir: req.outDir, init: req.init, backend: req.backend, hooks });
    }
    post({ type: 'done', summary: result.summary });
  } catch (e) {
    if (e instanceof InputError) post({ type: 'error', kind: 'input', message: e.message, diagnostics: e.diagnostics });
    else post({ type: 'error', kind: 'internal', message: (e as Error).stack ?? String(e), diagnostics: [] });
    post({ type: 'done', summary: null });
  } finally {
    port.close();
  }
}

if (parentPort) void main(parentPort, workerData as WorkerRequest);
