// Large matrix products of the wasm backend split across threads that share its memory. The engine starts no
// threads: a host passes GemmHelpers (the runner's backends/gemmPool.ts starts worker_threads), each of which
// instantiates the same kernels on the same memory and runs serveGemmTiles. Work changes hands through an Int32
// control block in that memory with Atomics, with no message per product: the caller publishes a product, every
// thread (the caller too) claims tiles of C until none are left, and the caller waits until all are done.
// The tiles are a fixed partition of C, and gemmTile reduces each element in the same order whatever tile holds it,
// so the bits depend neither on how many threads ran nor on which thread claimed which tile; a helper that never
// started only means the caller claims more tiles.

/** A host's way to start helper threads; the engine itself imports no thread API. */
export interface GemmHelpers {
  /** Helper threads to start, besides the thread that calls the backend. */
  readonly count: number;
  /**
   * Starts them. Helper i (1..count) must run serveGemmTiles(module, memory, control, i). Returns how to stop them
   * (after stop, none may touch the memory again).
   */
  start(module: WebAssembly.Module, memory: WebAssembly.Memory, control: number): { stop(): void };
}

// Int32 slots of the control block: the published product's generation, the claim word (generation tag and next
// tile), tiles done, stop flag, helpers ready, the product's arguments, tiles helpers computed, a helper failed, then
// each thread's workspace address.
const GEN = 0, CLAIM = 1, DONE = 2, STOP = 3, READY = 4, HELPED = 17, FAILED = 18;
const TRANS_A = 5, TRANS_B = 6, M = 7, N = 8, K = 9, A = 10, B = 11, C = 12, ACC = 13, BY_COLUMNS = 14, CHUNK = 15, TILES = 16;
const WORKSPACE = 19;
/** Added to DONE by a helper that failed inside a tile: more than any product's tiles, so the caller stops waiting. */
const FAILED_DONE = 1 << 20;
/** The claim word holds the generation's low 20 bits above an 11-bit tile index (past the last tile, at most 2^11 − 1). */
const TILE_BITS = 11, TAG_MASK = 0xfffff, INDEX_MASK = (1 << TILE_BITS) - 1;
/** The largest team: a product has at most one tile per thread, fewer than the claim word's index can count. */
export const MAX_THREADS = 256;

/** Bytes of control block for a team of `threads` (the caller included). */
export function controlBytes(threads: number): number {
  return (WORKSPACE + threads) * 4;
}

type GemmTile = (transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, c: number,
  accumulate: number, ws: number, i0: number, i1: number, j0: number, j1: number) => void;

/**
 * How C (m×n) is cut into tiles for `threads`: along its longer side (each tile packs the whole of the other
 * operand, so the longer side keeps that repeated packing smallest), in chunks aligned to the micro-kernel's 4 rows
 * or 8 columns.
 */
export function partitionGemm(m: number, n: number, threads: number): { byColumns: boolean; chunk: number; tiles: number } {
  const byColumns = n > m;
  const align = byColumns ? 8 : 4;
  const side = byColumns ? n : m;
  const chunk = Math.ceil(side / threads / align) * align;
  return { byColumns, chunk, tiles: Math.ceil(side / chunk) };
}

/** Claims tile after tile of the product tagged `tag` and computes each; returns when none is left. */
function runTiles(gemmTile: GemmTile, ctl: Int32Array, tag: number, ws: number, helper: boolean): void {
  const transA = ctl[TRANS_A], transB = ctl[TRANS_B], m = ctl[M], n = ctl[N], k = ctl[K];
  const a = ctl[A] >>> 0, b = ctl[B] >>> 0, c = ctl[C] >>> 0, acc = ctl[ACC];
  const byColumns = ctl[BY_COLUMNS] === 1, chunk = ctl[CHUNK], tiles = ctl[TILES];
  for (;;) {
    const word = Atomics.load(ctl, CLAIM);
    // Arguments read while a later product was being published fail here: its claim word has another tag.
    if (word >>> TILE_BITS !== tag || (word & INDEX_MASK) >= tiles) return;
    if (Atomics.compareExchange(ctl, CLAIM, word, word + 1) !== word) continue;
    const t = word & INDEX_MASK;
    const lo = t * chunk;
    if (byColumns) gemmTile(transA, transB, m, n, k, a, b, c, acc, ws, 0, m, lo, Math.min(n, lo + chunk));
    else gemmTile(transA, transB, m, n, k, a, b, c, acc, ws, lo, Math.min(m, lo + chunk), 0, n);
    if (helper) Atomics.add(ctl, HELPED, 1);
    if (Atomics.add(ctl, DONE, 1) + 1 === tiles) Atomics.notify(ctl, DONE);
  }
}

