// Seeded, deterministic pseudo-random numbers: xoshiro128** seeded through splitmix32.
// Everything is 32-bit integer arithmetic (Math.imul, >>> 0), so the same seed gives the same
// sequence on every JavaScript engine and platform.

/** The full generator state, enough to resume a stream exactly (checkpoints). */
export interface RngState {
  words: [number, number, number, number];
  /** Box–Muller draws two normals at a time; the second one waits here. */
  spareNormal: number | null;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a of a label mixed with a seed: derives an independent stream's seed. */
function hashLabel(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  }
  return h;
}

const TWO_POW_32 = 4294967296;

export class Rng {
  private readonly s = new Uint32Array(4);
  private spare: number | null = null;

  /** seed: any integer; only its low 32 bits matter. */
  constructor(readonly seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`Rng seed must be an integer, got ${seed}`);
    const next = splitmix32(seed);
    for (let i = 0; i < 4; i++) this.s[i] = next();
    // xoshiro's all-zero state is a fixed point; splitmix32 cannot produce four zeros, but be explicit.
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /**
   * An independent stream named by `label` ("data", "init", "dropout"). It depends only on this
   * generator's seed and the label, not on how many numbers were drawn, so adding draws to one stream
   * never shifts another.
   */
  fork(label: string): Rng {
    return new Rng(hashLabel(this.seed >>> 0, label));
  }

  /** Next raw 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log never sees 0
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) {
      throw new Error(`Rng.int needs an integer bound in [1, 2^32], got ${n}`);
    }
    // Reject the top partial block of 2^32 so every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const v = this.nextUint32();
      if (v < limit) return v % n;
    }
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  getState(): RngState {
    return { words: [this.s[0], this.s[1], this.s[2], this.s[3]], spareNormal: this.spare };
  }

  setState(state: RngState): void {
    const w = state.words;
    if (w.length !== 4 || w.some((x) => !Number.isInteger(x) || x < 0 || x >= TWO_POW_32)) {
      throw new Error('Rng state must be four unsigned 32-bit integers');
    }
    if ((w[0] | w[1] | w[2] | w[3]) === 0) throw new Error('Rng state must not be all zeros');
    this.s.set(w);
    this.spare = state.spareNormal;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
