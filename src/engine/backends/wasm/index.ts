// A float32 CPU backend whose kernels are WebAssembly with 128-bit SIMD, compiled from
// ./assembly/kernels.ts by AssemblyScript at build time and embedded in ./compiled.ts (no file I/O).
//
// alloc() returns Float32Array views into the module's shared linear memory, so kernels work on the
// caller's arrays in place. Arrays from anywhere else (including Float64Array) still work: they are
// staged through scratch memory, correct but slower.

import type { Activation, Backend, BackendInfo, Buf } from '../../backend';
import { KERNELS_WASM_BASE64 } from './compiled';
import { Staging, WasmMemory } from './memory';

/** The compiled kernels' exports: byte addresses and counts; booleans are 0/1. */
interface Kernels {
  gemmWorkspaceBytes(n: number): number;
  gemm(transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, c: number, accumulate: number, ws: number): void;
  addRowVector(x: number, rows: number, n: number, v: number): void;
  sumRows(x: number, rows: number, n: number, out: number): void;
  layerNormForward(rows: number, groups: number, H: number, x: number, gamma: number, beta: number, y: number, mean: number, rstd: number): void;
  layerNormBackward(rows: number, groups: number, H: number, dy: number, x: number, mean: number, rstd: number, gamma: number, dx: number, dgamma: number, dbeta: number): void;
  rnnForward(relu: number, B: number, H: number, xg: number, hg: number, hPrev: number, mask: number, h: number): void;
  rnnBackward(relu: number, B: number, H: number, h: number, dh: number, mask: number, dpre: number, dhPrev: number): void;
  lstmForward(B: number, H: number, xg: number, hg: number, hPrev: number, cPrev: number, mask: number, gates: number, c: number, h: number): void;
  lstmBackward(B: number, H: number, gates: number, cPrev: number, c: number, dh: number, dc: number, mask: number, dpre: number, dhPrev: number): void;
  gruForward(B: number, H: number, xg: number, hg: number, hPrev: number, mask: number, gates: number, h: number): void;
  gruBackward(B: number, H: number, gates: number, hg: number, hPrev: number, dh: number, mask: number, dxg: number, dhg: number, dhPrev: number): void;
  gruResetBeforeGatesForward(B: number, H: number, xg: number, hgRZ: number, hPrev: number, gates: number, rh: number): void;
  gruResetBeforeOutputForward(B: number, H: number, xg: number, hgN: number, hPrev: number, mask: number, gates: number, h: number): void;
  gruResetBeforeOutputBackward(B: number, H: number, gates: number, hPrev: number, dh: number, mask: number, dxg: number, dhgN: number, dz: number, dhPrev: number): void;
  gruResetBeforeGatesBackward(B: number, H: number, gates: number, hPrev: number, drh: number, dz: number, dxg: number, dhgRZ: number, dhPrev: number): void;
  expInto(x: number, y: number, n: number): void;
  sigmoidInto(x: number, y: number, n: number): void;
  tanhInto(x: number, y: number, n: number): void;
}

export interface WasmBackendOptions {
  /** Upper bound of the linear memory in bytes (default and maximum 4 GiB, wasm32's limit). */
  maximumMemoryBytes?: number;
}

