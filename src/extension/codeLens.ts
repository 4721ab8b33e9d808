// CodeLens above each config: Run · Run Sweep · Open last run · Compare.
import * as vscode from 'vscode';
import { configLenses, type LensAction } from './codeLensModel';
import { COMMANDS, type CommandId } from './ids';
import type { WorkspaceIndex } from './workspaceIndex';

const TITLES: Record<LensAction, { title: string; command: CommandId }> = {
  run: { title: '$(play) Run', command: COMMANDS.runExperiment },
  sweep: { title: '$(run-all) Run Sweep', command: COMMANDS.runSweep },
  openLastRun: { title: '$(history) Open last run', command: COMMANDS.openLastRun },
  compare: { title: '$(diff-multiple) Compare', command: COMMANDS.compareRuns },
};

export class ConfigCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly index: WorkspaceIndex) {
    // "Open last run" and "Compare" appear once runs exist.
    this.sub = index.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const spec = configLenses(doc.getText(), this.index.runsOfConfig(doc.uri.fsPath).length);
    if (!spec) return [];
    const range = new vscode.Range(spec.line, 0, spec.line, 0);
    return spec.actions.map((a) => new vscode.CodeLens(range, { ...TITLES[a], arguments: [doc.uri] }));
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
