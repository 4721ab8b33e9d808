// "SeqLab: Export to PyTorch" (a config → a folder that trains it with plain PyTorch, on one GPU or with torchrun) and
// "SeqLab: Export to ONNX" (a run's newest checkpoint → model.onnx). Both are thin over src/runner/export.
import * as vscode from 'vscode';
import { dirname, join } from 'node:path';
import { formatDiagnostic, InputError } from '../runner/diagnostics';
import { exportOnnx } from '../runner/export/onnx/index';
import { exportConfig } from '../runner/export/pytorch';
import type { ConfigDiagnostics } from './diagnostics';
import type { RunEntry } from './treeModel';

interface ExportDeps {
  log: vscode.LogOutputChannel;
  diagnostics: ConfigDiagnostics;
}

function reportFailure(d: ExportDeps, what: string, e: unknown): void {
  const message = e instanceof InputError ? e.diagnostics.map(formatDiagnostic).join('\n') : (e as Error).message;
  d.log.error(`${what}: ${message}`);
  void vscode.window.showErrorMessage(`SeqLab: ${what}: ${message.split('\n')[0]}`, 'Show Log').then((pick) => { if (pick) d.log.show(); });
}

/** Exports the config into <config>-pytorch beside it (one subfolder per sweep combination) and offers its README. */
export async function exportToPyTorch(d: ExportDeps, uri: vscode.Uri): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.isDirty) await doc.save();
  if (d.diagnostics.check(doc)) {
    void vscode.window.showErrorMessage(`SeqLab: ${vscode.workspace.asRelativePath(uri)} has problems; fix them to export it.`);
    return;
  }
  const out = uri.fsPath.replace(/(\.seqlab)?\.jsonc?$/i, '') + '-pytorch';
  const workspace = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? dirname(uri.fsPath);
  let dirs: string[];
  try {
    dirs = exportConfig(uri.fsPath, out, { workspace }).map((e) => e.dir);
  } catch (e) {
    reportFailure(d, `could not export ${vscode.workspace.asRelativePath(uri)}`, e);
    return;
  }
  d.log.info(`exported ${uri.fsPath} to ${dirs.join(', ')}`);
  const pick = await vscode.window.showInformationMessage(
    `SeqLab: exported to ${vscode.workspace.asRelativePath(dirs[0])}${dirs.length > 1 ? ` and ${dirs.length - 1} more` : ''}. ` +
    'Train with "python3 train.py" or "torchrun --nproc_per_node=N train.py" there; its runs appear here.', 'Open README');
  if (pick) await vscode.window.showTextDocument(vscode.Uri.file(join(dirs[0], 'README.md')));
}

/** Writes the run's newest checkpoint as ONNX where the user chooses (default: model.onnx in the run folder). */
export async function exportRunToOnnx(d: ExportDeps, run: RunEntry): Promise<void> {
  const dest = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(join(run.dir, 'model.onnx')), filters: { 'ONNX model': ['onnx'] }, saveLabel: 'Export to ONNX',
  });
  if (!dest) return;
  try {
    const checkpoint = exportOnnx(run.dir, dest.fsPath);
    d.log.info(`${checkpoint} written as ONNX to ${dest.fsPath}`);
    void vscode.window.showInformationMessage(`SeqLab: ${run.runId} written to ${vscode.workspace.asRelativePath(dest)}.`);
  } catch (e) {
    reportFailure(d, `could not export ${run.runId} to ONNX`, e);
  }
}
