import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunQueue, type StartedRun } from '../../src/extension/runQueue';

/** A run that ends when the test says so, and records whether it was asked to stop. */
function controllable() {
  const runs = new Map<string, { finish: () => void; stopped: boolean }>();
  const start = (name: string): StartedRun => {
    let finish!: () => void;
    const done = new Promise<void>((r) => { finish = r; });
    const entry = { finish, stopped: false };
    runs.set(name, entry);
    return { stop: () => { entry.stopped = true; finish(); }, done };
  };
  return { runs, start };
}

const tick = () => new Promise((r) => setImmediate(r));

test('runs one at a time in FIFO order by default', async () => {
  const { runs, start } = controllable();
  const started: string[] = [];
  const q = new RunQueue<string>((n) => { started.push(n); return start(n); }, () => 1);
  q.enqueue('a'); q.enqueue('b'); q.enqueue('c');
  await tick();
  assert.deepEqual(started, ['a']);
  assert.deepEqual(q.list().map((r) => [r.request, r.state]), [['a', 'running'], ['b', 'queued'], ['c', 'queued']]);
  runs.get('a')!.finish();
  await tick(); await tick();
  assert.deepEqual(started, ['a', 'b']);
  runs.get('b')!.finish();
  await tick(); await tick();
  assert.deepEqual(started, ['a', 'b', 'c']);
});

test('maxConcurrentRuns is read at each dispatch', async () => {
  const { runs, start } = controllable();
  let max = 2;
  const started: string[] = [];
  const q = new RunQueue<string>((n) => { started.push(n); return start(n); }, () => max);
  for (const n of ['a', 'b', 'c', 'd']) q.enqueue(n);
  await tick();
  assert.deepEqual(started, ['a', 'b']);
  max = 1;
  runs.get('a')!.finish();
  await tick(); await tick();
  assert.deepEqual(started, ['a', 'b'], 'b still runs, so with a limit of 1 nothing new starts');
  runs.get('b')!.finish();
  await tick(); await tick();
  assert.deepEqual(started, ['a', 'b', 'c']);
});

test('stop cancels a queued run without starting it and stops a running one', async () => {
  const { runs, start } = controllable();
  const events: string[] = [];
  const q = new RunQueue<string>((n) => start(n), () => 1);
  q.onEvent((e) => events.push(`${e.kind}:${e.run.request}`));
  const a = q.enqueue('a');
  const b = q.enqueue('b');
  assert.equal(q.stop(b.ticket), true);
  await tick();
  assert.equal(q.stop(a.ticket), true);
  assert.equal(runs.get('a')!.stopped, true);
  await tick(); await tick();
  assert.equal(runs.has('b'), false, 'a cancelled run never starts');
  assert.deepEqual(events, ['queued:a', 'started:a', 'queued:b', 'cancelled:b', 'finished:a']);
  assert.equal(q.stop(a.ticket), false, 'a finished run is unknown');
});

test('a stop that arrives while the worker is still starting reaches it once it has started', async () => {
  const { runs, start } = controllable();
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const q = new RunQueue<string>(async (n) => { await gate; return start(n); }, () => 1);
  const a = q.enqueue('a');
  q.stop(a.ticket);
  release();
  await tick(); await tick();
  assert.equal(runs.get('a')!.stopped, true);
});

test('a run that fails to start is reported finished with its error and the queue moves on', async () => {
  const { start } = controllable();
  const finished: unknown[] = [];
  const started: string[] = [];
  const q = new RunQueue<string>((n) => {
    started.push(n);
    if (n === 'bad') throw new Error('worker did not load');
    return start(n);
  }, () => 1);
  q.onEvent((e) => { if (e.kind === 'finished') finished.push(e.error); });
  q.enqueue('bad'); q.enqueue('good');
  await tick(); await tick();
  assert.equal((finished[0] as Error).message, 'worker did not load');
  assert.deepEqual(started, ['bad', 'good']);
});
