// RunStream's handling of what a webview posts, with the vscode module faked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeVscode, installFakeVscode } from '../fakeVscode';
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
    index: { run: () => undefined },
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
