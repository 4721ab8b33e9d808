import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchThrottle, KeyedDebouncer, type Timers } from '../../src/extension/throttle';

/** A hand-driven clock: advance(ms) fires due timers in order. */
function fakeTimers(): Timers & { advance(ms: number): void } {
  let now = 0;
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout: (fn, ms) => { const id = ++seq; pending.set(id, { at: now + ms, fn }); return id; },
    clearTimeout: (h) => { pending.delete(h as number); },
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = [...pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
  };
}

test('a flood of records becomes at most 10 posts per second, losing nothing and keeping order', () => {
  const t = fakeTimers();
  const posts: number[][] = [];
  const th = new BatchThrottle<number>(100, (b) => posts.push(b), t);
  let n = 0;
  for (let ms = 0; ms < 1000; ms++) { th.push(n++, n++); t.advance(1); }
  th.flushNow();
  assert.ok(posts.length <= 11, `posts: ${posts.length}`);
  assert.deepEqual(posts.flat(), Array.from({ length: 2000 }, (_, i) => i));
});

test('the first record after a quiet period is posted at once', () => {
  const t = fakeTimers();
  const posts: string[][] = [];
  const th = new BatchThrottle<string>(100, (b) => posts.push(b), t);
  th.push('a');
  assert.deepEqual(posts, [['a']]);
  th.push('b');
  th.push('c');
  assert.equal(posts.length, 1, 'within the interval records wait');
  t.advance(100);
  assert.deepEqual(posts, [['a'], ['b', 'c']]);
  t.advance(500);
  th.push('d');
  assert.deepEqual(posts.at(-1), ['d']);
});

test('clear drops pending records (the receiver gets a snapshot instead)', () => {
  const t = fakeTimers();
  const posts: string[][] = [];
  const th = new BatchThrottle<string>(100, (b) => posts.push(b), t);
  th.push('a'); th.push('b'); th.clear();
  t.advance(1000);
  assert.deepEqual(posts, [['a']]);
});

test('the debouncer validates a document once, after the last edit', () => {
  const t = fakeTimers();
  const calls: string[] = [];
  const d = new KeyedDebouncer<string>(300, (k) => calls.push(k), t);
  d.trigger('x'); t.advance(200); d.trigger('x'); t.advance(200); d.trigger('y');
  assert.deepEqual(calls, []);
  t.advance(100);
  assert.deepEqual(calls, ['x']);
  t.advance(200);
  assert.deepEqual(calls, ['x', 'y']);
});

test('with acknowledgements, one batch is in flight: a receiver that handles a batch a second gets ~1 large post a second, losing nothing', () => {
  const t = fakeTimers();
  const posts: number[][] = [];
  const th = new BatchThrottle<number>(100, (b) => posts.push(b), t, 2000);
  let n = 0;
  // 800 records a second for 5 s; the receiver acknowledges each post a second after it arrives.
  let ackAt = Infinity;
  for (let ms = 0; ms < 5000; ms++) {
    if (ms % 5 === 0) th.push(n++, n++, n++, n++);
    const before = posts.length;
    t.advance(1);
    if (posts.length > before) ackAt = ms + 1000;
    if (ms >= ackAt) { ackAt = Infinity; th.ack(); }
  }
  assert.ok(posts.length >= 4 && posts.length <= 7, `posts: ${posts.length}`);
  th.ack();
  th.flushNow();
  assert.deepEqual(posts.flat(), Array.from({ length: 4000 }, (_, i) => i));
});

test('with acknowledgements, a prompt receiver still gets 10 posts a second, and a silent one a post per ack timeout', () => {
  const t = fakeTimers();
  const prompt: number[][] = [];
  const fast = new BatchThrottle<number>(100, (b) => { prompt.push(b); fast.ack(); }, t, 2000);
  for (let ms = 0; ms < 1000; ms++) { fast.push(ms); t.advance(1); }
  assert.ok(prompt.length >= 9 && prompt.length <= 11, `prompt posts: ${prompt.length}`);

  const silent: number[][] = [];
  const t2 = fakeTimers();
  const slow = new BatchThrottle<number>(100, (b) => silent.push(b), t2, 2000);
  for (let ms = 0; ms < 5999; ms++) { slow.push(ms); t2.advance(1); }
  assert.equal(silent.length, 3, 'at 0, 2000 and 4000 ms');
  slow.clear(); // a snapshot replaces what was pending, and the next record goes out at once
  slow.push(1);
  assert.equal(silent.length, 4);
});
