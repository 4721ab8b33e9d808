// The SeqLab commands. Each resolves its target from what it was invoked with (a Uri from CodeLens/explorer/editor
// title, a tree node, a run id from a webview or the status bar) or else asks with a quick pick.
import * as vscode from 'vscode';
import { dirname, isAbsolute, join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { assignmentLabel, expandSweep, parseConfig, type SweepRun } from '../runner/config/load';
import { readDashboardAssets, renderReportHtml } from '../runner/reportHtml';
import type { ConfigDiagnostics } from './diagnostics';
import { openExample, openExamples, runExample } from './exampleCommands';
import { exportRunToOnnx, exportToPyTorch } from './exportCommands';
import type { TreeNode } from './experimentsTree';
import { COMMANDS, type CommandId } from './ids';
import { readSnapshot } from '../runner/snapshot';
import type { RunController } from './runController';
import { byNewest } from './runOrder';
import type { RunRequest } from './runTypes';
import type { RunEntry } from './treeModel';
import type { TrustState } from './trust';
import type { DashboardPanels } from './views/dashboardPanels';
import { CONFIG_GLOB, type WorkspaceIndex } from './workspaceIndex';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  trust: TrustState;
  index: WorkspaceIndex;
  runs: RunController;
  dashboards: DashboardPanels;
  diagnostics: ConfigDiagnostics;
}

type Target = vscode.Uri | TreeNode | string | undefined;

function isTreeNode(x: unknown): x is TreeNode {
  return typeof x === 'object' && x !== null && 'kind' in x && ((x as TreeNode).kind === 'run' || (x as TreeNode).kind === 'experiment');
}

export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  const explain = (m: string) => void vscode.window.showWarningMessage(m, 'Manage Workspace Trust')
    .then((pick) => { if (pick) void vscode.commands.executeCommand('workbench.trust.manage'); });
  // A Record over every id, so a command declared in ids.ts without a handler here does not compile.
  const handlers: Record<CommandId, (target: Target) => unknown> = {
    [COMMANDS.runExperiment]: (target) => d.trust.gate('run', explain, () => runConfig(d, target, false)),
    [COMMANDS.runSweep]: (target) => d.trust.gate('sweep', explain, () => runConfig(d, target, true)),
    [COMMANDS.stopRun]: (target) => stopRun(d, target),
    [COMMANDS.openDashboard]: async (target) => {
      const run = await pickRun(d, target, 'Open the dashboard of which run?');
      if (run) d.dashboards.open([run.runId]);
    },
    [COMMANDS.openLastRun]: async (target) => {
      const file = await configFile(target);
      const last = file ? d.index.runsOfConfig(file.fsPath)[0] : undefined;
      if (last) d.dashboards.open([last.runId]);
      else void vscode.window.showInformationMessage('SeqLab: this experiment has no runs yet.');
    },
    [COMMANDS.compareRuns]: (target) => compareRuns(d, target),
    [COMMANDS.newExperiment]: () => newExperiment(d),
    [COMMANDS.openRunFolder]: async (target) => {
      const run = await pickRun(d, target, 'Open the folder of which run?');
      if (run) await revealFolder(run.dir);
    },
    [COMMANDS.revealRunFolder]: async (target) => {
      const run = await pickRun(d, target, 'Reveal the folder of which run?');
      if (run) await revealFolder(run.dir);
    },
    [COMMANDS.exportReport]: (target) => exportReport(d, target),
    [COMMANDS.showLog]: () => d.log.show(),
    [COMMANDS.deleteRun]: (target) => deleteRun(d, target),
    [COMMANDS.refreshRuns]: () => d.index.refresh(),
    [COMMANDS.openExamples]: () => openExamples({ extensionPath: d.context.extensionUri.fsPath, log: d.log }),
    [COMMANDS.openExample]: (name) => openExample(name),
    [COMMANDS.runExample]: (name) => d.trust.gate('run', explain, () => runExample(name, (uri) => runConfig(d, uri, false))),
    [COMMANDS.exportPyTorch]: async (target) => {
      const uri = await configFile(target);
      if (uri) await exportToPyTorch(d, uri);
    },
    [COMMANDS.exportOnnx]: async (target) => {
      const run = await pickRun(d, target, 'Export which run to ONNX?');
      if (run) await exportRunToOnnx(d, run);
    },
  };
  return Object.entries(handlers).map(([id, fn]) => vscode.commands.registerCommand(id, fn));
}

/** The config a command is about: its argument, else the active editor's config. */
async function configFile(target: Target): Promise<vscode.Uri | undefined> {
  if (target instanceof vscode.Uri) return target;
  if (isTreeNode(target) && target.kind === 'experiment' && target.config) return vscode.Uri.file(target.config.file);
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && /\.seqlab\.json$/i.test(active.fsPath)) return active;
  const found = await vscode.workspace.findFiles(CONFIG_GLOB, '**/{node_modules,.seqlab}/**');
  if (found.length === 0) {
    void vscode.window.showInformationMessage('SeqLab: no *.seqlab.json config in this workspace. Create one with "SeqLab: New Experiment".');
    return undefined;
  }
  if (found.length === 1) return found[0];
  const pick = await vscode.window.showQuickPick(found.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })), { placeHolder: 'Which experiment?' });
  return pick?.uri;
}