/** A helper thread's life: instantiate the kernels on the shared memory, then serve products until stopped. */
export function serveGemmTiles(module: WebAssembly.Module, memory: WebAssembly.Memory, control: number, index: number): void {
  const gemmTile = (new WebAssembly.Instance(module, { env: { memory } }).exports as { gemmTile: GemmTile }).gemmTile;
  const ctl = new Int32Array(memory.buffer, control, WORKSPACE + index + 1);
  let seen = Atomics.load(ctl, GEN);
  Atomics.add(ctl, READY, 1);
  for (;;) {
    Atomics.wait(ctl, GEN, seen);
    if (Atomics.load(ctl, STOP) !== 0) return;
    seen = Atomics.load(ctl, GEN);
    try {
      runTiles(gemmTile, ctl, seen & TAG_MASK, ctl[WORKSPACE + index] >>> 0, true);
    } catch (e) {
      // The tile it claimed will never be done: release the caller, which reports the product as failed.
      Atomics.store(ctl, FAILED, 1);
      Atomics.add(ctl, DONE, FAILED_DONE);
      Atomics.notify(ctl, DONE);
      throw e;
    }
  }
}

/** The calling thread's side: publishes products, takes its share, waits for the rest. */
export class GemmTeam {
  private readonly ctl: Int32Array;
  private readonly helpers: { stop(): void };
  private generation = 0;
  /** Threads in the team, the caller included. */
  readonly threads: number;

  /** control: the byte address of controlBytes(1 + helpers.count) zeroed bytes in memory. */
  constructor(private readonly gemmTile: GemmTile, module: WebAssembly.Module, memory: WebAssembly.Memory, control: number,
    helpers: GemmHelpers) {
    if (!(helpers.count >= 0 && helpers.count < MAX_THREADS)) throw new RangeError(`wasm threads: ${helpers.count} helpers, expected 0..${MAX_THREADS - 1}`);
    this.threads = 1 + helpers.count;
    this.ctl = new Int32Array(memory.buffer, control, WORKSPACE + this.threads);
    this.helpers = helpers.start(module, memory, control);
  }

  /** Threads that have reached their serving loop (the caller counts as one), and the tiles helpers have computed. */
  stats(): { ready: number; helperTiles: number } {
    return { ready: 1 + Atomics.load(this.ctl, READY), helperTiles: Atomics.load(this.ctl, HELPED) };
  }

  /** Sets thread i's gemm workspace; call only between products. */
  setWorkspace(i: number, address: number): void {
    this.ctl[WORKSPACE + i] = address | 0;
  }

  /** C = op(A)·op(B) (+ C) by tiles over every thread; m, n ≥ 2 and k ≥ 1 (gemmTile's blocked path). */
  gemm(transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, c: number, acc: number): void {
    const ctl = this.ctl;
    const { byColumns, chunk, tiles } = partitionGemm(m, n, this.threads);
    ctl[TRANS_A] = transA; ctl[TRANS_B] = transB; ctl[M] = m; ctl[N] = n; ctl[K] = k;
    ctl[A] = a | 0; ctl[B] = b | 0; ctl[C] = c | 0; ctl[ACC] = acc;
    ctl[BY_COLUMNS] = byColumns ? 1 : 0; ctl[CHUNK] = chunk; ctl[TILES] = tiles;
    Atomics.store(ctl, DONE, 0);
    const gen = (this.generation = (this.generation + 1) | 0);
    Atomics.store(ctl, CLAIM, (gen & TAG_MASK) << TILE_BITS);
    Atomics.store(ctl, GEN, gen);
    Atomics.notify(ctl, GEN);
    runTiles(this.gemmTile, ctl, gen & TAG_MASK, ctl[WORKSPACE] >>> 0, false);
    for (let d = Atomics.load(ctl, DONE); d < tiles; d = Atomics.load(ctl, DONE)) Atomics.wait(ctl, DONE, d);
    if (Atomics.load(ctl, FAILED) !== 0) {
      throw new Error(`wasm gemm (${m}×${n}×${k}): a helper thread failed inside its share, so the product is incomplete; `
        + 'its error is reported separately; with threads set to 1 no helper threads run.');
    }
  }

  /** Stops the helpers; the team must not be used after. */
  stop(): void {
    Atomics.store(this.ctl, STOP, 1);
    Atomics.add(this.ctl, GEN, 1);
    Atomics.notify(this.ctl, GEN);
    this.helpers.stop();
  }
}
