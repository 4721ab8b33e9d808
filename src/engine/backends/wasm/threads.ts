// The wasm backend's work split across threads that share its memory: large matrix products by tiles of C, and
// row-wise kernels (a recurrent cell's step, layer norm, softmax) by blocks of rows. The engine starts no threads: a
// host passes GemmHelpers (the runner's backends/gemmPool.ts starts worker_threads), each of which instantiates the
// same kernels on the same memory and runs serveTeam. Work changes hands through an Int32 control block in that memory
// with Atomics, with no message per job: the caller publishes a job, every thread (the caller too) claims tiles until
// none are left, and the caller waits until all are done.
// The tiles are a fixed partition, gemmTile reduces each element of C in the same order whatever tile holds it, and a
// row-wise kernel computes each row on its own, so the bits depend neither on how many threads ran nor on which
// thread claimed which tile; a helper that never started only means the caller claims more tiles.
import { OP_NAMES } from '../../backendOps';

/** A host's way to start helper threads; the engine itself imports no thread API. */
export interface GemmHelpers {
  /** Helper threads to start, besides the thread that calls the backend. */
  readonly count: number;
  /**
   * Starts them. Helper i (1..count) must run serveTeam(module, memory, control, i). Returns how to stop them
   * (after stop, none may touch the memory again).
   */
  start(module: WebAssembly.Module, memory: WebAssembly.Memory, control: number): { stop(): void };
}

/** The most arguments a row-wise kernel takes. */
export const MAX_ROW_ARGS = 12;

// Int32 slots of the control block: the published job's generation, the claim word (generation tag and tiles left),
// tiles done, stop flag, helpers ready, tiles helpers computed, a helper failed, helpers awake (not asleep), the job's
// kind and tile size; then a gemm's arguments, or a row-wise kernel's (its index in OP_NAMES, its rows, its arguments
// and how each moves with the rows); then each thread's gemm workspace address.
const GEN = 0, CLAIM = 1, DONE = 2, STOP = 3, READY = 4, HELPED = 5, FAILED = 6, AWAKE = 7, JOB = 8, CHUNK = 9, TILES = 10;
const TRANS_A = 11, TRANS_B = 12, M = 13, N = 14, K = 15, A = 16, B = 17, C = 18, ACC = 19, BY_COLUMNS = 20;
const KERNEL = 11, ROWS = 12, ARGS = 13, STRIDES = ARGS + MAX_ROW_ARGS;
const WORKSPACE = STRIDES + MAX_ROW_ARGS;
const GEMM_JOB = 0, ROWS_JOB = 1;
/** A row-wise kernel's argument that is the row count: each tile passes its own. */
export const ROW_COUNT = -1;
/** Added to DONE by a helper that failed inside a tile: more than any job's tiles, so the caller stops waiting. */
const FAILED_DONE = 1 << 20;
/**
 * The claim word holds the generation's low 20 bits above an 11-bit count of tiles not yet claimed. A thread claims
 * tile `left − 1` by decrementing the count; the job cannot finish before that tile does, so its arguments stay put
 * while the thread reads them after the claim.
 */
const TILE_BITS = 11, TAG_MASK = 0xfffff, LEFT_MASK = (1 << TILE_BITS) - 1;
/** The largest team: a job has at most one tile per thread, fewer than the claim word can count. */
export const MAX_THREADS = 256;
/**
 * How long a helper spins on the control block after a job before it sleeps, in ms. A training step's jobs come tens
 * of microseconds apart, less than a sleeping thread takes to wake, so the caller splits small jobs only while a
 * helper is awake (ThreadTeam.awake) and wakes sleeping helpers only for large ones.
 */
export const SPIN_MS = 0.25;
/** Wake-ups without a job that are skipped after one that no job followed (ThreadTeam.nudge). */
const NUDGE_BACKOFF = 15;
/** How long the caller spins for the helpers' last tiles before it sleeps: a tile in progress is worth waiting for. */
const CALLER_SPIN_MS = 1;

/** Bytes of control block for a team of `threads` (the caller included). */
export function controlBytes(threads: number): number {
  return (WORKSPACE + threads) * 4;
}

type GemmTile = (transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, c: number,
  accumulate: number, ws: number, i0: number, i1: number, j0: number, j1: number) => void;
/** A compiled kernel, called with byte addresses, counts and 0/1 flags. */
export type Kernel = (...args: number[]) => void;
/** What a thread runs: gemm tiles, and the row-wise kernels by their index in OP_NAMES. */
interface Kernels { gemmTile: GemmTile; byIndex: readonly Kernel[] }

function kernelsOf(exports: WebAssembly.Exports): Kernels {
  const all = exports as Record<string, Kernel>;
  return { gemmTile: all.gemmTile as unknown as GemmTile, byIndex: OP_NAMES.map((name) => all[name]) };
}

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

