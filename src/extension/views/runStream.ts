// Connects one webview to a set of runs. The webview is not kept alive while hidden (retainContextWhenHidden: false),
// so each time it (re)loads it sends "ready" and gets a full snapshot; while visible, new records reach it throttled
// and batched.
import * as vscode from 'vscode';
import type { RunRecord, RunSnapshot, TaskRecord } from '../../runner/events';
import { readSnapshot } from '../../runner/snapshot';
import { ignoreUnknownMessage, type HostMessage, type WebviewMessage } from '../../shared/protocol';
import type { RunController } from '../runController';
import { BatchThrottle } from '../throttle';
import type { WorkspaceIndex } from '../workspaceIndex';
import { saveExport } from './saveExport';
import { StreamCursor } from './streamCursor';

/** At most 10 posts per second per webview, whatever the run's step rate. */
const POST_INTERVAL_MS = 100;
/**
 * One append in flight: the next waits for the webview's "received" (sent once it has handled the last and drawn a
 * frame), or this long, so a webview that cannot keep up is sent fewer, larger batches rather than a growing queue.
 */
const ACK_TIMEOUT_MS = 2000;

/** What every SeqLab webview view needs from the extension. */
export interface WebviewDeps {
  extensionUri: vscode.Uri;
  runs: RunController;
  index: WorkspaceIndex;
  log: vscode.LogOutputChannel;
}

type Pending = { runId: string; record?: RunRecord; task?: TaskRecord };

/**
 * Snapshot on "ready", throttled appends for live runs, summaries, and the webview's requests (stop, export).
 * Each view (dashboard panel, live side view) owns one per webview.
 */
export class RunStream implements vscode.Disposable {
  private ready = false;
  private cursors = new Map<string, StreamCursor>();
  /** Runs training outside this window (the CLI, an exported train.py), with how many task records were shown. */
  private external = new Map<string, number>();
  private readonly throttle: BatchThrottle<Pending>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly webview: vscode.Webview,
    private runIds: string[],
    private readonly deps: WebviewDeps,
    private readonly isVisible: () => boolean,
  ) {
    this.throttle = new BatchThrottle(POST_INTERVAL_MS, (batch) => this.postAppends(batch), undefined, ACK_TIMEOUT_MS);
    this.disposables.push(
      webview.onDidReceiveMessage((m: WebviewMessage) => this.onMessage(m)),
      deps.runs.onRecords((e) => {
        if (!this.ready || !this.isVisible() || !this.runIds.includes(e.runId)) return;
        const fresh = this.cursor(e.runId).fresh(e.records);
        this.throttle.push(...fresh.map((record) => ({ runId: e.runId, record })), ...e.taskRecords.map((task) => ({ runId: e.runId, task })));
      }),
      deps.runs.onSummary((summary) => {
        if (!this.ready || !this.runIds.includes(summary.runId)) return;
        this.throttle.flushNow();
        this.post({ type: 'summary', runId: summary.runId, summary });
      }),
      // Rescans follow every rewrite of a summary.json, which a run training elsewhere does as it goes.
      deps.index.onDidChange(() => this.followExternal()),
    );
  }

  get shownRunIds(): readonly string[] {
    return this.runIds;
  }

  /** Switches to other runs (the live view follows the newest run). */
  show(runIds: string[]): void {
    this.runIds = runIds;
    this.sendSnapshot();
  }

  /** The webview was hidden: it is torn down, so drop what it would have received; "ready" will follow on show. */
  hidden(): void {
    this.ready = false;
    this.throttle.clear();
  }

  /** Becoming visible again after a reload of the webview's content, if it already said ready. */
  visible(): void {
    if (this.ready) this.sendSnapshot();
  }

  private sendSnapshot(): void {
    if (!this.ready) return;
    this.throttle.clear();
    this.cursors = new Map();
    this.external = new Map();
    const runs: RunSnapshot[] = [];
    for (const runId of this.runIds) {
      const dir = this.deps.runs.activeRun(runId)?.dir ?? this.deps.index.run(runId)?.dir;
      if (!dir) { this.deps.log.warn(`webview: run ${runId} not found`); continue; }
      const snap = readSnapshot(runId, dir);
      this.cursor(runId).seen(snap.records);
      if (snap.summary?.status === 'running' && !this.deps.runs.activeRun(runId)) this.external.set(runId, snap.taskRecords.length);
      runs.push(snap);
    }
    const live = this.runIds.some((id) => this.deps.runs.activeRun(id) !== undefined);
    this.post({ type: 'snapshot', runs, live });
  }

  /** Sends what runs training elsewhere added to their folders since the last look, until they end. */
  private followExternal(): void {
    if (!this.ready || !this.isVisible()) return;
    for (const [runId, tasksShown] of this.external) {
      const dir = this.deps.index.run(runId)?.dir;
      if (!dir) continue;
      const snap = readSnapshot(runId, dir);
      const records = this.cursor(runId).fresh(snap.records);
      const taskRecords = snap.taskRecords.slice(tasksShown);
      if (records.length || taskRecords.length) this.post({ type: 'append', runId, records, taskRecords });
      this.external.set(runId, snap.taskRecords.length);
      if (!snap.summary) continue;
      this.post({ type: 'summary', runId, summary: snap.summary });
      if (snap.summary.status !== 'running') this.external.delete(runId);
    }
  }

  private cursor(runId: string): StreamCursor {
    let c = this.cursors.get(runId);
    if (!c) { c = new StreamCursor(); this.cursors.set(runId, c); }
    return c;
  }

  private postAppends(batch: Pending[]): void {
    const byRun = new Map<string, { records: RunRecord[]; taskRecords: TaskRecord[] }>();
    for (const item of batch) {
      const entry = byRun.get(item.runId) ?? { records: [], taskRecords: [] };
      if (item.record) entry.records.push(item.record);
      if (item.task) entry.taskRecords.push(item.task);
      byRun.set(item.runId, entry);
    }
    for (const [runId, e] of byRun) this.post({ type: 'append', runId, records: e.records, taskRecords: e.taskRecords });
  }

  private post(message: HostMessage): void {
    void this.webview.postMessage(message);
  }

  private async onMessage(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.sendSnapshot();
        return;
      case 'received':
        this.throttle.ack();
        return;
      case 'stop':
        if (!this.deps.runs.stopRun(m.runId)) void vscode.window.showInformationMessage(`SeqLab: ${m.runId} is not running.`);
        return;
      case 'export':
        await saveExport(m.format, m.fileName, m.data, this.deps.log);
        return;
      default:
        ignoreUnknownMessage(m, (line) => this.deps.log.warn(`webview: ${line}`));
    }
  }

  dispose(): void {
    this.throttle.clear();
    for (const d of this.disposables) d.dispose();
  }
}
