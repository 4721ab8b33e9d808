// Dashboard panels: one WebviewPanel per run (or per comparison), restored after a window reload by a serializer.
import * as vscode from 'vscode';
import type { DashboardState } from '../../shared/protocol';
import { DASHBOARD_VIEW_TYPE } from '../ids';
import { webviewHtml, webviewOptions } from './page';
import { RunStream, type WebviewDeps } from './runStream';

/** All open dashboard panels; one per run (or per set of compared runs). */
export class DashboardPanels implements vscode.Disposable, vscode.WebviewPanelSerializer<DashboardState> {
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