export interface WasmBackend extends Backend {
  /** Vectorized exp/sigmoid/tanh over n values, exposed so tests can check the approximations directly. */
  activation(kind: 'exp' | 'sigmoid' | 'tanh', x: Float32Array, y: Float32Array): void;
  /** Bytes of WebAssembly memory this backend holds (its arrays, workspace and staging). */
  memoryBytes(): number;
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

function need(op: string, name: string, buf: Buf, length: number): void {
  if (buf.length < length) throw new RangeError(`wasm ${op}: ${name} has ${buf.length} elements, needs ${length}`);
}

// Fixed arity, no rest parameter: these run on every call of the training loop and must not allocate.
function dims(op: string, a: number, b = 0, c = 0): void {
  if (!(Number.isInteger(a) && a >= 0 && Number.isInteger(b) && b >= 0 && Number.isInteger(c) && c >= 0))
    throw new RangeError(`wasm ${op}: sizes must be non-negative integers, got ${[a, b, c].join(', ')}`);
}

let embedded: WebAssembly.Module | null = null;

/** The embedded kernels, compiled once per process. */
function kernelsModule(): WebAssembly.Module {
  if (!embedded) embedded = new WebAssembly.Module(Uint8Array.from(atob(KERNELS_WASM_BASE64), (ch) => ch.charCodeAt(0)));
  return embedded;
}

/** Each backend has its own memory: arrays from alloc() live as long as the backend (there is no free). */
export function createWasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  const module = kernelsModule();
  const maxBytes = Math.min(options.maximumMemoryBytes ?? 2 ** 32, 2 ** 32);
  const mem = new WasmMemory(Math.max(32, Math.floor(maxBytes / 65536)));
  const instance = new WebAssembly.Instance(module, { env: { memory: mem.memory } });
  const k = instance.exports as unknown as Kernels;
  const s = new Staging(mem);
  let ws = 0;
  let wsBytes = 0;
  const workspace = (n: number): number => {
    const bytes = k.gemmWorkspaceBytes(n);
    if (bytes > wsBytes) {
      const at = mem.reserve(bytes);
      if (at < 0) throw new RangeError(`wasm gemm: out of WebAssembly memory for a ${bytes}-byte workspace`);
      ws = at;
      wsBytes = bytes;
    }
    return ws;
  };
  const info: BackendInfo = { name: 'wasm', mode: 'simd128', dtype: 'float32' };

