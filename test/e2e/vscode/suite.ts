// The integration scenario inside a desktop VS Code (run by scripts/e2e/run-vscode.ts through @vscode/test-electron,
// which downloads VS Code: it cannot run on machines without that download). It drives the extension through its
// commands and the editor's own providers instead of a browser.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

async function until<T>(what: string, fn: () => T | null | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function runs(workspace: string): { id: string; status: string; steps: number }[] {
  const dir = join(workspace, '.seqlab', 'runs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((id) => {
    try {
      const s = JSON.parse(readFileSync(join(dir, id, 'summary.json'), 'utf8')) as { status: string; steps: number };
      return [{ id, status: s.status, steps: s.steps }];
    } catch { return []; }
  });
}

function metricLines(workspace: string, id: string): number {
  const f = join(workspace, '.seqlab', 'runs', id, 'metrics.jsonl');
  return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).length : 0;
}

export async function run(): Promise<void> {
  const workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const config = vscode.Uri.file(join(workspace, 'tiny.seqlab.json'));
  await vscode.window.showTextDocument(config);
  const ext = vscode.extensions.getExtension('seqlab.seqlab');
  assert.ok(ext, 'the extension is installed');
  await ext.activate();

  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', config);
  assert.ok(lenses.some((l) => l.command?.command === 'seqlab.runExperiment' && l.range.start.line === 2), 'a Run lens on the config\'s opening brace');

  // Run as the CodeLens does (its command with the config's Uri), watch metrics grow, stop.
  await vscode.commands.executeCommand('seqlab.runExperiment', config);
  const first = await until('a run folder', () => runs(workspace)[0]);
  const n1 = await until('metrics', () => metricLines(workspace, first.id) || null);
  await until('more metrics', () => metricLines(workspace, first.id) > n1 + 5);
  await vscode.commands.executeCommand('seqlab.stopRun');
  await until('the run to stop', () => runs(workspace).find((r) => r.id === first.id && r.status === 'stopped'));

  // Run as the palette does (no argument: the active editor's config), then stop it too.
  await vscode.window.showTextDocument(config);
  await vscode.commands.executeCommand('seqlab.runExperiment');
  const second = await until('a second run', () => runs(workspace).find((r) => r.id !== first.id));
  await until('its metrics', () => metricLines(workspace, second.id) > 3);
  await vscode.commands.executeCommand('seqlab.stopRun');
  await until('both runs stopped', () => runs(workspace).filter((r) => r.status === 'stopped').length === 2);
}
