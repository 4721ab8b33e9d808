// The "Experiments" tree view: maps treeModel nodes to TreeItems.
import * as vscode from 'vscode';
import { COMMANDS, TREE_ITEMS } from './ids';
import { buildTree, type ExperimentNode, type RunNode } from './treeModel';
import type { WorkspaceIndex } from './workspaceIndex';

export type TreeNode = ExperimentNode | RunNode;

/**
 * contextValue of a run: menus offer Stop only for runs this window is training and Delete for the others (a
 * summary can say "running" for a run whose process died, or one the CLI is training; Delete asks first).
 */
function runContext(node: RunNode, trainingHere: boolean): string {
  if (trainingHere) return TREE_ITEMS.runTraining;
  return node.run.summary?.status === 'failed' ? TREE_ITEMS.runFailed : TREE_ITEMS.runDone;
}

export class ExperimentsTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: ExperimentNode[] = [];
  private readonly sub: vscode.Disposable;

  constructor(index: WorkspaceIndex, private readonly trainingHere: (runId: string) => boolean) {
    this.sub = index.onDidChange(() => { this.roots = buildTree(index.configs, index.runs); this.changed.fire(undefined); });
    this.roots = buildTree(index.configs, index.runs);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) return this.roots;
    return node.kind === 'experiment' ? node.runs : [];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    if (node.kind === 'experiment') return undefined;
    return this.roots.find((e) => e.runs.includes(node));
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node.kind === 'experiment') {
      const item = new vscode.TreeItem(node.label, node.runs.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
      item.id = `exp:${node.config?.file ?? 'other'}`;
      item.contextValue = node.config ? TREE_ITEMS.experiment : TREE_ITEMS.otherRuns;
      item.iconPath = new vscode.ThemeIcon(node.config ? 'beaker' : 'archive');
      if (node.config) {
        const uri = vscode.Uri.file(node.config.file);
        item.resourceUri = uri;
        item.description = `${node.runs.length} run${node.runs.length === 1 ? '' : 's'} · ${vscode.workspace.asRelativePath(uri)}`;
        item.tooltip = node.config.file;
        item.command = { title: 'Open Config', command: 'vscode.open', arguments: [uri] };
      }
      return item;
    }
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.id = `run:${node.run.dir}`;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(node.icon, node.color ? new vscode.ThemeColor(node.color) : undefined);
    item.contextValue = runContext(node, this.trainingHere(node.run.runId));
    item.command = { title: 'Open Dashboard', command: COMMANDS.openDashboard, arguments: [node.run.runId] };
    return item;
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
