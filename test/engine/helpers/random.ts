// Deterministic test data: a small xorshift generator so tests never depend on Math.random.
import type { Buf } from '../../../src/engine/backend';

export class TestRandom {
  private s: number;
  constructor(seed: number) {
    this.s = (seed >>> 0) || 0x9e3779b9;
  }
  /** Uniform [0, 1). */
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.s = x;
    return x / 4294967296;
  }
  /** Uniform [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  fill(buf: Buf, lo = -1, hi = 1): Buf {
    for (let i = 0; i < buf.length; i++) buf[i] = this.uniform(lo, hi);
    return buf;
  }
}

/** Largest |a−b| / max(1e-3·scale, |a|, |b|) — a relative error robust to tiny entries. */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]), Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(1e-3 * scale, Math.abs(a[i]), Math.abs(b[i]), 1e-12);
    worst = Math.max(worst, d);
  }
  return worst;
}

/** Central difference of f with respect to buf[i] (restores buf[i]). */
export function centralDiff(f: () => number, buf: Buf, i: number, h = 1e-6): number {
  const v = buf[i];
  buf[i] = v + h;
  const fp = f();
  buf[i] = v - h;
  const fm = f();
  buf[i] = v;
  return (fp - fm) / (2 * h);
}

/** Σ a[i]·b[i] in doubles. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
