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
 */
export class BatchThrottle<T> {
  private pending: T[] = [];
  private lastFlush = -Infinity;
  private timer: unknown = null;

  constructor(
    private readonly intervalMs: number,
    private readonly flush: (batch: T[]) => void,
    private readonly timers: Timers = realTimers,
  ) {}

  push(...items: T[]): void {
    if (items.length === 0) return;
    this.pending.push(...items);
    if (this.timer !== null) return;
    const wait = this.lastFlush + this.intervalMs - this.timers.now();
    if (wait <= 0) this.flushNow();
    else this.timer = this.timers.setTimeout(() => { this.timer = null; this.flushNow(); }, wait);
  }

  /** Sends whatever is pending now (e.g. before a final summary, so records never arrive after it). */
  flushNow(): void {
    if (this.timer !== null) { this.timers.clearTimeout(this.timer); this.timer = null; }
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.lastFlush = this.timers.now();
    this.flush(batch);
  }

  /** Drops pending items, e.g. when the receiver will get a full snapshot instead. */
  clear(): void {
    if (this.timer !== null) { this.timers.clearTimeout(this.timer); this.timer = null; }
    this.pending = [];
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
