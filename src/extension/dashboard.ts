// Dashboard panels: one WebviewPanel per run (or per comparison), restored after a reload by a serializer.
// The webview is not kept alive while hidden (retainContextWhenHidden: false), so each time it (re)loads it sends
// "ready" and gets a full snapshot; while visible, new records reach it throttled and batched.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { panelHtml } from './panelHtml';
import type { RunRecord, RunSnapshot, TaskRecord } from '../runner/events';
import type { ExportFormat } from '../shared/format';
import type { DashboardState, HostMessage, WebviewMessage } from '../shared/protocol';
import { exportBytes, StreamCursor } from './liveStream';
import { readSnapshot } from '../runner/snapshot';
import type { RunController } from './runController';
import { BatchThrottle } from './throttle';
import type { WorkspaceIndex } from './workspaceIndex';

export const DASHBOARD_VIEW_TYPE = 'seqlab.dashboard';
/** At most 10 posts per second per webview, whatever the run's step rate. */
export const POST_INTERVAL_MS = 100;

export interface WebviewDeps {
  extensionUri: vscode.Uri;
  runs: RunController;
  index: WorkspaceIndex;
  log: vscode.LogOutputChannel;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, kind: 'dashboard' | 'live', title: string): string {
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', name)).toString();
  return panelHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: asset(`${kind}.js`),
    styleUri: asset(`${kind}.css`),
    title,
    kind,
  });
}

/**
 * Connects one webview to a set of runs: snapshot on "ready", throttled appends for live runs, summaries, and the
 * webview's requests (stop, export, open another run). Shared by dashboard panels and the live side view.
 */
export class RunStream implements vscode.Disposable {
  private ready = false;
  private cursors = new Map<string, StreamCursor>();
  private readonly throttle: BatchThrottle<{ runId: string; record?: RunRecord; task?: TaskRecord }>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly webview: vscode.Webview,
    private runIds: string[],
    private readonly deps: WebviewDeps,
    private readonly isVisible: () => boolean,
  ) {
    this.throttle = new BatchThrottle(POST_INTERVAL_MS, (batch) => this.postAppends(batch));
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

  sendSnapshot(): void {
    if (!this.ready) return;
    this.throttle.clear();
    this.cursors = new Map();
    const runs: RunSnapshot[] = [];
    for (const runId of this.runIds) {
      const dir = this.deps.runs.activeRun(runId)?.dir ?? this.deps.index.run(runId)?.dir;
      if (!dir) { this.deps.log.warn(`dashboard: run ${runId} not found`); continue; }
      const snap = readSnapshot(runId, dir);
      this.cursor(runId).seen(snap.records);
      runs.push(snap);
    }
    const live = this.runIds.some((id) => this.deps.runs.activeRun(id) !== undefined);
    this.post({ type: 'snapshot', runs, live });
  }

  private cursor(runId: string): StreamCursor {
    let c = this.cursors.get(runId);
    if (!c) { c = new StreamCursor(); this.cursors.set(runId, c); }
    return c;
  }

  private postAppends(batch: { runId: string; record?: RunRecord; task?: TaskRecord }[]): void {
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
      case 'stop':
        if (!this.deps.runs.stopRun(m.runId)) void vscode.window.showInformationMessage(`SeqLab: ${m.runId} is not running.`);
        return;
      case 'openRun':
        await vscode.commands.executeCommand('seqlab.openDashboard', m.runId);
        return;
      case 'export':
        await saveExport(m.format, m.fileName, m.data, this.deps.log);
        return;
    }
  }

  dispose(): void {
    this.throttle.clear();
    for (const d of this.disposables) d.dispose();
  }
}

const FILTERS: Record<ExportFormat, Record<string, string[]>> = {
  png: { 'PNG image': ['png'] }, svg: { 'SVG image': ['svg'] }, csv: { 'CSV table': ['csv'] },
};

/** Asks where to save what a webview exported, then writes it. */
export async function saveExport(format: ExportFormat, fileName: string, data: string, log: vscode.LogOutputChannel): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const safeName = fileName.replace(/[\\/:*?"<>|]/g, '_');
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, safeName) : undefined,
    filters: FILTERS[format],
    saveLabel: 'Export',
  });
  if (!target) return undefined;
  try {
    await vscode.workspace.fs.writeFile(target, exportBytes(format, data));
    log.info(`exported ${format} to ${target.fsPath}`);
    return target;
  } catch (e) {
    void vscode.window.showErrorMessage(`SeqLab: could not export: ${(e as Error).message}`);
    return undefined;
  }
}

/** All open dashboard panels; one per run (or per set of compared runs). */
export class DashboardManager implements vscode.Disposable, vscode.WebviewPanelSerializer<DashboardState> {
  private readonly panels = new Map<string, { panel: vscode.WebviewPanel; stream: RunStream }>();

  constructor(private readonly deps: WebviewDeps) {}

  /** Opens (or reveals) the dashboard of one run, or a comparison of several. */
  open(runIds: string[]): vscode.WebviewPanel {
    const key = runIds.join('+');
    const existing = this.panels.get(key);
    if (existing) { existing.panel.reveal(); return existing.panel; }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, titleOf(runIds), vscode.ViewColumn.Beside, {
      ...webviewOptions(this.deps.extensionUri),
      retainContextWhenHidden: false,
      enableFindWidget: true,
    });
    this.attach(panel, runIds);
    return panel;
  }

  /** Restores a dashboard after a window reload from the state the webview saved (its run ids). */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: DashboardState | undefined): Promise<void> {
    const runIds = state?.runIds?.filter((id) => typeof id === 'string') ?? [];
    if (runIds.length === 0) { panel.dispose(); return; }
    await this.deps.index.refresh();
    panel.webview.options = webviewOptions(this.deps.extensionUri);
    panel.title = titleOf(runIds);
    this.attach(panel, runIds);
  }

  private attach(panel: vscode.WebviewPanel, runIds: string[]): void {
    const key = runIds.join('+');
    const stream = new RunStream(panel.webview, runIds, this.deps, () => panel.visible);
    this.panels.set(key, { panel, stream });
    panel.iconPath = vscode.Uri.joinPath(this.deps.extensionUri, 'media', 'seqlab.svg');
    panel.onDidChangeViewState(() => (panel.visible ? stream.visible() : stream.hidden()));
    panel.onDidDispose(() => { stream.dispose(); this.panels.delete(key); });
    panel.webview.html = webviewHtml(panel.webview, this.deps.extensionUri, 'dashboard', panel.title);
  }

  dispose(): void {
    for (const { panel } of this.panels.values()) panel.dispose();
  }
}

function titleOf(runIds: string[]): string {
  return runIds.length === 1 ? `SeqLab: ${runIds[0]}` : `SeqLab: compare ${runIds.length} runs`;
}
