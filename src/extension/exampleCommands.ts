// The walkthrough's commands: copy the bundled examples into a folder the user picks and open it (works in an empty
// window), open one example (its README beside its config), and run one (every config and sweep combination it has).
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMMANDS } from './ids';
import { copyExamples, EXAMPLES_FOLDER, exampleConfigs } from './examples';

export interface ExampleDeps {
  extensionPath: string;
  log: vscode.LogOutputChannel;
}

export async function openExamples(d: ExampleDeps): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
    openLabel: 'Copy Examples Here', title: `SeqLab: the examples go into a new "${EXAMPLES_FOLDER}" folder inside the folder you pick`,
  });
  if (!picked?.length) return;
  const dest = join(picked[0].fsPath, EXAMPLES_FOLDER);
  let result;
  try {
    result = copyExamples(join(d.extensionPath, 'examples'), dest);
  } catch (e) {
    void vscode.window.showErrorMessage(`SeqLab: could not copy the examples to ${dest}: ${(e as Error).message}`);
    return;
  }
  d.log.info(`examples: ${result.copied.length} file(s) copied to ${dest}, ${result.kept.length} already there kept as they were`);
  const uri = vscode.Uri.file(dest);
  if (!vscode.workspace.workspaceFolders?.length) {
    await vscode.commands.executeCommand('vscode.openFolder', uri);
    return;
  }
  const kept = result.kept.length ? ` (${result.kept.length} file(s) already there were kept)` : '';
  const pick = await vscode.window.showInformationMessage(`SeqLab: the examples are in ${dest}${kept}.`, 'Open Folder', 'Open in New Window');
  if (pick) await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: pick === 'Open in New Window' });
}

/** The folder of the named example in this workspace, or undefined after offering to copy the examples. */
async function findExample(name: unknown): Promise<string | undefined> {
  if (typeof name !== 'string' || !/^[\w.-]+$/.test(name)) {
    void vscode.window.showErrorMessage('SeqLab: which example? This command is run from the SeqLab walkthrough with an example name.');
    return undefined;
  }
  const found = await vscode.workspace.findFiles(`**/${name}/*.seqlab.json`, '**/{node_modules,.seqlab}/**', 1);
  if (found.length) return dirname(found[0].fsPath);
  const pick = await vscode.window.showInformationMessage(
    `SeqLab: the example "${name}" is not in this workspace. Copy SeqLab's examples into a folder and open it?`, 'Open Examples…');
  if (pick) await vscode.commands.executeCommand(COMMANDS.openExamples);
  return undefined;
}

export async function openExample(name: unknown): Promise<void> {
  const folder = await findExample(name);
  if (!folder) return;
  const [config] = exampleConfigs(folder);
  if (config) await vscode.window.showTextDocument(vscode.Uri.file(config), { preview: false });
  const readme = join(folder, 'README.md');
  if (existsSync(readme)) await vscode.commands.executeCommand('markdown.showPreviewToSide', vscode.Uri.file(readme));
}

/** Queues every config of the example (each with all its sweep combinations) through `run`. */
export async function runExample(name: unknown, run: (config: vscode.Uri) => Promise<void>): Promise<void> {
  const folder = await findExample(name);
  if (!folder) return;
  for (const config of exampleConfigs(folder)) await run(vscode.Uri.file(config));
}
