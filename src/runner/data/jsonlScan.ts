// One JSONL row scanned straight from its bytes into typed arrays, with no string per number and no tree per line.
// It accepts only lines that are plainly valid rows: strict JSON numbers within MAX_ABS_VALUE, strings without escapes or
// control characters, keys "x" and "y" once each, spaces, tabs and '\r' between tokens. Anything else (an error, an
// escape, a repeated key, other whitespace) returns false and parseJsonl reads the line, so what this accepts reads as
// parseJsonl would read it and every diagnostic is still parseJsonl's own.
import type { YForm } from './jsonl';
import { MAX_ABS_VALUE } from './types';
import { Counter, f32, f64, Scratch } from './typedStore';

/** 10^k for k ≤ 22: exact doubles, so m·10^k and m/10^k round correctly for m < 2^53 (Clinger's fast path). */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** Lines longer than this are scanned twice: once to count their numbers, once into arrays of exactly that size. */
const LONG_LINE = 1 << 20;

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

export class RowScanner {
  private b: Buffer = Buffer.alloc(0);
  private i = 0;
  /** x values (matrix or vector form), T×width row-major. */
  x: Scratch<Float32Array> = new Scratch(f32);
  /** Numeric y values. */
  y: Scratch<Float64Array> = new Scratch(f64);
  /** True when x and y are a long line's arrays of exactly its size, which the caller may keep. */
  exact = false;
  tokens: string[] = [];
  labels: string[] = [];
  xTokens = false;
  T = 0;
  width = 0;
  yForm: YForm = 'number';
  yWidth = 0;
  private ySteps = 0;

  /** Scans one line (without its '\n'); false when it is anything but a plainly valid row. */
  scan(bytes: Buffer): boolean {
    if (this.exact) {
      this.x = new Scratch(f32);
      this.y = new Scratch(f64);
      this.exact = false;
    }
    if (bytes.length <= LONG_LINE) {
      this.x.reset();
      this.y.reset();
      return this.scanOnce(bytes);
    }
    // A long line: count its numbers, then read them into arrays of exactly that size (no doubling, no copy).
    this.x = new Counter(f32, 1);
    this.y = new Counter(f64, 1);
    const counted = this.scanOnce(bytes);
    this.x = new Scratch(f32, Math.max(this.x.n, 1));
    this.y = new Scratch(f64, Math.max(this.y.n, 1));
    this.exact = true;
    return counted && this.scanOnce(bytes);
  }

  private scanOnce(bytes: Buffer): boolean {
    this.b = bytes;
    this.i = 0;
    this.tokens = [];
    this.labels = [];
    this.ySteps = 0;
    let seenX = false;
    let seenY = false;
    this.ws();
    if (bytes[this.i++] !== 0x7b) return false;
    for (;;) {
      this.ws();
      const key = this.key();
      if (key === null || (key === 'x' ? seenX : seenY)) return false;
      this.ws();
      if (bytes[this.i++] !== 0x3a) return false;
      this.ws();
      if (!(key === 'x' ? this.scanX() : this.scanY())) return false;
      if (key === 'x') seenX = true; else seenY = true;
      this.ws();
      const c = bytes[this.i++];
      if (c === 0x7d) break;
      if (c !== 0x2c) return false;
    }
    this.ws();
    if (this.i !== bytes.length || !seenX || !seenY) return false;
    if (this.yForm === 'labels') return this.labels.length === this.T;
    if (this.yForm === 'steps') return this.ySteps === this.T;
    return true;
  }

  private ws(): void {
    const b = this.b;
    let c = b[this.i];
    while (c === 0x20 || c === 0x09 || c === 0x0d) c = b[++this.i];
  }

  private key(): 'x' | 'y' | null {
    const b = this.b;
    const i = this.i;
    if (b[i] !== 0x22 || b[i + 2] !== 0x22) return null;
    this.i += 3;
    return b[i + 1] === 0x78 ? 'x' : b[i + 1] === 0x79 ? 'y' : null;
  }

  /** After an element: 1 past a ',', 0 past the closing ']', -1 for anything else. */
  private next(): number {
    this.ws();
    const c = this.b[this.i++];
    if (c === 0x5d) return 0;
    if (c !== 0x2c) return -1;
    this.ws();
    return 1;
  }

