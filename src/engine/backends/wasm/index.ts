// A float32 CPU backend whose kernels are WebAssembly with 128-bit SIMD, compiled from
// ./assembly/kernels.ts by AssemblyScript at build time and embedded in ./compiled.ts (no file I/O), in two
// flavours: baseline SIMD ("simd128") and relaxed SIMD ("relaxed-simd", whose matrix products use
// f32x4.relaxed_madd: fused multiply-add where the hardware has it). The flavour shows as info.mode.
//
// alloc() returns Float32Array views into the module's shared linear memory, so kernels work on the
// caller's arrays in place. Arrays from anywhere else (including Float64Array) still work: they are
// staged through scratch memory, correct but slower.
//
// With GemmHelpers from the host, large matrix products and row-wise kernels are split across threads on that same
// memory (./threads.ts), with the same bits as on one thread.

import type { Activation, Backend, BackendInfo, Buf } from '../../backend';
import { checkArgs, implementOps, OP_NAMES, OPS, sizeAt, type OpName, type OpSpec } from '../../backendOps';
import { BackendUnavailableError } from '../unavailable';
import { KERNELS_RELAXED_WASM_BASE64, KERNELS_WASM_BASE64 } from './compiled';
import { Staging, WasmMemory } from './memory';
import { controlBytes, MAX_ROW_ARGS, ROW_COUNT, ThreadTeam, type GemmHelpers, type Kernel } from './threads';

export type { GemmHelpers } from './threads';

/**
 * The compiled kernels' exports: one per Backend op, taking its arguments in the same order as byte addresses,
 * counts and 0/1 flags (gemm takes its workspace address last); the activations are for tests.
 */
type Kernels = Record<OpName, (...args: number[]) => void> & {
  gemmWorkspaceBytes(n: number): number;
  gemmTile(...args: number[]): void;
  expInto(x: number, y: number, n: number): void;
  sigmoidInto(x: number, y: number, n: number): void;
  tanhInto(x: number, y: number, n: number): void;
};

/**
 * Which compiled kernels run. They differ only in gemm (and its matrix-vector paths): relaxed-simd may fuse each
 * multiply-add (one rounding instead of two), so its products can differ from simd128's in the last bits; every other
 * op gives bit-identical results in both.
 */
export type WasmFlavour = 'simd128' | 'relaxed-simd';

export interface WasmBackendOptions {
  /** Upper bound of the linear memory in bytes (default and maximum 4 GiB, wasm32's limit). */
  maximumMemoryBytes?: number;
  /** The kernels to run; default: relaxed-simd where this engine accepts it, else simd128. */
  flavour?: WasmFlavour;
  /** Threads that take a share of large matrix products; none: every product runs on the calling thread. */
  helpers?: GemmHelpers;
  /** While a helper is awake, products of fewer multiply-adds (m·n·k) than this stay on the calling thread (default PARALLEL_MIN_MADDS). */
  parallelMinMadds?: number;
  /** While helpers sleep, products of fewer multiply-adds than this stay there, and wake none (default WAKE_MIN_MADDS). */
  wakeMinMadds?: number;
  /** While a helper is awake, row-wise kernels over fewer values (all their per-row buffers) stay there (default PARALLEL_MIN_ROW_VALUES). */
  parallelMinRowValues?: number;
  /** While helpers sleep, row-wise kernels over fewer values than this stay there (default: all of them). */
  wakeMinRowValues?: number;
}

/**
 * While a helper is awake (spinning after a job), below this many multiply-adds (about half a million) a product runs
 * about as fast or faster on one thread than split: handing it over and packing the shared operand once per thread
 * cost more than their share of the arithmetic. Measured on the 2-vCPU development machine by bench/gemm-threads.ts
 * (figures in bench/README.md): at 0.5 million the LSTM step's two per-step products ran 0.92–1.02× and 1.02–1.31× on
 * two threads, from 1.2 million up 1.16–1.94×; at 0.3 million and below, 0.5–1.2×.
 */
export const PARALLEL_MIN_MADDS = 1 << 19;

/**
 * While the helpers sleep, a product must have this many multiply-adds (about 4.2 million) to be split: waking a
 * helper costs tens of µs. Measured with sleeping helpers by bench/gemm-threads.ts (bench/README.md): below about a
 * million splitting lost, from 4.2 million up it won. Smaller products then run on the calling thread and wake no one,
 * so a model whose step has one mid-sized product costs no more CPU than on one thread.
 */
