// Launches each run in a worker thread through the runner's workerClient, so training never blocks the extension
// host, and writes the same run folders as the CLI.
import { join } from 'node:path';
import { formatDiagnostic } from '../runner/diagnostics';
import { startWorker } from '../runner/workerClient';
import type { Launcher } from './runTypes';

/** threads: the seqlab.threads setting when a run starts (the wasm backend's thread cap, 0 for every core). */
export function workerLauncher(extensionPath: string, threads: () => number): Launcher {
  const script = join(extensionPath, 'dist', 'worker.js');
  return async (request, sinks) => {
    let failure: string | null = null;
    const req = { configFile: request.configFile, workspace: request.workspace, sweepIndex: request.sweepIndex, threads: threads() };
    const run = startWorker(script, req, (m) => {
      switch (m.type) {
        case 'records': sinks.onRecords(m.records, m.taskRecords); break;
        case 'summary': sinks.onSummary(m.summary); break;
        case 'log': sinks.onLog(m.level === 'warning' ? 'warn' : 'info', m.message); break;
        case 'error': {
          failure = m.diagnostics.length ? m.diagnostics.map(formatDiagnostic).join('\n') : m.message;
          sinks.onLog('error', failure);
          break;
        }
        case 'started': case 'done': break;
      }
    });
    const started = await run.started;
    if (!started) {
      await run.done;
      throw new Error(failure ?? 'the training worker ended before the run started');
    }
    return { runId: started.runId, dir: started.dir, totalSteps: started.totalSteps, stop: () => run.stop(), done: run.done };
  };
}
