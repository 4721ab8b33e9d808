// Starts runs through the FIFO queue and a worker per run, and tells the rest of the extension what is happening:
// progress notification (with cancel), status-bar item, log channel, and events the webviews subscribe to.
import * as vscode from 'vscode';
import type { RunRecord, RunSummary, StepRecord, TaskRecord } from '../runner/events';
import { COMMANDS, RUNNING_CONTEXT, SETTINGS, SETTINGS_SECTION } from './ids';
import { RunQueue, type StartedRun } from './runQueue';
import { BatchThrottle } from './throttle';
import type { LaunchedRun, Launcher, RunRequest } from './runTypes';
import { formatLoss } from './treeModel';

export interface ActiveRun {
  ticket: number;
  request: RunRequest;
  runId: string;
  dir: string;
  totalSteps: number;
  lastStep: StepRecord | null;
}

export interface RecordsEvent { runId: string; records: RunRecord[]; taskRecords: TaskRecord[] }

export class RunController implements vscode.Disposable {
  private readonly queue: RunQueue<RunRequest>;
  private readonly active = new Map<string, ActiveRun>();
  private readonly recordsEmitter = new vscode.EventEmitter<RecordsEvent>();
  private readonly summaryEmitter = new vscode.EventEmitter<RunSummary>();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  private readonly startEmitter = new vscode.EventEmitter<ActiveRun>();
  /** Batches of new records of a live run (unthrottled; each webview throttles for itself). */
  readonly onRecords = this.recordsEmitter.event;
  readonly onSummary = this.summaryEmitter.event;
  /** A run was queued, started or ended. */
  readonly onDidChange = this.changeEmitter.event;
  /** A run's worker has started and its folder exists. */
  readonly onDidStart = this.startEmitter.event;
  private readonly status: vscode.StatusBarItem;
  /** The run the status bar and the live view follow: the most recently started one still running. */
  private focusRunId: string | null = null;
  /** Status bar and progress notifications cross to the UI process: at most 4 updates a second, whatever the step rate. */
  private readonly uiTick = new vscode.EventEmitter<void>();
  private readonly uiThrottle = new BatchThrottle<true>(250, () => { this.refreshStatus(); this.uiTick.fire(); });
  private lastRunningContext: boolean | null = null;

  constructor(private readonly launcher: Launcher, private readonly log: vscode.LogOutputChannel) {
    this.queue = new RunQueue<RunRequest>(
      (request, ticket) => this.launch(request, ticket),
      () => vscode.workspace.getConfiguration(SETTINGS_SECTION).get<number>(SETTINGS.maxConcurrentRuns, 1),
    );
    this.queue.onEvent((e) => {
      if (e.kind === 'queued' && e.position > 1) this.log.info(`queued ${e.run.request.label} (position ${e.position})`);
      if (e.kind === 'cancelled') this.log.info(`removed ${e.run.request.label} from the queue`);
      if (e.kind === 'finished' && e.error) {
        this.log.error(`${e.run.request.label}: ${(e.error as Error).message ?? String(e.error)}`);
        void vscode.window.showErrorMessage(`SeqLab: ${e.run.request.label} could not run: ${(e.error as Error).message ?? e.error}`, 'Show Log')
          .then((pick) => { if (pick) this.log.show(); });
      }
      this.refreshStatus();
      this.changeEmitter.fire();
    });
    this.status = vscode.window.createStatusBarItem('seqlab.run', vscode.StatusBarAlignment.Left, 50);
    this.status.name = 'SeqLab Run';
    this.refreshStatus();
  }

  enqueue(request: RunRequest): void {
    this.queue.enqueue(request);
  }

  activeRuns(): ActiveRun[] {
    return [...this.active.values()];
  }

  activeRun(runId: string): ActiveRun | undefined {
    return this.active.get(runId);
  }

  focusedRun(): ActiveRun | undefined {
    return this.focusRunId ? this.active.get(this.focusRunId) : undefined;
  }

  /** Queued runs that have not started, for "Stop Run". */
  queued(): { ticket: number; label: string }[] {
    return this.queue.list().filter((r) => r.state === 'queued').map((r) => ({ ticket: r.ticket, label: r.request.label }));
  }

  stopTicket(ticket: number): boolean {
    return this.queue.stop(ticket);
  }

  stopRun(runId: string): boolean {
    const run = this.active.get(runId);
    if (!run) return false;
    this.log.info(`stopping ${runId}`);
    return this.queue.stop(run.ticket);
  }

