// Rate limits for the host → webview stream and for re-validation on edit. Timers are injected so tests can drive
// time by hand; the defaults are the global setTimeout/clearTimeout.

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Collects items and hands them to `flush` in batches, at most one batch per `intervalMs`.
 * A run producing thousands of records per second therefore costs the webview at most 1000/intervalMs posts per
 * second. The first item after a quiet period goes out at once (leading edge), so a slow run still updates promptly.
 * With `ackTimeoutMs`, a batch also waits until the receiver acknowledged the one before (ack()), or that long: a busy
 * page gets fewer, larger batches instead of a queue of posts it cannot keep up with.
 */
export class BatchThrottle<T> {
  private pending: T[] = [];
  private lastFlush = -Infinity;
  private timer: unknown = null;
  /** A batch went out and its receiver has not acknowledged it yet. */
  private unacked = false;

  constructor(
    private readonly intervalMs: number,
    private readonly flush: (batch: T[]) => void,
    private readonly timers: Timers = realTimers,
    private readonly ackTimeoutMs: number | null = null,
  ) {}

  push(...items: T[]): void {
    if (items.length === 0) return;
    this.pending.push(...items);
    this.schedule();
  }

  /** The receiver has handled the last batch: the next may go once the interval allows. */
  ack(): void {
    if (!this.unacked) return;
    this.unacked = false;
    this.cancelTimer();
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null || this.pending.length === 0) return;
    const due = this.lastFlush + (this.unacked ? Math.max(this.intervalMs, this.ackTimeoutMs ?? 0) : this.intervalMs);
    const wait = due - this.timers.now();
    if (wait <= 0) this.flushNow();
    else this.timer = this.timers.setTimeout(() => { this.timer = null; this.flushNow(); }, wait);
  }

  /** Sends whatever is pending now (e.g. before a final summary, so records never arrive after it). */
  flushNow(): void {
    this.cancelTimer();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.lastFlush = this.timers.now();
    this.unacked = this.ackTimeoutMs !== null;
    this.flush(batch);
  }

  /** Drops pending items, e.g. when the receiver will get a full snapshot instead. */
  clear(): void {
    this.cancelTimer();
    this.pending = [];
    this.unacked = false;
  }

  private cancelTimer(): void {
    if (this.timer !== null) { this.timers.clearTimeout(this.timer); this.timer = null; }
  }
}

/** Calls `fn(key)` once `delayMs` after the last `trigger(key)` for that key (per-document re-validation). */
export class KeyedDebouncer<K> {
  private readonly timers = new Map<K, unknown>();

  constructor(
    private readonly delayMs: number,
    private readonly fn: (key: K) => void,
    private readonly clock: Timers = realTimers,
  ) {}

  trigger(key: K): void {
    this.cancel(key);
    this.timers.set(key, this.clock.setTimeout(() => { this.timers.delete(key); this.fn(key); }, this.delayMs));
  }

  cancel(key: K): void {
    const h = this.timers.get(key);
    if (h !== undefined) { this.clock.clearTimeout(h); this.timers.delete(key); }
  }

  dispose(): void {
    for (const key of [...this.timers.keys()]) this.cancel(key);
  }
}
