// SeqLab's VS Code entry point: wires the plain modules and the small vscode glue files together.
import * as vscode from 'vscode';
import { ConfigCodeLens } from './codeLens';
import { registerCommands } from './commands';
import { ConfigDiagnostics } from './diagnostics';
import { ExperimentsTree } from './experimentsTree';
import { DASHBOARD_VIEW_TYPE, SETTINGS, SETTINGS_SECTION, VIEWS } from './ids';
import { RunController } from './runController';
import { TrustState } from './trust';
import { workerLauncher } from './workerLauncher';
import { DashboardPanels } from './views/dashboardPanels';
import { LiveViewProvider } from './views/liveView';
import { CONFIG_GLOB, WorkspaceIndex } from './workspaceIndex';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('SeqLab', { log: true });
  const trust = new TrustState(vscode.workspace.isTrusted);
  const index = new WorkspaceIndex(log);
  const threads = () => vscode.workspace.getConfiguration(SETTINGS_SECTION).get<number>(SETTINGS.threads, 0);
  const runs = new RunController(workerLauncher(context.extensionUri.fsPath, threads), log);
  const deps = { extensionUri: context.extensionUri, runs, index, log };
  const dashboards = new DashboardPanels(deps);
  const diagnostics = new ConfigDiagnostics(log);
  const tree = new ExperimentsTree(index, (runId) => runs.activeRun(runId) !== undefined);
  const live = new LiveViewProvider(deps);
  const lenses = new ConfigCodeLens(index);

  context.subscriptions.push(
    log, index, runs, dashboards, diagnostics, tree, live, lenses,
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      trust.grant();
      log.info('workspace trusted: training is enabled');
    }),
    // Starting a run creates its folder and summary.json; the watcher picks that up, but a direct refresh on
    // start/end makes the tree follow without waiting for file events (which remote file systems may batch).
    runs.onDidChange(() => index.schedule(50)),
    runs.onDidStart((run) => {
      if (vscode.workspace.getConfiguration(SETTINGS_SECTION).get<boolean>(SETTINGS.openDashboardOnRun, true)) dashboards.open([run.runId]);
    }),
    vscode.window.createTreeView(VIEWS.experiments, { treeDataProvider: tree, showCollapseAll: true }),
    vscode.window.registerWebviewViewProvider(VIEWS.live, live),
    vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, dashboards),
    vscode.languages.registerCodeLensProvider({ pattern: CONFIG_GLOB }, lenses),
    ...registerCommands({ context, log, trust, index, runs, dashboards, diagnostics }),
  );
  if (!trust.isTrusted) log.info('untrusted workspace: configs and past runs are shown, but nothing trains until it is trusted');
  void index.refresh();
  log.info('SeqLab activated');
}