/** Spins while ctl[slot] holds `value`, for at most `ms`; true when it changed in that time. */
function spinWhile(ctl: Int32Array, slot: number, value: number, ms: number): boolean {
  const until = performance.now() + ms;
  for (let i = 1; ; i++) {
    if (Atomics.load(ctl, slot) !== value) return true;
    if ((i & 255) === 0 && performance.now() > until) return false;
  }
}

/** Tile t of the row-wise job in ctl: the kernel on rows [t·chunk, …), each row-strided address moved there. */
function rowsTile(kernels: Kernels, ctl: Int32Array, t: number, at: Float64Array): void {
  const rows = ctl[ROWS], chunk = ctl[CHUNK];
  const r0 = t * chunk;
  const count = Math.min(rows, r0 + chunk) - r0;
  for (let i = 0; i < MAX_ROW_ARGS; i++) {
    const v = ctl[ARGS + i] >>> 0, stride = ctl[STRIDES + i];
    // Address 0 is a null mask or counts: it stays null.
    at[i] = stride === ROW_COUNT ? count : stride > 0 && v !== 0 ? v + r0 * stride : v;
  }
  kernels.byIndex[ctl[KERNEL]](at[0], at[1], at[2], at[3], at[4], at[5], at[6], at[7], at[8], at[9], at[10], at[11]);
}

/** Tile t of the gemm job in ctl. */
function gemmTile(kernels: Kernels, ctl: Int32Array, t: number, ws: number): void {
  const m = ctl[M], n = ctl[N], lo = t * ctl[CHUNK], hi = lo + ctl[CHUNK];
  const byColumns = ctl[BY_COLUMNS] === 1;
  kernels.gemmTile(ctl[TRANS_A], ctl[TRANS_B], m, n, ctl[K], ctl[A] >>> 0, ctl[B] >>> 0, ctl[C] >>> 0, ctl[ACC], ws,
    byColumns ? 0 : lo, byColumns ? m : Math.min(m, hi), byColumns ? lo : 0, byColumns ? Math.min(n, hi) : n);
}

/** Claims tile after tile of the job tagged `tag` and computes each; returns when none is left. */
function runTiles(kernels: Kernels, ctl: Int32Array, tag: number, ws: number, at: Float64Array, helper: boolean): void {
  for (;;) {
    const word = Atomics.load(ctl, CLAIM);
    if (word >>> TILE_BITS !== tag || (word & LEFT_MASK) === 0) return;
    if (Atomics.compareExchange(ctl, CLAIM, word, word - 1) !== word) continue;
    const t = (word & LEFT_MASK) - 1;
    const tiles = ctl[TILES];
    if (ctl[JOB] === GEMM_JOB) gemmTile(kernels, ctl, t, ws);
    else rowsTile(kernels, ctl, t, at);
    if (helper) Atomics.add(ctl, HELPED, 1);
    if (Atomics.add(ctl, DONE, 1) + 1 === tiles) Atomics.notify(ctl, DONE);
  }
}

/** A helper thread's life: instantiate the kernels on the shared memory, then serve jobs until stopped. */
export function serveTeam(module: WebAssembly.Module, memory: WebAssembly.Memory, control: number, index: number): void {
  const kernels = kernelsOf(new WebAssembly.Instance(module, { env: { memory } }).exports);
  const ctl = new Int32Array(memory.buffer, control, WORKSPACE + index + 1);
  const at = new Float64Array(MAX_ROW_ARGS);
  let seen = Atomics.load(ctl, GEN);
  Atomics.add(ctl, AWAKE, 1);
  Atomics.add(ctl, READY, 1);
  for (;;) {
    // Awake from here until it sleeps: working on a tile, or spinning for the next job.
    if (!spinWhile(ctl, GEN, seen, SPIN_MS)) {
      Atomics.sub(ctl, AWAKE, 1);
      Atomics.wait(ctl, GEN, seen);
      Atomics.add(ctl, AWAKE, 1);
    }
    if (Atomics.load(ctl, STOP) !== 0) return;
    seen = Atomics.load(ctl, GEN);
    try {
      runTiles(kernels, ctl, seen & TAG_MASK, ctl[WORKSPACE + index] >>> 0, at, true);
    } catch (e) {
      // The tile it claimed will never be done: release the caller, which reports the job as failed.
      Atomics.store(ctl, FAILED, 1);
      Atomics.add(ctl, DONE, FAILED_DONE);
      Atomics.notify(ctl, DONE);
      throw e;
    }
  }
}

/** The calling thread's side: publishes jobs, takes its share, waits for the rest. */
export class ThreadTeam {
  private readonly ctl: Int32Array;
  private readonly helpers: { stop(): void };
  private readonly kernels: Kernels;
  private readonly at = new Float64Array(MAX_ROW_ARGS);
  private generation = 0;
  private rowJobs = 0;
  private jobSinceNudge = true;
  private nudgesSkipped = 0;
  /** Threads in the team, the caller included. */
  readonly threads: number;