export const WAKE_MIN_MADDS = 1 << 22;

/**
 * While a helper is awake, below this many values (every per-row buffer of the call together) a row-wise kernel runs
 * on the calling thread: the hand-over costs about what the helper saves. While the helpers sleep, every row-wise
 * kernel runs there: none is large enough to pay for waking one. Measured by bench/gemm-threads.ts (bench/README.md): the LSTM
 * step kernels ran 1.08–1.58× on two threads at 13–16 thousand values, 0.5–0.85× below 10 thousand.
 */
export const PARALLEL_MIN_ROW_VALUES = 1 << 14;

export interface WasmBackend extends Backend {
  /** Vectorized exp/sigmoid/tanh over n values, exposed so tests can check the approximations directly. */
  activation(kind: 'exp' | 'sigmoid' | 'tanh', x: Float32Array, y: Float32Array): void;
  /** Bytes of WebAssembly memory this backend holds (its arrays, workspace and staging). */
  memoryBytes(): number;
  /**
   * Threads that have started serving jobs, the calling thread included (helpers start asynchronously), the tiles the
   * helpers have computed so far, and the row-wise kernel calls split across the threads.
   */
  threadStats(): { ready: number; helperTiles: number; rowJobs: number };
  /** Stops the helper threads; the backend must not be used after. */
  destroy(): void;
}

/** True when this JavaScript engine can run the kernels (WebAssembly SIMD and shared memory). */
export function wasmBackendSupported(): boolean {
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    // A module whose only function returns a v128 constant: validates only with SIMD.
    return WebAssembly.validate(new Uint8Array([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
    ]));
  } catch {
    return false;
  }
}

const BASE64: Record<WasmFlavour, string> = { simd128: KERNELS_WASM_BASE64, 'relaxed-simd': KERNELS_RELAXED_WASM_BASE64 };
const binaries: Partial<Record<WasmFlavour, Uint8Array<ArrayBuffer>>> = {};
const modules: Partial<Record<WasmFlavour, WebAssembly.Module>> = {};

function binary(flavour: WasmFlavour): Uint8Array<ArrayBuffer> {
  return (binaries[flavour] ??= Uint8Array.from(atob(BASE64[flavour]), (ch) => ch.charCodeAt(0)));
}

/**
 * True when this engine accepts the relaxed-SIMD kernels: Chromium and Electron do; Node 20 only once V8's
 * --experimental-wasm-relaxed-simd flag is set (the runner's backend registry sets it). Not cached: the flag may be
 * set later in the process.
 */
export function relaxedSimdSupported(): boolean {
  return wasmBackendSupported() && WebAssembly.validate(binary('relaxed-simd'));
}

/** The embedded kernels of a flavour, compiled once per process. */
function kernelsModule(flavour: WasmFlavour): WebAssembly.Module {
  return (modules[flavour] ??= new WebAssembly.Module(binary(flavour)));
}

/** The most arguments an op may take: the wrapper below has this fixed arity. */
const MAX_ARGS = 11;

// How kernelCall passes each argument, worked out once per op from its table entry.
const AS_NUMBER = 0, AS_FLAG = 1, AS_CHOICE = 2, AS_MASK = 3, READ = 4, OVERWRITE = 5, READ_WRITE = 6, BY_FLAG = 7, AS_COUNTS = 8;

function passing(op: OpSpec): Int8Array {
  return Int8Array.from(op.args, (a) => {
    if (a.kind !== 'buf') return { size: AS_NUMBER, flag: AS_FLAG, choice: AS_CHOICE, mask: AS_MASK, counts: AS_COUNTS }[a.kind];
    if (a.accumulateAt >= 0) return BY_FLAG;
    // A partly written output is staged in and out, so that its other blocks survive.
    return a.role === 'in' ? READ : a.role === 'out' && !a.blocks ? OVERWRITE : READ_WRITE;
  });
}

/**
 * An op as a kernel call: validated against the table, each buffer given an address by its role (arrays outside
 * WASM memory are staged), flags as 0/1 and choices as their index. The wrapper has fixed arity and reuses its arrays:
 * it runs on every op call of the training loop and must not allocate (a rest parameter would).
 */