async function runConfig(d: CommandDeps, target: Target, chooseSweep: boolean): Promise<void> {
  const uri = await configFile(target);
  if (!uri) return;
  const doc = await vscode.workspace.openTextDocument(uri);
  // Runs read the file from disk (like the CLI), so unsaved edits are saved first.
  if (doc.isDirty) await doc.save();
  if (d.diagnostics.check(doc)) {
    const pick = await vscode.window.showErrorMessage(`SeqLab: ${vscode.workspace.asRelativePath(uri)} has problems; fix them to run it.`, 'Show Problems');
    if (pick) await vscode.commands.executeCommand('workbench.actions.view.problems');
    return;
  }
  const loaded = parseConfig(uri.fsPath, doc.getText());
  if (!loaded.config) return;
  let combos: SweepRun[] = expandSweep(loaded.source, loaded.config);
  const name = loaded.config.name;
  let indices = combos.map((_, i) => i);
  if (chooseSweep) {
    if (Object.keys(loaded.config.sweep).length === 0) {
      void vscode.window.showInformationMessage(`SeqLab: ${name} has no "sweep"; add one, e.g. "sweep": { "model.cell": ["rnn", "gru", "lstm", "transformer"] }.`);
      return;
    }
    const picks = await vscode.window.showQuickPick(
      combos.map((c, i) => ({ label: assignmentLabel(c.assignment), index: i, picked: true })),
      { canPickMany: true, placeHolder: `Run which of the ${combos.length} combinations of ${name}?` },
    );
    if (!picks || picks.length === 0) return;
    indices = picks.map((p) => p.index);
  }
  const workspace = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? dirname(uri.fsPath);
  combos = indices.map((i) => combos[i]);
  indices.forEach((sweepIndex, k) => {
    const label = Object.keys(combos[k].assignment).length ? `${name} [${assignmentLabel(combos[k].assignment)}]` : name;
    const request: RunRequest = { configFile: uri.fsPath, workspace, sweepIndex, label };
    d.runs.enqueue(request);
  });
}

function runEntryOf(d: CommandDeps, target: Target): RunEntry | undefined {
  if (typeof target === 'string') {
    const active = d.runs.activeRun(target);
    return d.index.run(target) ?? (active ? { runId: active.runId, dir: active.dir, summary: null, configFile: active.request.configFile, lossInfo: null } : undefined);
  }
  if (isTreeNode(target) && target.kind === 'run') return target.run;
  return undefined;
}

async function pickRun(d: CommandDeps, target: Target, placeHolder: string): Promise<RunEntry | undefined> {
  const given = runEntryOf(d, target);
  if (given) return given;
  await d.index.refresh();
  const runs = byNewest(d.index.runs);
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('SeqLab: there are no runs yet.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(runs.map((r) => ({
    label: r.runId, description: r.summary ? `${r.summary.status}${r.summary.finalLoss !== null ? ` · loss ${r.summary.finalLoss.toPrecision(4)}` : ''}` : '', run: r,
  })), { placeHolder });
  return pick?.run;
}

async function stopRun(d: CommandDeps, target: Target): Promise<void> {
  const given = runEntryOf(d, target);
  if (given) {
    if (!d.runs.stopRun(given.runId)) void vscode.window.showInformationMessage(`SeqLab: ${given.runId} is not running.`);
    return;
  }
  const running = d.runs.activeRuns().map((r) => ({ label: r.runId, description: 'running', stop: () => d.runs.stopRun(r.runId) }));
  const waiting = d.runs.queued().map((q) => ({ label: q.label, description: 'queued', stop: () => d.runs.stopTicket(q.ticket) }));
  const all = [...running, ...waiting];
  if (all.length === 0) { void vscode.window.showInformationMessage('SeqLab: no run is running or queued.'); return; }
  if (all.length === 1) { all[0].stop(); return; }
  const pick = await vscode.window.showQuickPick(all, { placeHolder: 'Stop which run?' });
  pick?.stop();
}

async function compareRuns(d: CommandDeps, target: Target): Promise<void> {
  await d.index.refresh();
  let candidates = d.index.runs;
  const preselected = new Set<string>();
  if (isTreeNode(target) && target.kind === 'run') preselected.add(target.run.runId);
  const file = target instanceof vscode.Uri ? target : isTreeNode(target) && target.kind === 'experiment' && target.config ? vscode.Uri.file(target.config.file) : undefined;
  if (file) {
    candidates = d.index.runsOfConfig(file.fsPath);
    candidates.slice(0, 2).forEach((r) => preselected.add(r.runId));
  }
  if (candidates.length < 2) { void vscode.window.showInformationMessage('SeqLab: comparing needs at least two runs.'); return; }
  const picks = await vscode.window.showQuickPick(
    byNewest(candidates).map((r) => ({ label: r.runId, description: r.summary?.status ?? '', picked: preselected.has(r.runId), run: r })),
    { canPickMany: true, placeHolder: 'Compare which runs? (two or more)' },
  );
  if (!picks) return;
  if (picks.length < 2) { void vscode.window.showInformationMessage('SeqLab: pick at least two runs to compare.'); return; }
  d.dashboards.open(picks.map((p) => p.run.runId));
}