  return {
    info,

    alloc(n: number): Buf {
      dims('alloc', n);
      const at = mem.reserve(n * 4);
      // Past the memory's maximum, a plain array still works through staging.
      return at < 0 ? new Float32Array(n) : mem.view(at, n);
    },

    gemm(transA, transB, m, n, kk, a, b, c, accumulate) {
      dims('gemm', m, n, kk);
      need('gemm', 'a', a, m * kk); need('gemm', 'b', b, kk * n); need('gemm', 'c', c, m * n);
      const w = workspace(n);
      s.begin();
      const pa = s.input(a), pb = s.input(b), pc = accumulate ? s.inout(c) : s.output(c);
      k.gemm(transA ? 1 : 0, transB ? 1 : 0, m, n, kk, pa, pb, pc, accumulate ? 1 : 0, w);
      s.finish();
    },

    addRowVector(x, rows, n, v) {
      dims('addRowVector', rows, n);
      need('addRowVector', 'x', x, rows * n); need('addRowVector', 'v', v, n);
      s.begin();
      k.addRowVector(s.inout(x), rows, n, s.input(v));
      s.finish();
    },

    sumRows(x, rows, n, out) {
      dims('sumRows', rows, n);
      need('sumRows', 'x', x, rows * n); need('sumRows', 'out', out, n);
      s.begin();
      k.sumRows(s.input(x), rows, n, s.inout(out));
      s.finish();
    },

    layerNormForward(rows, groups, H, x, gamma, beta, y, mean, rstd) {
      dims('layerNormForward', rows, groups, H);
      const op = 'layerNormForward', len = rows * groups * H;
      need(op, 'x', x, len); need(op, 'gamma', gamma, groups * H); need(op, 'beta', beta, groups * H);
      need(op, 'y', y, len); need(op, 'mean', mean, rows * groups); need(op, 'rstd', rstd, rows * groups);
      s.begin();
      k.layerNormForward(rows, groups, H, s.input(x), s.input(gamma), s.input(beta), s.output(y), s.output(mean), s.output(rstd));
      s.finish();
    },

    layerNormBackward(rows, groups, H, dy, x, mean, rstd, gamma, dx, dgamma, dbeta) {
      dims('layerNormBackward', rows, groups, H);
      const op = 'layerNormBackward', len = rows * groups * H;
      need(op, 'dy', dy, len); need(op, 'x', x, len); need(op, 'mean', mean, rows * groups); need(op, 'rstd', rstd, rows * groups);
      need(op, 'gamma', gamma, groups * H); need(op, 'dx', dx, len); need(op, 'dgamma', dgamma, groups * H); need(op, 'dbeta', dbeta, groups * H);
      s.begin();
      k.layerNormBackward(rows, groups, H, s.input(dy), s.input(x), s.input(mean), s.input(rstd), s.input(gamma),
        s.output(dx), s.inout(dgamma), s.inout(dbeta));
      s.finish();
    },

    rnnForward(act: Activation, B, H, xg, hg, hPrev, mask, h) {
      dims('rnnForward', B, H);
      const op = 'rnnForward', len = B * H;
      need(op, 'xg', xg, len); need(op, 'hg', hg, len); need(op, 'hPrev', hPrev, len); need(op, 'h', h, len);
      if (mask) need(op, 'mask', mask, B);
      s.begin();
      k.rnnForward(act === 'relu' ? 1 : 0, B, H, s.input(xg), s.input(hg), s.input(hPrev), s.mask(mask), s.output(h));
      s.finish();
    },

    rnnBackward(act: Activation, B, H, h, dh, mask, dpre, dhPrev) {
      dims('rnnBackward', B, H);
      const op = 'rnnBackward', len = B * H;
      need(op, 'h', h, len); need(op, 'dh', dh, len); need(op, 'dpre', dpre, len); need(op, 'dhPrev', dhPrev, len);
      if (mask) need(op, 'mask', mask, B);
      s.begin();
      k.rnnBackward(act === 'relu' ? 1 : 0, B, H, s.input(h), s.input(dh), s.mask(mask), s.output(dpre), s.output(dhPrev));
      s.finish();
    },

    lstmForward(B, H, xg, hg, hPrev, cPrev, mask, gates, c, h) {
      dims('lstmForward', B, H);
      const op = 'lstmForward', len = B * H, glen = 4 * len;
      need(op, 'xg', xg, glen); need(op, 'hg', hg, glen); need(op, 'hPrev', hPrev, len); need(op, 'cPrev', cPrev, len);
      need(op, 'gates', gates, glen); need(op, 'c', c, len); need(op, 'h', h, len);
      if (mask) need(op, 'mask', mask, B);
      s.begin();
      k.lstmForward(B, H, s.input(xg), s.input(hg), s.input(hPrev), s.input(cPrev), s.mask(mask), s.output(gates), s.output(c), s.output(h));
      s.finish();
    },

    lstmBackward(B, H, gates, cPrev, c, dh, dc, mask, dpre, dhPrev) {
      dims('lstmBackward', B, H);
      const op = 'lstmBackward', len = B * H, glen = 4 * len;
      need(op, 'gates', gates, glen); need(op, 'cPrev', cPrev, len); need(op, 'c', c, len); need(op, 'dh', dh, len);
      need(op, 'dc', dc, len); need(op, 'dpre', dpre, glen); need(op, 'dhPrev', dhPrev, len);
      if (mask) need(op, 'mask', mask, B);
      s.begin();
      k.lstmBackward(B, H, s.input(gates), s.input(cPrev), s.input(c), s.input(dh), s.inout(dc), s.mask(mask), s.output(dpre), s.output(dhPrev));
      s.finish();
    },

    gruForward(B, H, xg, hg, hPrev, mask, gates, h) {
      dims('gruForward', B, H);
      const op = 'gruForward', len = B * H, glen = 3 * len;
      need(op, 'xg', xg, glen); need(op, 'hg', hg, glen); need(op, 'hPrev', hPrev, len); need(op, 'gates', gates, glen); need(op, 'h', h, len);
      if (mask) need(op, 'mask', mask, B);
      s.begin();
      k.gruForward(B, H, s.input(xg), s.input(hg), s.input(hPrev), s.mask(mask), s.output(gates), s.output(h));
      s.finish();
    },

    gruBackward(B, H, gates, hg, hPrev, dh, mask, dxg, dhg, dhPrev) {
      dims('gruBackward', B, H);
      const op = 'gruBackward', len = B * H, glen = 3 * len;
      need(op, 'gates', gates, glen); need(op, 'hg', hg, glen); need(op, 'hPrev', hPrev, len); need(op, 'dh', dh, len);
      need(op, 'dxg', dxg, glen); need(op, 'dhg', dhg, glen); need(op, 'dhPrev', dhPrev, len);
      if (mask) need(op, 'mask', mask, B);
      s.begin();
      k.gruBackward(B, H, s.input(gates), s.input(hg), s.input(hPrev), s.input(dh), s.mask(mask), s.output(dxg), s.output(dhg), s.output(dhPrev));
      s.finish();
    },

    gruResetBeforeGatesForward(B, H, xg, hgRZ, hPrev, gates, rh) {
      dims('gruResetBeforeGatesForward', B, H);
      const op = 'gruResetBeforeGatesForward', len = B * H;
      need(op, 'xg', xg, 3 * len); need(op, 'hgRZ', hgRZ, 2 * len); need(op, 'hPrev', hPrev, len); need(op, 'gates', gates, 3 * len); need(op, 'rh', rh, len);
      s.begin();
      k.gruResetBeforeGatesForward(B, H, s.input(xg), s.input(hgRZ), s.input(hPrev), s.inout(gates), s.output(rh));
      s.finish();
    },

    gruResetBeforeOutputForward(B, H, xg, hgN, hPrev, mask, gates, h) {
      dims('gruResetBeforeOutputForward', B, H);
      const op = 'gruResetBeforeOutputForward', len = B * H;
      need(op, 'xg', xg, 3 * len); need(op, 'hgN', hgN, len); need(op, 'hPrev', hPrev, len); need(op, 'gates', gates, 3 * len); need(op, 'h', h, len);
      if (mask) need(op, 'mask', mask, B);
      s.begin();
      k.gruResetBeforeOutputForward(B, H, s.input(xg), s.input(hgN), s.input(hPrev), s.mask(mask), s.inout(gates), s.output(h));
      s.finish();
    },

    gruResetBeforeOutputBackward(B, H, gates, hPrev, dh, mask, dxg, dhgN, dz, dhPrev) {
      dims('gruResetBeforeOutputBackward', B, H);
      const op = 'gruResetBeforeOutputBackward', len = B * H;
      need(op, 'gates', gates, 3 * len); need(op, 'hPrev', hPrev, len); need(op, 'dh', dh, len); need(op, 'dxg', dxg, 3 * len);
      need(op, 'dhgN', dhgN, len); need(op, 'dz', dz, len); need(op, 'dhPrev', dhPrev, len);
      if (mask) need(op, 'mask', mask, B);
      s.begin();
      k.gruResetBeforeOutputBackward(B, H, s.input(gates), s.input(hPrev), s.input(dh), s.mask(mask), s.inout(dxg), s.output(dhgN), s.output(dz), s.output(dhPrev));
      s.finish();
    },

    gruResetBeforeGatesBackward(B, H, gates, hPrev, drh, dz, dxg, dhgRZ, dhPrev) {
      dims('gruResetBeforeGatesBackward', B, H);
      const op = 'gruResetBeforeGatesBackward', len = B * H;
      need(op, 'gates', gates, 3 * len); need(op, 'hPrev', hPrev, len); need(op, 'drh', drh, len); need(op, 'dz', dz, len);
      need(op, 'dxg', dxg, 3 * len); need(op, 'dhgRZ', dhgRZ, 2 * len); need(op, 'dhPrev', dhPrev, len);
      s.begin();
      k.gruResetBeforeGatesBackward(B, H, s.input(gates), s.input(hPrev), s.input(drh), s.input(dz), s.inout(dxg), s.output(dhgRZ), s.inout(dhPrev));
      s.finish();
    },

    memoryBytes() {
      return mem.memory.buffer.byteLength;
    },

    activation(kind, x, y) {
      need(kind, 'y', y, x.length);
      s.begin();
      const px = s.input(x), py = s.output(y);
      if (kind === 'exp') k.expInto(px, py, x.length);
      else if (kind === 'sigmoid') k.sigmoidInto(px, py, x.length);
      else k.tanhInto(px, py, x.length);
      s.finish();
    },
  };
}
