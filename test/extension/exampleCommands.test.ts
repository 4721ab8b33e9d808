// The walkthrough's commands against a stand-in editor: "Open Examples…" copies the bundled examples into the picked
// folder and opens it (an empty window has nothing else to lose), "Run Example" queues each of the example's configs,
// and an example missing from the workspace offers the copy instead of failing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { installFakeVscode, fakeVscode } from './fakeVscode';
import { tempDir } from '../helpers/workspace';

installFakeVscode();
const root = resolve(__dirname, '../..');
type Uri = ReturnType<typeof fakeVscode.Uri.file>;
const win = fakeVscode.window as unknown as Record<string, unknown>;
const ws = fakeVscode.workspace as unknown as Record<string, unknown>;
const cmds = fakeVscode.commands as unknown as Record<string, unknown>;
const log = { info() {}, warn() {}, error() {} } as never;

function recordCommands(): unknown[][] {
  const calls: unknown[][] = [];
  cmds.executeCommand = async (...args: unknown[]) => { calls.push(args); };
  return calls;
}

test('Open Examples… in an empty window copies the examples into <picked>/seqlab-examples and opens that folder', async () => {
  const { openExamples } = await import('../../src/extension/exampleCommands');
  const picked = tempDir();
  win.showOpenDialog = async () => [fakeVscode.Uri.file(picked)];
  ws.workspaceFolders = undefined;
  const calls = recordCommands();
  await openExamples({ extensionPath: root, log });
  const dest = join(picked, 'seqlab-examples');
  for (const f of ['README.md', 'vanishing-gradients/adding.seqlab.json', 'vanishing-gradients/claim.json', 'bidirectional/headlines.jsonl']) {
    assert.ok(existsSync(join(dest, f)), f);
  }
  assert.equal(calls.length, 1);
  assert.equal(calls[0][0], 'vscode.openFolder');
  assert.equal((calls[0][1] as Uri).fsPath, dest);
});

test('Run Example queues the example\'s configs in its claim\'s order', async () => {
  const { runExample } = await import('../../src/extension/exampleCommands');
  const folder = join(root, 'examples', 'gru-vs-lstm');
  let pattern = '';
  ws.findFiles = async (glob: string) => { pattern = glob; return [fakeVscode.Uri.file(join(folder, 'multisine.seqlab.json'))]; };
  const queued: string[] = [];
  await runExample('gru-vs-lstm', async (uri) => { queued.push((uri as unknown as Uri).fsPath); });
  assert.equal(pattern, '**/gru-vs-lstm/*.seqlab.json');
  assert.deepEqual(queued, [join(folder, 'text.seqlab.json'), join(folder, 'multisine.seqlab.json')]);
});

test('an example not in the workspace offers Open Examples…; a name that is not one is refused before any search', async () => {
  const { runExample } = await import('../../src/extension/exampleCommands');
  ws.findFiles = async () => [];
  let offered: unknown[] = [];
  win.showInformationMessage = async (...args: unknown[]) => { offered = args; return 'Open Examples…'; };
  const calls = recordCommands();
  const queued: Uri[] = [];
  await runExample('translation', async (uri) => { queued.push(uri as unknown as Uri); });
  assert.match(String(offered[0]), /the example "translation" is not in this workspace/);
  assert.deepEqual(calls, [['seqlab.openExamples']]);
  assert.deepEqual(queued, []);

  let searched = false;
  ws.findFiles = async () => { searched = true; return []; };
  let error = '';
  win.showErrorMessage = async (m: string) => { error = m; };
  let ran = false;
  await runExample('../../etc', async () => { ran = true; });
  assert.ok(!searched && !ran);
  assert.match(error, /which example\?/);
});
