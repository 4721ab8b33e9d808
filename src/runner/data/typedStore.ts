// Typed arrays for loaders that read rows one at a time: a growable scratch array a row is parsed into, and a pool that
// hands out exact-size views of large shared blocks, so a million small rows do not cost a million array buffers.

type Typed = Float32Array | Float64Array | Int32Array;
type Make<A extends Typed> = (n: number) => A;

/** A growable array of numbers; `n` of them are in use. */
export class Scratch<A extends Typed> {
  a: A;
  n = 0;
  constructor(private readonly make: Make<A>, capacity = 1024) {
    this.a = make(capacity);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const bigger = this.make(this.a.length * 2);
      bigger.set(this.a);
      this.a = bigger;
    }
    this.a[this.n++] = v;
  }
  /** Drops the values, and a capacity grown past `keep` (after one huge row). */
  reset(keep = 1 << 20): void {
    this.n = 0;
    if (this.a.length > keep) this.a = this.make(keep);
  }
}

/** A Scratch that only counts what is pushed: a first pass over a huge row, to size its array exactly. */
export class Counter<A extends Typed> extends Scratch<A> {
  override push(): void {
    this.n++;
  }
}

/** Exact-size arrays cut from blocks of `block` elements; an array of more than block/16 gets its own. */
export class Pool<A extends Typed> {
  private current: A | null = null;
  private used = 0;
  constructor(private readonly make: Make<A>, private readonly block = 1 << 16) {}
  take(n: number): A {
    if (n > this.block >> 4) return this.make(n);
    if (this.current === null || this.used + n > this.current.length) {
      this.current = this.make(this.block);
      this.used = 0;
    }
    const view = this.current.subarray(this.used, this.used + n) as A;
    this.used += n;
    return view;
  }
  /** A pooled copy of the first `n` values of `src`. */
  copy(src: ArrayLike<number>, n: number): A {
    const out = this.take(n);
    for (let i = 0; i < n; i++) out[i] = src[i];
    return out;
  }
}

export const f32 = (n: number): Float32Array => new Float32Array(n);
export const f64 = (n: number): Float64Array => new Float64Array(n);
export const i32 = (n: number): Int32Array => new Int32Array(n);

/** Strings numbered in order of first appearance. */
export class Interner {
  readonly ids = new Map<string, number>();
  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.ids.size;
      this.ids.set(s, i);
    }
    return i;
  }
  /** For every id, its index in `sorted` (the interned strings in their final order). */
  remap(sorted: string[]): Int32Array {
    const at = new Map(sorted.map((s, i) => [s, i]));
    const out = new Int32Array(this.ids.size);
    for (const [s, i] of this.ids) out[i] = at.get(s)!;
    return out;
  }
}