  private scanX(): boolean {
    const b = this.b;
    if (b[this.i++] !== 0x5b) return false;
    this.ws();
    const first = b[this.i];
    const matrix = first === 0x5b;
    this.xTokens = first === 0x22;
    this.width = matrix ? -1 : this.xTokens ? 0 : 1;
    this.T = 0;
    for (;;) {
      if (this.xTokens) {
        const s = this.str();
        if (s === null) return false;
        this.tokens.push(s);
      } else if (!matrix) {
        if (!this.num(this.x)) return false;
      } else {
        const n = this.list(this.x);
        if (n <= 0 || (this.width >= 0 && n !== this.width)) return false;
        this.width = n;
      }
      this.T++;
      const more = this.next();
      if (more < 0) return false;
      if (more === 0) return true;
    }
  }

  private scanY(): boolean {
    const b = this.b;
    const c = b[this.i];
    if (c === 0x22) {
      this.yForm = 'label';
      const s = this.str();
      if (s !== null) this.labels.push(s);
      return s !== null;
    }
    if (c !== 0x5b) {
      this.yForm = 'number';
      this.yWidth = 1;
      return this.num(this.y);
    }
    this.i++;
    this.ws();
    const first = b[this.i];
    this.yForm = first === 0x22 ? 'labels' : first === 0x5b ? 'steps' : 'vector';
    let width = -1;
    for (;;) {
      if (this.yForm === 'labels') {
        const s = this.str();
        if (s === null) return false;
        this.labels.push(s);
      } else if (this.yForm === 'vector') {
        if (!this.num(this.y)) return false;
      } else {
        const n = this.list(this.y);
        if (n <= 0 || (width >= 0 && n !== width)) return false;
        width = n;
        this.ySteps++;
      }
      const more = this.next();
      if (more < 0) return false;
      if (more === 0) break;
    }
    this.yWidth = this.yForm === 'steps' ? width : this.y.n;
    return true;
  }

  /** A list of numbers into `into`: how many, or -1 when it is not one. */
  private list(into: Scratch<Float32Array | Float64Array>): number {
    if (this.b[this.i++] !== 0x5b) return -1;
    this.ws();
    let n = 0;
    for (;;) {
      if (!this.num(into)) return -1;
      n++;
      const more = this.next();
      if (more < 0) return -1;
      if (more === 0) return n;
    }
  }

  /** A string without escapes or control characters, or null. */
  private str(): string | null {
    const b = this.b;
    if (b[this.i] !== 0x22) return null;
    const start = this.i + 1;
    let i = start;
    for (;;) {
      const c = b[i];
      if (c === undefined || c === 0x5c || c < 0x20) return null;
      if (c === 0x22) break;
      i++;
    }
    this.i = i + 1;
    return b.toString('utf8', start, i);
  }

  /** A strict JSON number, finite and at most MAX_ABS_VALUE in magnitude, pushed into `into`; false if not one. */
  private num(into: Scratch<Float32Array | Float64Array>): boolean {
    const b = this.b;
    const start = this.i;
    let i = start;
    if (b[i] === 0x2d) i++;
    let m = 0;
    let digits = 0;
    let exp = 0;
    if (b[i] === 0x30) i++;
    else if (isDigit(b[i])) for (; isDigit(b[i]); i++, digits++) m = m * 10 + b[i] - 0x30;
    else return false;
    if (b[i] === 0x2e) {
      const from = ++i;
      for (; isDigit(b[i]); i++, digits++, exp--) m = m * 10 + b[i] - 0x30;
      if (i === from) return false;
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      const sign = b[++i] === 0x2d ? -1 : 1;
      if (b[i] === 0x2d || b[i] === 0x2b) i++;
      const from = i;
      let e = 0;
      for (; isDigit(b[i]); i++) e = Math.min(e * 10 + b[i] - 0x30, 1e9);
      if (i === from) return false;
      exp += sign * e;
    }
    this.i = i;
    let v: number;
    if (digits <= 15 && exp >= -22 && exp <= 22) {
      v = exp < 0 ? m / POW10[-exp] : m * POW10[exp];
      if (b[start] === 0x2d) v = -v;
    } else v = Number(b.toString('latin1', start, i));
    if (!(Math.abs(v) <= MAX_ABS_VALUE)) return false;
    into.push(v);
    return true;
  }
}