  private async launch(request: RunRequest, ticket: number): Promise<StartedRun> {
    this.log.info(`starting ${request.label} (${request.configFile}${request.sweepIndex ? `, sweep #${request.sweepIndex}` : ''})`);
    let run: ActiveRun | null = null;
    // Records can arrive before launch resolves; keep them until the run is registered.
    const early: RecordsEvent[] = [];
    const launched: LaunchedRun = await this.launcher(request, {
      onRecords: (records, taskRecords) => {
        if (!run) { early.push({ runId: '', records, taskRecords }); return; }
        this.deliver(run, records, taskRecords);
      },
      onSummary: (summary) => this.summaryEmitter.fire(summary),
      onLog: (level, message) => this.log[level](`[${run?.runId ?? request.label}] ${message}`),
    });
    const current: ActiveRun = {
      ticket, request, runId: launched.runId, dir: launched.dir, totalSteps: launched.totalSteps, lastStep: null,
    };
    run = current;
    this.active.set(current.runId, current);
    this.focusRunId = current.runId;
    this.startEmitter.fire(current);
    for (const e of early) this.deliver(current, e.records, e.taskRecords);
    this.changeEmitter.fire();
    this.refreshStatus();
    const done = launched.done.then((summary) => {
      this.active.delete(current.runId);
      if (this.focusRunId === current.runId) this.focusRunId = [...this.active.keys()].pop() ?? null;
      if (summary) {
        this.summaryEmitter.fire(summary);
        const msg = `${current.runId} ${summary.status} after ${summary.steps} steps` +
          (summary.finalLoss !== null ? `, loss ${formatLoss(summary.finalLoss)}` : '') + (summary.reason ? `: ${summary.reason}` : '');
        if (summary.status === 'failed') this.log.error(msg); else this.log.info(msg);
        if (summary.status === 'failed') {
          void vscode.window.showErrorMessage(`SeqLab: ${msg}`, 'Open Dashboard')
            .then((pick) => { if (pick) void vscode.commands.executeCommand(COMMANDS.openDashboard, current.runId); });
        }
      }
      this.refreshStatus();
    });
    this.showProgress(current, done);
    return { stop: () => launched.stop(), done };
  }

  private deliver(run: ActiveRun, records: RunRecord[], taskRecords: TaskRecord[]): void {
    for (let i = records.length - 1; i >= 0; i--) {
      const r = records[i];
      if (r.kind === 'step') { run.lastStep = r; break; }
    }
    this.recordsEmitter.fire({ runId: run.runId, records, taskRecords });
    this.uiThrottle.push(true);
  }

  private showProgress(run: ActiveRun, done: Promise<void>): void {
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `SeqLab: ${run.request.label}`, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => this.stopRun(run.runId));
        let reported = 0;
        let reportedStep = 0;
        const sub = this.uiTick.event(() => {
          if (!run.lastStep || run.lastStep.step === reportedStep) return;
          reportedStep = run.lastStep.step;
          const pct = Math.min(100, (100 * run.lastStep.step) / Math.max(1, run.totalSteps));
          progress.report({ increment: pct - reported, message: stepText(run) });
          reported = pct;
        });
        return done.finally(() => sub.dispose());
      },
    );
  }

  private refreshStatus(): void {
    const run = this.focusedRun();
    const waiting = this.queued().length;
    if (this.lastRunningContext !== this.active.size > 0) {
      this.lastRunningContext = this.active.size > 0;
      void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, this.lastRunningContext);
    }
    if (!run) { this.status.hide(); return; }
    const more = this.active.size > 1 ? ` +${this.active.size - 1}` : '';
    this.status.text = `$(pulse) ${progressText(run)}${more}${waiting ? ` (${waiting} queued)` : ''}`;
    this.status.tooltip = `SeqLab: ${run.request.label} (${run.runId}). Click to open its dashboard.`;
    this.status.command = { title: 'Open Dashboard', command: COMMANDS.openDashboard, arguments: [run.runId] };
    this.status.show();
  }

  dispose(): void {
    this.queue.stopAll();
    this.uiThrottle.clear();
    this.uiTick.dispose();
    this.status.dispose();
    this.recordsEmitter.dispose();
    this.summaryEmitter.dispose();
    this.changeEmitter.dispose();
    this.startEmitter.dispose();
  }
}

/** "step 120/1000 · loss 0.0123 · 9.7 steps/s" (the progress notification already names the run). */
function stepText(run: Pick<ActiveRun, 'lastStep' | 'totalSteps'>): string {
  const s = run.lastStep;
  if (!s) return 'starting';
  return `step ${s.step}/${run.totalSteps} · loss ${formatLoss(s.loss)} · ${s.stepsPerSec.toFixed(1)} steps/s`;
}

function progressText(run: Pick<ActiveRun, 'request' | 'lastStep' | 'totalSteps'>): string {
  return `${run.request.label}: ${stepText(run)}`;
}