  /** control: the byte address of controlBytes(1 + helpers.count) zeroed bytes in memory. */
  constructor(exports: WebAssembly.Exports, module: WebAssembly.Module, memory: WebAssembly.Memory, control: number,
    helpers: GemmHelpers) {
    if (!(helpers.count >= 0 && helpers.count < MAX_THREADS)) throw new RangeError(`wasm threads: ${helpers.count} helpers, expected 0..${MAX_THREADS - 1}`);
    this.threads = 1 + helpers.count;
    this.kernels = kernelsOf(exports);
    this.ctl = new Int32Array(memory.buffer, control, WORKSPACE + this.threads);
    this.helpers = helpers.start(module, memory, control);
  }

  /**
   * Threads that have reached their serving loop (the caller counts as one), the tiles helpers have computed, and the
   * row-wise kernel calls split across the team.
   */
  stats(): { ready: number; helperTiles: number; rowJobs: number } {
    return { ready: 1 + Atomics.load(this.ctl, READY), helperTiles: Atomics.load(this.ctl, HELPED), rowJobs: this.rowJobs };
  }

  /** True while a helper is awake (working, or spinning for the next job): a job handed over now needs no waking. */
  awake(): boolean {
    return Atomics.load(this.ctl, AWAKE) > 0;
  }

  /**
   * Wakes the sleeping helpers without a job: called by the caller as it runs alone a job it would have split had they
   * been awake, so that they are awake (spinning for SPIN_MS) for the jobs that follow it. When no job followed the
   * last wake-up (a model whose step has one such job), the next NUDGE_BACKOFF calls do nothing: a helper that wakes
   * for nothing only burns SPIN_MS of a core.
   */
  nudge(): void {
    if (this.nudgesSkipped > 0) {
      this.nudgesSkipped--;
      return;
    }
    if (!this.jobSinceNudge) this.nudgesSkipped = NUDGE_BACKOFF;
    this.jobSinceNudge = false;
    Atomics.notify(this.ctl, GEN);
  }

  /** Sets thread i's gemm workspace; call only between jobs. */
  setWorkspace(i: number, address: number): void {
    this.ctl[WORKSPACE + i] = address | 0;
  }

  /** C = op(A)·op(B) (+ C) by tiles over every thread; m, n ≥ 2 and k ≥ 1 (gemmTile's blocked path). */
  gemm(transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, c: number, acc: number): void {
    const ctl = this.ctl;
    const { byColumns, chunk, tiles } = partitionGemm(m, n, this.threads);
    ctl[TRANS_A] = transA; ctl[TRANS_B] = transB; ctl[M] = m; ctl[N] = n; ctl[K] = k;
    ctl[A] = a | 0; ctl[B] = b | 0; ctl[C] = c | 0; ctl[ACC] = acc; ctl[BY_COLUMNS] = byColumns ? 1 : 0;
    this.run(GEMM_JOB, chunk, tiles, `gemm (${m}×${n}×${k})`);
  }

  /**
   * The row-wise kernel OP_NAMES[kernel] on `rows` rows, by blocks of rows over every thread. args: its arguments
   * (byte addresses, counts, 0/1 flags); strides: for each, ROW_COUNT where it is the row count, the bytes one row
   * occupies where it is an address that moves with the rows, 0 where it is passed as is.
   */
  rows(kernel: number, rows: number, args: ArrayLike<number>, strides: ArrayLike<number>): void {
    const ctl = this.ctl;
    const chunk = Math.ceil(rows / this.threads);
    ctl[KERNEL] = kernel; ctl[ROWS] = rows;
    for (let i = 0; i < MAX_ROW_ARGS; i++) {
      ctl[ARGS + i] = i < args.length ? args[i] | 0 : 0;
      ctl[STRIDES + i] = i < strides.length ? strides[i] : 0;
    }
    this.rowJobs++;
    this.run(ROWS_JOB, chunk, Math.ceil(rows / chunk), OP_NAMES[kernel]);
  }

  private run(job: number, chunk: number, tiles: number, what: string): void {
    const ctl = this.ctl;
    this.jobSinceNudge = true;
    ctl[JOB] = job; ctl[CHUNK] = chunk; ctl[TILES] = tiles;
    Atomics.store(ctl, DONE, 0);
    const gen = (this.generation = (this.generation + 1) | 0);
    Atomics.store(ctl, CLAIM, ((gen & TAG_MASK) << TILE_BITS) | tiles);
    Atomics.store(ctl, GEN, gen);
    Atomics.notify(ctl, GEN);
    runTiles(this.kernels, ctl, gen & TAG_MASK, ctl[WORKSPACE] >>> 0, this.at, false);
    for (let d = Atomics.load(ctl, DONE); d < tiles; d = Atomics.load(ctl, DONE)) {
      if (!spinWhile(ctl, DONE, d, CALLER_SPIN_MS)) Atomics.wait(ctl, DONE, d);
    }
    if (Atomics.load(ctl, FAILED) !== 0) {
      throw new Error(`wasm ${what}: a helper thread failed inside its share, so the result is incomplete; `
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
