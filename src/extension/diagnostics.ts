// Problems in *.seqlab.json files, from the runner's validator, refreshed on open, on edit (debounced) and on save.
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import { checkConfigText } from './configCheck';
import { groupByFile, type EditorDiagnostic } from './diagnosticsMap';
import { KeyedDebouncer } from './throttle';

const EDIT_DELAY_MS = 300;

function isConfigDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'file' && /\.seqlab\.json$/i.test(doc.uri.fsPath);
}

function toVscode(d: EditorDiagnostic): vscode.Diagnostic {
  const range = new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character);
  const out = new vscode.Diagnostic(range, d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  out.source = 'seqlab';
  if (d.code) out.code = d.code;
  return out;
}

export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('seqlab');
  /** Data files that got diagnostics from a config, so they are cleared when that config no longer reports them. */
  private readonly dataFilesOf = new Map<string, string[]>();
  private readonly debouncer = new KeyedDebouncer<string>(EDIT_DELAY_MS, (key) => this.checkOpen(key));
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => { if (isConfigDocument(d)) this.check(d); }),
      vscode.workspace.onDidChangeTextDocument((e) => { if (isConfigDocument(e.document)) this.debouncer.trigger(e.document.uri.toString()); }),
      vscode.workspace.onDidSaveTextDocument((d) => { if (isConfigDocument(d)) { this.debouncer.cancel(d.uri.toString()); this.check(d); } }),
      vscode.workspace.onDidCloseTextDocument((d) => { if (isConfigDocument(d)) this.debouncer.cancel(d.uri.toString()); }),
    );
    for (const d of vscode.workspace.textDocuments) if (isConfigDocument(d)) this.check(d);
  }

  private checkOpen(key: string): void {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (doc) this.check(doc);
  }

  /** Validates a document now; returns whether it has errors (runs refuse to start then). */
  check(doc: vscode.TextDocument): boolean {
    const file = doc.uri.fsPath;
    const workspace = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath ?? dirname(file);
    let grouped: Map<string, EditorDiagnostic[]>;
    try {
      grouped = groupByFile(checkConfigText(file, doc.getText(), workspace));
    } catch (e) {
      this.log.error(`validating ${file}: ${(e as Error).stack ?? e}`);
      return false;
    }
    for (const old of this.dataFilesOf.get(file) ?? []) if (!grouped.has(old)) this.collection.delete(vscode.Uri.file(old));
    this.dataFilesOf.set(file, [...grouped.keys()].filter((f) => f !== file));
    this.collection.set(doc.uri, (grouped.get(file) ?? []).map(toVscode));
    for (const [other, list] of grouped) if (other !== file) this.collection.set(vscode.Uri.file(other), list.map(toVscode));
    return [...grouped.values()].some((list) => list.some((d) => d.severity === 'error'));
  }

  dispose(): void {
    this.debouncer.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
