// RunStream's handling of what a webview posts, with the vscode module faked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeVscode, installFakeVscode } from '../fakeVscode';
import { tempWorkspace } from '../../helpers/workspace';
import type { HostMessage, WebviewMessage } from '../../../src/shared/protocol';
import type { WebviewDeps } from '../../../src/extension/views/runStream';

installFakeVscode();

/** A webview whose messages the test sends, recording what the host posts back. */
function fakeWebview() {
  const posted: HostMessage[] = [];
  let receive: (m: unknown) => unknown = () => undefined;
  const webview = {
    onDidReceiveMessage: (listener: (m: unknown) => unknown) => { receive = listener; return { dispose() {} }; },
    postMessage: async (m: HostMessage) => { posted.push(m); return true; },
  };
  return { webview, posted, send: (m: unknown) => receive(m) };
}

function fakeDeps(log: string[]): WebviewDeps {
  const none = () => ({ dispose() {} });
  return {
    extensionUri: fakeVscode.Uri.file('/ext'),
    runs: { onRecords: none, onSummary: none, activeRun: () => undefined, stopRun: () => false },
    index: { run: () => undefined, onDidChange: none },
    log: { warn: (line: string) => log.push(line), info: () => undefined },
  } as unknown as WebviewDeps;
}

test('a message type the host does not know is logged and ignored; the stream keeps working', async () => {
  const { RunStream } = await import('../../../src/extension/views/runStream');
  const log: string[] = [];
  const { webview, posted, send } = fakeWebview();
  const stream = new RunStream(webview as never, ['r1'], fakeDeps(log), () => true);
  await send({ type: 'fromANewerWebview', runId: 'r1' });
  assert.deepEqual(posted, []);
  assert.deepEqual(log, ['webview: ignored a message of unknown type "fromANewerWebview"']);

  await send({ type: 'ready' } satisfies WebviewMessage);
  assert.deepEqual(posted, [{ type: 'snapshot', runs: [], live: false }]);
  assert.match(log[1], /run r1 not found/);
  stream.dispose();
});

test('a run training outside this window (CLI, exported train.py) streams in as its summary is rewritten, until it ends', async () => {
  const { RunStream } = await import('../../../src/extension/views/runStream');
  const dir = tempWorkspace({ 'config.json': {}, 'gradflow.jsonl': '', 'gates.jsonl': '' });
  const step = (n: number) => JSON.stringify({ kind: 'step', step: n, loss: 1 / n }) + '\n';
  const summary = (status: string, steps: number) => writeFileSync(join(dir, 'summary.json'), JSON.stringify({ runId: 'ext', status, steps }));
  writeFileSync(join(dir, 'metrics.jsonl'), step(1));
  writeFileSync(join(dir, 'tasks.jsonl'), '');
  summary('running', 1);
  let changed: () => void = () => undefined;
  const deps = fakeDeps([]) as unknown as { index: object };
  deps.index = { run: () => ({ dir }), onDidChange: (l: () => void) => { changed = l; return { dispose() {} }; } };
  const { webview, posted, send } = fakeWebview();
  const stream = new RunStream(webview as never, ['ext'], deps as unknown as WebviewDeps, () => true);
  await send({ type: 'ready' } satisfies WebviewMessage);
  assert.equal(posted.length, 1);
  appendFileSync(join(dir, 'metrics.jsonl'), step(2) + step(3));
  appendFileSync(join(dir, 'tasks.jsonl'), JSON.stringify({ kind: 'confusion', step: 3, labels: ['a'], matrix: [[1]] }) + '\n');
  summary('completed', 3);
  changed();
  assert.deepEqual(posted.slice(1).map((m) => m.type), ['append', 'summary']);
  const append = posted[1] as Extract<HostMessage, { type: 'append' }>;
  assert.deepEqual(append.records.map((r) => r.step), [2, 3]);
  assert.deepEqual(append.taskRecords.map((r) => r.kind), ['confusion']);
  changed(); // it ended: nothing more is read or sent
  assert.equal(posted.length, 3);
  stream.dispose();
});

test('appends of a live run wait for the webview\'s "received" before the next one goes out', async () => {
  const { RunStream } = await import('../../../src/extension/views/runStream');
  let deliver: (e: { runId: string; records: unknown[]; taskRecords: unknown[] }) => void = () => undefined;
  const deps = fakeDeps([]) as unknown as { runs: object };
  const dir = tempWorkspace({ 'config.json': {}, 'metrics.jsonl': '', 'tasks.jsonl': '' });
  deps.runs = {
    onRecords: (l: typeof deliver) => { deliver = l; return { dispose() {} }; }, onSummary: () => ({ dispose() {} }),
    activeRun: () => ({ dir }), stopRun: () => false,
  };
  const { webview, posted, send } = fakeWebview();
  const stream = new RunStream(webview as never, ['r'], deps as unknown as WebviewDeps, () => true);
  await send({ type: 'ready' } satisfies WebviewMessage);
  const step = (n: number) => ({ kind: 'step', step: n, loss: 1 });
  deliver({ runId: 'r', records: [step(1)], taskRecords: [] });
  await new Promise((r) => setTimeout(r, 250));
  deliver({ runId: 'r', records: [step(2)], taskRecords: [] });
  deliver({ runId: 'r', records: [step(3)], taskRecords: [] });
  await new Promise((r) => setTimeout(r, 250));
  const appends = () => posted.filter((m): m is Extract<HostMessage, { type: 'append' }> => m.type === 'append');
  assert.deepEqual(appends().map((a) => a.records.map((r) => r.step)), [[1]], 'held until the first is received');
  await send({ type: 'received' } satisfies WebviewMessage);
  assert.deepEqual(appends().map((a) => a.records.map((r) => r.step)), [[1], [2, 3]]);
  stream.dispose();
});
