// Saving what a webview exported (chart PNG/SVG, metrics CSV): webviews cannot write files, so the host asks where.
import * as vscode from 'vscode';
import type { ExportFormat } from '../../shared/format';
import { exportBytes } from './exportBytes';

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