function kernelCall(op: OpSpec, kernel: (...args: number[]) => void, s: Staging, last: ((argv: unknown[]) => number) | null) {
  if (op.args.length > MAX_ARGS) throw new Error(`internal: wasm ${op.name} takes more than ${MAX_ARGS} arguments`);
  const how = passing(op);
  const argv: unknown[] = new Array<unknown>(MAX_ARGS).fill(undefined);
  const at = new Float64Array(MAX_ARGS + 1);
  return (a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown, a4?: unknown, a5?: unknown, a6?: unknown, a7?: unknown,
    a8?: unknown, a9?: unknown, a10?: unknown): void => {
    argv[0] = a0; argv[1] = a1; argv[2] = a2; argv[3] = a3; argv[4] = a4; argv[5] = a5;
    argv[6] = a6; argv[7] = a7; argv[8] = a8; argv[9] = a9; argv[10] = a10;
    checkArgs('wasm', op, argv, false);
    at[how.length] = last ? last(argv) : 0;
    s.begin();
    for (let i = 0; i < how.length; i++) {
      const v = argv[i];
      switch (how[i]) {
        case AS_NUMBER: at[i] = v as number; break;
        case AS_FLAG: at[i] = v ? 1 : 0; break;
        case AS_CHOICE: at[i] = op.args[i].values.indexOf(v as Activation); break;
        case AS_MASK: at[i] = s.mask(v as Float32Array | null); break;
        case AS_COUNTS: at[i] = s.counts(v as Int32Array | null); break;
        case READ: at[i] = s.input(v as Buf); break;
        case OVERWRITE: at[i] = s.output(v as Buf); break;
        case READ_WRITE: at[i] = s.inout(v as Buf); break;
        default: at[i] = argv[op.args[i].accumulateAt] ? s.inout(v as Buf) : s.output(v as Buf);
      }
    }
    kernel(at[0], at[1], at[2], at[3], at[4], at[5], at[6], at[7], at[8], at[9], at[10], at[11]);
    s.finish();
  };
}

function startTeam(instance: WebAssembly.Instance, module: WebAssembly.Module, mem: WasmMemory, helpers: GemmHelpers | undefined): ThreadTeam | null {
  if (!helpers || helpers.count === 0) return null;
  const control = mem.reserve(controlBytes(1 + helpers.count));
  if (control < 0) throw new RangeError('wasm threads: no WebAssembly memory for the control block');
  return new ThreadTeam(instance.exports, module, mem.memory, control, helpers);
}

/**
 * The op's kernel, split by rows over the team when it is row-wise and large enough. Row-wise: its first size counts
 * rows ('B' or 'rows'), every buffer that grows with it holds one contiguous block per row, and every other buffer is
 * only read (sumRows, layer norm's backward and the attention scores' backward add every row into one result, so
 * they are not). Each row is computed on its own, so the split gives the bits of one thread.
 */
