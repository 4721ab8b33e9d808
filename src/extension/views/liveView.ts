// The "Live Run" side view: follows the most recently started run (loss sparkline, step, steps/s, ETA, backend,
// Stop), drawn by dist/webview/live.js from the same protocol messages as the dashboard.
import * as vscode from 'vscode';
import { byNewest } from '../runOrder';
import { webviewHtml, webviewOptions } from './page';
import { RunStream, type WebviewDeps } from './runStream';

export class LiveViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private stream: RunStream | null = null;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: WebviewDeps) {
    this.disposables.push(deps.runs.onDidChange(() => this.follow()));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = webviewOptions(this.deps.extensionUri);
    this.stream?.dispose();
    const stream = new RunStream(view.webview, this.currentRunIds(), this.deps, () => view.visible);
    this.stream = stream;
    view.onDidChangeVisibility(() => (view.visible ? stream.visible() : stream.hidden()));
    view.onDidDispose(() => { stream.dispose(); if (this.stream === stream) this.stream = null; });
    view.webview.html = webviewHtml(view.webview, this.deps.extensionUri, 'live', 'SeqLab: Live Run');
  }

  /** The focused live run, or else the newest finished run, so the view is not empty after a run ends. */
  private currentRunIds(): string[] {
    const live = this.deps.runs.focusedRun();
    if (live) return [live.runId];
    const newest = byNewest(this.deps.index.runs)[0];
    return newest ? [newest.runId] : [];
  }

  private follow(): void {
    const live = this.deps.runs.focusedRun();
    if (!this.stream || !live || this.stream.shownRunIds[0] === live.runId) return;
    this.stream.show([live.runId]);
  }

  dispose(): void {
    this.stream?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
