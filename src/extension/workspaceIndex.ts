// The workspace's experiments (config files) and their runs, kept current by file-system watchers.
import * as vscode from 'vscode';
import { dirname, resolve } from 'node:path';
import { configEntry, DEFAULT_RUNS_DIR } from './configEntry';
import { scanRuns } from './runFolders';
import { runsOf, type ConfigEntry, type RunEntry } from './treeModel';

export const CONFIG_GLOB = '**/*.seqlab.json';
/** A PyTorch export (src/runner/export): its train.py writes runs to .seqlab/runs beside this file. */
const EXPORT_GLOB = '**/seqlab-export.json';
const EXCLUDE_GLOB = '**/{node_modules,.git,.seqlab}/**';

export class WorkspaceIndex implements vscode.Disposable {
  configs: ConfigEntry[] = [];
  runs: RunEntry[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly log: vscode.LogOutputChannel) {
    const configs = vscode.workspace.createFileSystemWatcher(CONFIG_GLOB);
    const exports = vscode.workspace.createFileSystemWatcher(EXPORT_GLOB);
    // summary.json is rewritten atomically as a run progresses and when it ends, and removed with its folder.
    const summaries = vscode.workspace.createFileSystemWatcher('**/.seqlab/runs/**/summary.json');
    for (const w of [configs, exports, summaries]) {
      this.disposables.push(w, w.onDidCreate(() => this.schedule()), w.onDidChange(() => this.schedule()), w.onDidDelete(() => this.schedule()));
    }
    this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule()));
  }

  /** Coalesces bursts of file events (a sweep writes many summaries) into one rescan. */
  schedule(delayMs = 200): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; void this.refresh(); }, delayMs);
  }

  async refresh(): Promise<void> {
    if (this.refreshing) { await this.refreshing; }
    this.refreshing = this.scan().finally(() => { this.refreshing = null; });
    return this.refreshing;
  }

  private async scan(): Promise<void> {
    const uris = await vscode.workspace.findFiles(CONFIG_GLOB, EXCLUDE_GLOB);
    const configs: ConfigEntry[] = [];
    for (const uri of uris) {
      try {
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        configs.push(configEntry(uri.fsPath, text));
      } catch (e) {
        this.log.warn(`cannot read ${uri.fsPath}: ${(e as Error).message}`);
      }
    }
    const runsDirs = new Set(configs.map((c) => c.runsDir));
    for (const folder of vscode.workspace.workspaceFolders ?? []) runsDirs.add(resolve(folder.uri.fsPath, DEFAULT_RUNS_DIR));
    // Runs of exported experiments (train.py, torchrun) show under their experiment like its own runs.
    for (const uri of await vscode.workspace.findFiles(EXPORT_GLOB, EXCLUDE_GLOB)) runsDirs.add(resolve(dirname(uri.fsPath), DEFAULT_RUNS_DIR));
    this.configs = configs;
    this.runs = [...runsDirs].flatMap(scanRuns);
    this.changed.fire();
  }

  configOf(file: string): ConfigEntry | undefined {
    return this.configs.find((c) => c.file === file);
  }

  runsOfConfig(file: string): RunEntry[] {
    const config = this.configOf(file);
    return config ? runsOf(config, this.configs, this.runs) : [];
  }

  run(runId: string): RunEntry | undefined {
    return this.runs.find((r) => r.runId === runId);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