function splitByRows(op: OpSpec, kernel: Kernel, team: ThreadTeam | null, minValues: number, wakeMinValues: number): Kernel {
  const rowsAt = op.sizes[0];
  const rowWise = ['B', 'rows'].includes(op.args[rowsAt].name) && op.args.length <= MAX_ROW_ARGS
    && op.args.every((a) => a.kind !== 'buf' || (a.powers[0] === 0 ? a.role === 'in' : a.powers[0] === 1));
  if (team === null || !rowWise) return kernel;
  const index = OP_NAMES.indexOf(op.name);
  const moves = op.args.map((a) => a.kind !== 'size' && a.kind !== 'flag' && a.kind !== 'choice' && a.powers[0] === 1);
  const at = new Float64Array(MAX_ROW_ARGS);
  const strides = new Int32Array(MAX_ROW_ARGS);
  return (a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11) => {
    at[0] = a0; at[1] = a1; at[2] = a2; at[3] = a3; at[4] = a4; at[5] = a5;
    at[6] = a6; at[7] = a7; at[8] = a8; at[9] = a9; at[10] = a10; at[11] = a11;
    let perRow = 0;
    for (let i = 0; i < op.args.length; i++) {
      if (!moves[i]) { strides[i] = i === rowsAt ? ROW_COUNT : 0; continue; }
      const a = op.args[i];
      let values = a.coef;
      for (let j = 1; j < op.sizes.length; j++) if (a.powers[j]) values *= at[op.sizes[j]] ** a.powers[j];
      strides[i] = values * 4; // float32 buffers and int32 counts alike
      perRow += values;
    }
    const rows = at[rowsAt];
    const values = rows < 2 ? -1 : rows * perRow;
    if (values >= (team.awake() ? minValues : wakeMinValues)) team.rows(index, rows, at, strides);
    else {
      if (values >= minValues) team.nudge();
      kernel(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
    }
  };
}

/**
 * gemm's last argument: scratch for packing its operands, grown to the largest n seen; with a team, one per thread
 * (the caller's is the one returned).
 */
function gemmWorkspace(k: Kernels, mem: WasmMemory, team: ThreadTeam | null): (argv: unknown[]) => number {
  let ws = 0;
  let wsBytes = 0;
  return (argv) => {
    const bytes = k.gemmWorkspaceBytes(sizeAt(OPS.gemm, argv, 1));
    if (bytes <= wsBytes) return ws;
    for (let i = (team?.threads ?? 1) - 1; i >= 0; i--) {
      const at = mem.reserve(bytes);
      if (at < 0) throw new RangeError(`wasm gemm: out of WebAssembly memory for a ${bytes}-byte workspace`);
      team?.setWorkspace(i, at);
      ws = at;
    }
    wsBytes = bytes;
    return ws;
  };
}

/** Each backend has its own memory: arrays from alloc() live as long as the backend (there is no free). */
export function createWasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  const flavour = options.flavour ?? (relaxedSimdSupported() ? 'relaxed-simd' : 'simd128');
  if (flavour === 'relaxed-simd' && !relaxedSimdSupported())
    throw new BackendUnavailableError('wasm:relaxed-simd', 'this JavaScript engine does not accept relaxed SIMD (Node 20: V8 flag --experimental-wasm-relaxed-simd)');
  const module = kernelsModule(flavour);
  const maxBytes = Math.min(options.maximumMemoryBytes ?? 2 ** 32, 2 ** 32);
  const mem = new WasmMemory(Math.max(32, Math.floor(maxBytes / 65536)));
  const instance = new WebAssembly.Instance(module, { env: { memory: mem.memory } });
  const k = instance.exports as unknown as Kernels;
  const s = new Staging(mem);
  const team = startTeam(instance, module, mem, options.helpers);
  const workspace = gemmWorkspace(k, mem, team);
  const minMadds = options.parallelMinMadds ?? PARALLEL_MIN_MADDS;
  const wakeMinMadds = options.wakeMinMadds ?? WAKE_MIN_MADDS;
  const minRowValues = options.parallelMinRowValues ?? PARALLEL_MIN_ROW_VALUES;
  const wakeMinRowValues = options.wakeMinRowValues ?? Infinity;
  const gemm = team === null ? k.gemm : (transA: number, transB: number, m: number, n: number, kk: number, a: number,
    b: number, c: number, acc: number, ws: number): void => {
    // gemm's own edge cases (empty, matrix-vector) and small products stay here.
    const madds = m < 2 || n < 2 || kk < 1 ? -1 : m * n * kk;
    if (madds >= (team.awake() ? minMadds : wakeMinMadds)) team.gemm(transA, transB, m, n, kk, a, b, c, acc);
    else {
      // Too small to wake the helpers for, but worth splitting once they are up: wake them for the jobs that follow.
      if (madds >= minMadds) team.nudge();
      k.gemm(transA, transB, m, n, kk, a, b, c, acc, ws);
    }
  };
  const info: BackendInfo = { name: 'wasm', mode: flavour, dtype: 'float32', ...(team ? { threads: team.threads } : {}) };

  return {
    info,
    ...implementOps((op) => op.name === 'gemm' ? kernelCall(op, gemm, s, workspace)
      : kernelCall(op, splitByRows(op, k[op.name], team, minRowValues, wakeMinRowValues), s, null)),

    alloc(n: number): Buf {
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`wasm alloc: n must be a non-negative integer, got ${n}`);
      const at = mem.reserve(n * 4);
      // Past the memory's maximum, a plain array still works through staging.
      return at < 0 ? new Float32Array(n) : mem.view(at, n);
    },

    memoryBytes() {
      return mem.memory.buffer.byteLength;
    },

    threadStats() {
      return team?.stats() ?? { ready: 1, helperTiles: 0, rowJobs: 0 };
    },

    destroy() {
      team?.stop();
    },

    activation(kind, x, y) {
      if (y.length < x.length) throw new RangeError(`wasm ${kind}: y has ${y.length} values, needs ${x.length}`);
      s.begin();
      const px = s.input(x), py = s.output(y);
      if (kind === 'exp') k.expInto(px, py, x.length);
      else if (kind === 'sigmoid') k.sigmoidInto(px, py, x.length);
      else k.tanhInto(px, py, x.length);
      s.finish();
    },
  };
}