async function newExperiment(d: CommandDeps): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) { void vscode.window.showInformationMessage('SeqLab: open a folder first; experiments live in the workspace.'); return; }
  const examples = join(d.context.extensionUri.fsPath, 'examples');
  let templates: { label: string; description: string; file: string }[] = [];
  try {
    templates = readdirSync(examples, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.seqlab.json'))
      .map((f) => {
        const file = join(examples, f);
        const raw = parseConfig(file, readFileSync(file, 'utf8')).source.raw as { description?: unknown } | undefined;
        return { label: f.replace(/\.seqlab\.json$/, ''), description: typeof raw?.description === 'string' ? raw.description : '', file };
      });
  } catch (e) {
    d.log.error(`reading templates in ${examples}: ${(e as Error).message}`);
  }
  if (templates.length === 0) { void vscode.window.showErrorMessage('SeqLab: no example templates are bundled with this installation.'); return; }
  const template = await vscode.window.showQuickPick(templates, { placeHolder: 'Start from which example?', matchOnDescription: true });
  if (!template) return;
  const base = template.label.split(/[\\/]/).pop()!;
  const name = await vscode.window.showInputBox({
    prompt: 'File name for the new experiment', value: `${base}.seqlab.json`,
    validateInput: (v) => (/^[^\\/:*?"<>|]+\.seqlab\.json$/.test(v) ? null : 'a file name ending in .seqlab.json'),
  });
  if (!name) return;
  const target = vscode.Uri.joinPath(folder.uri, name);
  try {
    await vscode.workspace.fs.stat(target);
    const overwrite = await vscode.window.showWarningMessage(`${name} exists. Replace it?`, { modal: true }, 'Replace');
    if (overwrite !== 'Replace') return;
  } catch { /* does not exist: fine */ }
  const text = readFileSync(template.file);
  await vscode.workspace.fs.writeFile(target, text);
  // A template that reads a data file names it relative to itself: bring that file along unless one is there.
  const raw = parseConfig(template.file, text.toString('utf8')).source.raw as { data?: { path?: unknown } } | undefined;
  const dataPath = raw?.data?.path;
  if (typeof dataPath === 'string' && !isAbsolute(dataPath)) {
    const dest = vscode.Uri.joinPath(folder.uri, dataPath);
    try { await vscode.workspace.fs.stat(dest); } catch {
      await vscode.workspace.fs.writeFile(dest, readFileSync(join(dirname(template.file), dataPath)));
    }
  }
  await vscode.window.showTextDocument(target);
}

async function revealFolder(dir: string): Promise<void> {
  const uri = vscode.Uri.file(dir);
  // An OS file manager only exists where the UI runs on the same machine as the files.
  if (vscode.env.remoteName === undefined && vscode.env.uiKind === vscode.UIKind.Desktop) {
    await vscode.commands.executeCommand('revealFileInOS', uri);
  } else {
    await vscode.commands.executeCommand('revealInExplorer', uri);
  }
}

async function exportReport(d: CommandDeps, target: Target): Promise<void> {
  const run = await pickRun(d, target, 'Export a report of which run?');
  if (!run) return;
  let html: string;
  try {
    html = renderReportHtml([readSnapshot(run.runId, run.dir)], { title: `SeqLab report: ${run.runId}`, ...readDashboardAssets(d.context.extensionUri.fsPath) });
  } catch (e) {
    void vscode.window.showErrorMessage(`SeqLab: could not build the report: ${(e as Error).message}`);
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const dest = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, `${run.runId}.html`) : undefined, filters: { 'HTML report': ['html'] }, saveLabel: 'Export Report',
  });
  if (!dest) return;
  await vscode.workspace.fs.writeFile(dest, new TextEncoder().encode(html));
  d.log.info(`report of ${run.runId} written to ${dest.fsPath}`);
  const open = await vscode.window.showInformationMessage(`SeqLab: report written to ${vscode.workspace.asRelativePath(dest)}.`, 'Open');
  if (open) await vscode.env.openExternal(dest);
}

async function deleteRun(d: CommandDeps, target: Target): Promise<void> {
  const run = await pickRun(d, target, 'Delete which run?');
  if (!run) return;
  if (d.runs.activeRun(run.runId)) { void vscode.window.showWarningMessage(`SeqLab: ${run.runId} is running; stop it before deleting it.`); return; }
  const elsewhere = run.summary?.status === 'running' ? ' Its summary says it is running, perhaps in another process.' : '';
  const ok = await vscode.window.showWarningMessage(
    `Delete run ${run.runId}? Its folder (metrics, checkpoints) is removed from disk.${elsewhere}`, { modal: true }, 'Delete');
  if (ok !== 'Delete') return;
  await vscode.workspace.fs.delete(vscode.Uri.file(run.dir), { recursive: true, useTrash: false });
  d.log.info(`deleted ${run.dir}`);
  await d.index.refresh();
}
