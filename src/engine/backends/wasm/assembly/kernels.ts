// SeqLab's float32 kernels, compiled by AssemblyScript to WebAssembly with 128-bit SIMD (f32x4).
// Every export takes byte addresses into the imported (shared) linear memory and counts; the JS side
// (../index.ts) owns allocation, so this module has no runtime, no heap and no data of its own.
// It is compiled twice (scripts/build-wasm-kernels.mjs): with baseline SIMD only ("simd128"), and with relaxed SIMD
// ("relaxed-simd"), where the matrix products' multiply-adds (madd below: gemm's micro-kernel, dot, axpy) become
// f32x4.relaxed_madd, a fused multiply-add on hardware that has one. Every other kernel is the same in both.

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

@inline function splat(x: f32): v128 { return f32x4.splat(x); }

/** c + a·b: fused (one rounding) where relaxed SIMD is compiled in and the hardware fuses, else a·b rounded, then + c. */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** Loads cnt (1..4) floats from p; lanes past cnt are 0. Lets one loop body serve full and tail chunks. */
@inline function ld(p: usize, cnt: i32): v128 {
  if (cnt >= 4) return v128.load(p);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (cnt > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (cnt > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores the first cnt (1..4) lanes of v at p. */
@inline function st(p: usize, v: v128, cnt: i32): void {
  if (cnt >= 4) { v128.store(p, v); return; }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (cnt > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (cnt > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** exp on four lanes: Cody-Waite range reduction to [-ln2/2, ln2/2], degree-6 polynomial, 2^n via the exponent bits. */
@inline function vexp(x0: v128): v128 {
  const x = f32x4.min(f32x4.max(x0, splat(-87.3)), splat(88.3));
  const fx = f32x4.nearest(f32x4.mul(x, splat(1.44269504088896341)));
  const r = f32x4.add(f32x4.sub(x, f32x4.mul(fx, splat(0.693359375))), f32x4.mul(fx, splat(2.12194440e-4)));
  let p = splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), splat(1));
  const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(fx), i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2n);
}

@inline function vsigmoid(x: v128): v128 {
  return f32x4.div(splat(1), f32x4.add(splat(1), vexp(f32x4.neg(x))));
}

/** tanh: an odd polynomial near 0 (where 1 − 2/(e^{2x}+1) would cancel), the exp form elsewhere. */
@inline function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const e = vexp(f32x4.add(ax, ax));
  const big = f32x4.sub(splat(1), f32x4.div(splat(2), f32x4.add(e, splat(1))));
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(ax, splat(0.625)));
}

@inline function vact(relu: bool, x: v128): v128 {
  return relu ? f32x4.max(x, splat(0)) : vtanh(x);
}

@inline function oneMinus(x: v128): v128 { return f32x4.sub(splat(1), x); }

@inline function rowValid(mask: usize, row: i32): bool {
  return mask == 0 || load<f32>(mask + (<usize>row << 2)) != 0;
}

// Bulk test hooks for the activation approximations (the parity tests compare them with Math).
export function expInto(x: usize, y: usize, n: i32): void {
  for (let j = 0; j < n; j += 4) { const c = min(4, n - j); const o = <usize>j << 2; st(y + o, vexp(ld(x + o, c)), c); }
}
export function sigmoidInto(x: usize, y: usize, n: i32): void {
  for (let j = 0; j < n; j += 4) { const c = min(4, n - j); const o = <usize>j << 2; st(y + o, vsigmoid(ld(x + o, c)), c); }
}
export function tanhInto(x: usize, y: usize, n: i32): void {
  for (let j = 0; j < n; j += 4) { const c = min(4, n - j); const o = <usize>j << 2; st(y + o, vtanh(ld(x + o, c)), c); }
}

// ---------------------------------------------------------------------------------------------
// GEMM: C (m×n) = op(A)·op(B) (+ C). Goto-style: for each KC-deep slice, op(B) is packed into
// 8-column panels (row by row up front without transB, panel by panel as first used with it; read in place without
// transB when there is one row block) and op(A) into 4-row panels of MC-row blocks; a 4×8 register-blocked micro-kernel
// (8 f32x4 accumulators) streams one A panel against one B panel, which stays in L1.
// Packing absorbs both transposes, so the micro-kernel is the same for all four combinations.
// ---------------------------------------------------------------------------------------------

const KC: i32 = 256;
const MC: i32 = 64;

/** Bytes of workspace gemm needs for n columns (the JS side reserves it). */
export function gemmWorkspaceBytes(n: i32): i32 {
  return (MC * KC + KC * ((n + 7) & ~7) + 32) << 2;
}

@inline function transpose4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, stride: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + stride, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/**
 * Packs rows [r0, r0+count) of a row-major matrix M (lda floats per row), columns [k0, k0+kc), transposed
 * into dst as kc groups of `width` floats (row r at lane r − r0; lanes ≥ count are 0).
 * Used for op(A) without transA (width 4) and op(B) with transB (width 8).
 */
function packTransposed(m: usize, lda: i32, r0: i32, count: i32, k0: i32, kc: i32, dst: usize, width: i32): void {
  const stride = <usize>width << 2;
  for (let g = 0; g < width; g += 4) {
    const rows = min(4, count - g);
    const d = dst + (<usize>g << 2);
    if (rows <= 0) {
      for (let kk = 0; kk < kc; kk++) v128.store(d + <usize>kk * stride, splat(0));
      continue;
    }
    const p0 = m + ((<usize>(r0 + g) * lda + k0) << 2);
    let kk = 0;
    if (rows == 4) {
      const ldb = <usize>lda << 2;
      for (; kk + 4 <= kc; kk += 4) {
        const o = <usize>kk << 2;
        transpose4(v128.load(p0 + o), v128.load(p0 + ldb + o), v128.load(p0 + 2 * ldb + o), v128.load(p0 + 3 * ldb + o),
          d + <usize>kk * stride, stride);
      }
    }
    for (; kk < kc; kk++) {
      const dd = d + <usize>kk * stride;
      for (let r = 0; r < 4; r++) {
        store<f32>(dd + (<usize>r << 2), r < rows ? load<f32>(p0 + ((<usize>r * lda + kk) << 2)) : 0);
      }
    }
  }
}

/**
 * Packs columns [c0, c0+count) of a row-major matrix M (lda floats per row), rows [k0, k0+kc), into dst as
 * kc groups of `width` floats. Used for op(A) with transA (width 4).
 */
function packStraight(m: usize, lda: i32, c0: i32, count: i32, k0: i32, kc: i32, dst: usize, width: i32): void {
  const stride = <usize>width << 2;
  for (let kk = 0; kk < kc; kk++) {
    const s = m + ((<usize>(k0 + kk) * lda + c0) << 2);
    const d = dst + <usize>kk * stride;
    for (let g = 0; g < width; g += 4) {
      const c = count - g;
      if (c >= 4) v128.store(d + (<usize>g << 2), v128.load(s + (<usize>g << 2)));
      else if (c <= 0) v128.store(d + (<usize>g << 2), splat(0));
      else v128.store(d + (<usize>g << 2), ld(s + (<usize>g << 2), c));
    }
  }
}

/**
 * Packs rows [k0, k0+kc) of columns [c0, c0+count) of a row-major matrix (lda floats per row) into 8-column panels of
 * panelBytes each (the layout packStraight writes panel by panel), reading each row once from left to right: op(B)
 * without transB, whose panels would otherwise be read column strip by column strip, kc rows apart.
 */
function packRows(m: usize, lda: i32, c0: i32, count: i32, k0: i32, kc: i32, dst: usize, panelBytes: usize): void {
  const full = count >> 3;
  const rest = count & 7;
  for (let kk = 0; kk < kc; kk++) {
    const s = m + ((<usize>(k0 + kk) * lda + c0) << 2);
    let d = dst + (<usize>kk << 5);
    for (let p = 0; p < full; p++) {
      const o = <usize>p << 5;
      v128.store(d, v128.load(s + o));
      v128.store(d, v128.load(s + o, 16), 16);
      d += panelBytes;
    }
    if (rest > 0) {
      const o = <usize>full << 5;
      v128.store(d, rest >= 4 ? v128.load(s + o) : ld(s + o, rest));
      v128.store(d, rest > 4 ? ld(s + o + 16, rest - 4) : splat(0), 16);
    }
  }
}

/**
 * 4×8 micro-kernel: tile = Apanel(kc×4)ᵀ·Bpanel(kc×8), written (or added, when add) to C at rows×cols. The B panel's
 * rows are bStride bytes apart: 32 when packed, a row of B when read in place. Why 4×8: its 11 live vectors (plus
 * simd128's product temporary) fit the 15 xmm registers V8 allocates on x64; 4×12 and 6×8 were measured slower
 * (spills with 16 live vectors; with 6-row panels a batch of 32 leaves a 2-row last panel): bench/README.md.
 */
function micro(pa: usize, pb: usize, bStride: usize, kc: i32, c: usize, ldc: i32, rows: i32, cols: i32, add: bool, tmp: usize): void {
  let c00 = splat(0), c01 = splat(0), c10 = splat(0), c11 = splat(0);
  let c20 = splat(0), c21 = splat(0), c30 = splat(0), c31 = splat(0);
  for (let kk = 0; kk < kc; kk++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    pa += 16; pb += bStride;
  }
  const ldcb = <usize>ldc << 2;
  if (rows == 4 && cols == 8) {
    if (add) {
      v128.store(c, f32x4.add(v128.load(c), c00)); v128.store(c, f32x4.add(v128.load(c, 16), c01), 16);
      c += ldcb;
      v128.store(c, f32x4.add(v128.load(c), c10)); v128.store(c, f32x4.add(v128.load(c, 16), c11), 16);
      c += ldcb;
      v128.store(c, f32x4.add(v128.load(c), c20)); v128.store(c, f32x4.add(v128.load(c, 16), c21), 16);
      c += ldcb;
      v128.store(c, f32x4.add(v128.load(c), c30)); v128.store(c, f32x4.add(v128.load(c, 16), c31), 16);
    } else {
      v128.store(c, c00); v128.store(c, c01, 16); c += ldcb;
      v128.store(c, c10); v128.store(c, c11, 16); c += ldcb;
      v128.store(c, c20); v128.store(c, c21, 16); c += ldcb;
      v128.store(c, c30); v128.store(c, c31, 16);
    }
    return;
  }
  // Edge tile: spill to tmp and copy the valid part.
  v128.store(tmp, c00); v128.store(tmp, c01, 16); v128.store(tmp, c10, 32); v128.store(tmp, c11, 48);
  v128.store(tmp, c20, 64); v128.store(tmp, c21, 80); v128.store(tmp, c30, 96); v128.store(tmp, c31, 112);
  for (let r = 0; r < rows; r++) {
    const cr = c + <usize>r * ldcb;
    const tr = tmp + (<usize>r << 5);
    for (let j = 0; j < cols; j++) {
      const v = load<f32>(tr + (<usize>j << 2));
      const p = cr + (<usize>j << 2);
      store<f32>(p, add ? load<f32>(p) + v : v);
    }
  }
}

/** Σ x[i]·y[i] over len contiguous floats. */
@inline function dot(x: usize, y: usize, len: i32): f32 {
  let s0 = splat(0), s1 = splat(0);
  let i = 0;
  for (; i + 8 <= len; i += 8) {
    const o = <usize>i << 2;
    s0 = madd(v128.load(x + o), v128.load(y + o), s0);
    s1 = madd(v128.load(x + o, 16), v128.load(y + o, 16), s1);
  }
  for (; i < len; i += 4) {
    const c = min(4, len - i); const o = <usize>i << 2;
    s0 = madd(ld(x + o, c), ld(y + o, c), s0);
  }
  return hsum(f32x4.add(s0, s1));
}

/** out[0..len) += alpha·x[0..len). */
@inline function axpy(alpha: f32, x: usize, out: usize, len: i32): void {
  const va = splat(alpha);
  for (let i = 0; i < len; i += 4) {
    const c = min(4, len - i); const o = <usize>i << 2;
    st(out + o, madd(va, ld(x + o, c), ld(out + o, c)), c);
  }
}

/**
 * Matrix-vector products (one output column or row, e.g. a size-1 head): the 4×8 tiles would waste
 * most of their lanes, so these are dot products (contiguous operand) or row-wise axpy (strided one).
 */
function gemv(transA: bool, transB: bool, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: bool): void {
  if (!accumulate) memory.fill(c, 0, <usize>(m * n) << 2);
  if (n == 1) {
    // c[i] += Σ_k op(A)[i,k]·b[k]; b is k×1 whichever way it is stored.
    if (!transA) {
      for (let i = 0; i < m; i++) {
        const p = c + (<usize>i << 2);
        store<f32>(p, load<f32>(p) + dot(a + (<usize>(i * k) << 2), b, k));
      }
    } else {
      for (let q = 0; q < k; q++) axpy(load<f32>(b + (<usize>q << 2)), a + (<usize>(q * m) << 2), c, m);
    }
    return;
  }
  // m == 1: c[j] += Σ_k a[k]·op(B)[k,j]; a is 1×k whichever way it is stored.
  if (transB) {
    for (let j = 0; j < n; j++) {
      const p = c + (<usize>j << 2);
      store<f32>(p, load<f32>(p) + dot(b + (<usize>(j * k) << 2), a, k));
    }
  } else {
    for (let q = 0; q < k; q++) axpy(load<f32>(a + (<usize>q << 2)), b + (<usize>(q * n) << 2), c, n);
  }
}

export function gemm(transA: bool, transB: bool, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: bool, ws: usize): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) memory.fill(c, 0, <usize>(m * n) << 2);
    return;
  }
  if (n == 1 || m == 1) {
    gemv(transA, transB, m, n, k, a, b, c, accumulate);
    return;
  }
  gemmTile(transA, transB, m, n, k, a, b, c, accumulate, ws, 0, m, 0, n);
}

/**
 * Rows [i0, i1) × columns [j0, j1) of gemm's blocked path (m, n ≥ 2, k ≥ 1), packing only the operand parts that
 * tile reads. Every element of C is reduced in the same order whatever tile computes it, so threads that split C into
 * tiles give the bits of one gemm call.
 */
export function gemmTile(transA: bool, transB: bool, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: bool, ws: usize,
  i0: i32, i1: i32, j0: i32, j1: i32): void {
  const packA = ws;
  const packB = ws + (<usize>(MC * KC) << 2);
  const nPanels = (j1 - j0 + 7) >> 3;
  const tmp = packB + (<usize>(KC * nPanels * 8) << 2);
  // With one row block (m ≤ MC: the per-step product dpre·W_hh, m = batch) each B panel is read by that block alone,
  // right after it would be packed: full panels of a non-transposed B are read in place instead, sparing a copy of B
  // per call. The same multiply-adds in the same order: the bits do not change.
  const inPlace = !transB && m <= MC;
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = min(KC, k - k0);
    const add = accumulate || k0 > 0;
    const panelBytes = <usize>(kc * 8) << 2;
    if (!transB && !inPlace) packRows(b, n, j0, j1 - j0, k0, kc, packB, panelBytes);
    for (let r = i0; r < i1; r += MC) {
      const mc = min(MC, i1 - r);
      const aPanels = (mc + 3) >> 2;
      const aPanelBytes = <usize>(kc * 4) << 2;
      for (let q = 0; q < aPanels; q++) {
        const r0 = r + (q << 2);
        const rows = min(4, i1 - r0);
        const dst = packA + <usize>q * aPanelBytes;
        if (transA) packStraight(a, m, r0, rows, k0, kc, dst, 4);
        else packTransposed(a, k, r0, rows, k0, kc, dst, 4);
      }
      for (let p = 0; p < nPanels; p++) {
        const jp = j0 + (p << 3);
        const cols = min(8, j1 - jp);
        let pb = packB + <usize>p * panelBytes;
        let bStride: usize = 32;
        // A transposed B is packed during the first row block, each panel just before its first use: with one row
        // block (the per-step recurrent product h·W_hhᵀ, m = batch) the panel is still in L1 when it is read.
        if (r == i0 && transB) packTransposed(b, k, jp, cols, k0, kc, pb, 8);
        if (inPlace && cols == 8) {
          pb = b + ((<usize>k0 * n + jp) << 2);
          bStride = <usize>n << 2;
        } else if (inPlace) packStraight(b, n, jp, cols, k0, kc, pb, 8);
        for (let q = 0; q < aPanels; q++) {
          const r0 = r + (q << 2);
          micro(packA + <usize>q * aPanelBytes, pb, bStride, kc, c + ((<usize>r0 * n + jp) << 2), n, min(4, i1 - r0), cols, add, tmp);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Row-vector helpers
// ---------------------------------------------------------------------------------------------

export function addRowVector(x: usize, rows: i32, n: i32, v: usize): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * n) << 2);
    for (let j = 0; j < n; j += 4) {
      const c = min(4, n - j); const o = <usize>j << 2;
      st(xr + o, f32x4.add(ld(xr + o, c), ld(v + o, c)), c);
    }
  }
}

export function sumRows(x: usize, rows: i32, n: i32, out: usize): void {
  // Column strips of 16 summed down all rows in registers: one load per element, one store per column.
  const rowBytes = <usize>n << 2;
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    const o = <usize>j << 2;
    let s0 = v128.load(out + o), s1 = v128.load(out + o, 16), s2 = v128.load(out + o, 32), s3 = v128.load(out + o, 48);
    let p = x + o;
    for (let r = 0; r < rows; r++) {
      s0 = f32x4.add(s0, v128.load(p)); s1 = f32x4.add(s1, v128.load(p, 16));
      s2 = f32x4.add(s2, v128.load(p, 32)); s3 = f32x4.add(s3, v128.load(p, 48));
      p += rowBytes;
    }
    v128.store(out + o, s0); v128.store(out + o, s1, 16); v128.store(out + o, s2, 32); v128.store(out + o, s3, 48);
  }
  for (; j < n; j += 4) {
    const c = min(4, n - j); const o = <usize>j << 2;
    let acc = ld(out + o, c);
    let p = x + o;
    for (let r = 0; r < rows; r++) { acc = f32x4.add(acc, ld(p, c)); p += rowBytes; }
    st(out + o, acc, c);
  }
}

// ---------------------------------------------------------------------------------------------
// Layer normalization per length-H group
// ---------------------------------------------------------------------------------------------

export function layerNormForward(rows: i32, groups: i32, H: i32, x: usize, gamma: usize, beta: usize, y: usize, mean: usize, rstd: usize): void {
  const invH: f32 = 1 / <f32>H;
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      const seg = <usize>((r * groups + g) * H) << 2;
      const aff = <usize>(g * H) << 2;
      let s = splat(0);
      for (let j = 0; j < H; j += 4) s = f32x4.add(s, ld(x + seg + (<usize>j << 2), min(4, H - j)));
      const mu = hsum(s) * invH;
      const vmu = splat(mu);
      let q = splat(0);
      for (let j = 0; j < H; j += 4) {
        const c = min(4, H - j);
        // Tail lanes load 0; mask them so (0 − mu)² does not count.
        let d = f32x4.sub(ld(x + seg + (<usize>j << 2), c), vmu);
        if (c < 4) d = v128.and(d, i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(c)));
        q = f32x4.add(q, f32x4.mul(d, d));
      }
      const rs: f32 = 1 / Mathf.sqrt(hsum(q) * invH + 1e-5);
      store<f32>(mean + (<usize>(r * groups + g) << 2), mu);
      store<f32>(rstd + (<usize>(r * groups + g) << 2), rs);
      const vrs = splat(rs);
      for (let j = 0; j < H; j += 4) {
        const c = min(4, H - j); const o = <usize>j << 2;
        const xh = f32x4.mul(f32x4.sub(ld(x + seg + o, c), vmu), vrs);
        st(y + seg + o, f32x4.add(f32x4.mul(xh, ld(gamma + aff + o, c)), ld(beta + aff + o, c)), c);
      }
    }
  }
}

export function layerNormBackward(rows: i32, groups: i32, H: i32, dy: usize, x: usize, mean: usize, rstd: usize, gamma: usize, dx: usize, dgamma: usize, dbeta: usize): void {
  const invH: f32 = 1 / <f32>H;
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      const seg = <usize>((r * groups + g) * H) << 2;
      const aff = <usize>(g * H) << 2;
      const vmu = splat(load<f32>(mean + (<usize>(r * groups + g) << 2)));
      const rs = load<f32>(rstd + (<usize>(r * groups + g) << 2));
      const vrs = splat(rs);
      let s1 = splat(0), s2 = splat(0);
      for (let j = 0; j < H; j += 4) {
        const c = min(4, H - j); const o = <usize>j << 2;
        const d = ld(dy + seg + o, c);
        // Tail lanes: dy loads 0, so every product below is 0 there.
        const xh = f32x4.mul(f32x4.sub(ld(x + seg + o, c), vmu), vrs);
        const dxh = f32x4.mul(d, ld(gamma + aff + o, c));
        s1 = f32x4.add(s1, dxh);
        s2 = f32x4.add(s2, f32x4.mul(dxh, xh));
        st(dgamma + aff + o, f32x4.add(ld(dgamma + aff + o, c), f32x4.mul(d, xh)), c);
        st(dbeta + aff + o, f32x4.add(ld(dbeta + aff + o, c), d), c);
      }
      const m1 = splat(hsum(s1) * invH);
      const m2 = splat(hsum(s2) * invH);
      for (let j = 0; j < H; j += 4) {
        const c = min(4, H - j); const o = <usize>j << 2;
        const xh = f32x4.mul(f32x4.sub(ld(x + seg + o, c), vmu), vrs);
        const dxh = f32x4.mul(ld(dy + seg + o, c), ld(gamma + aff + o, c));
        st(dx + seg + o, f32x4.mul(vrs, f32x4.sub(f32x4.sub(dxh, m1), f32x4.mul(xh, m2))), c);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Recurrent cells: one time step for B rows. Row r's gate blocks start at r·G·H; block b at + b·H.
// ---------------------------------------------------------------------------------------------

export function rnnForward(relu: bool, B: i32, H: i32, xg: usize, hg: usize, hPrev: usize, mask: usize, h: usize): void {
  for (let r = 0; r < B; r++) {
    const row = <usize>(r * H) << 2;
    const valid = rowValid(mask, r);
    for (let j = 0; j < H; j += 4) {
      const c = min(4, H - j); const o = row + (<usize>j << 2);
      st(h + o, valid ? vact(relu, f32x4.add(ld(xg + o, c), ld(hg + o, c))) : ld(hPrev + o, c), c);
    }
  }
}

export function rnnBackward(relu: bool, B: i32, H: i32, h: usize, dh: usize, mask: usize, dpre: usize, dhPrev: usize): void {
  for (let r = 0; r < B; r++) {
    const row = <usize>(r * H) << 2;
    const valid = rowValid(mask, r);
    for (let j = 0; j < H; j += 4) {
      const c = min(4, H - j); const o = row + (<usize>j << 2);
      const d = ld(dh + o, c);
      if (valid) {
        const hv = ld(h + o, c);
        const deriv = relu ? v128.and(splat(1), f32x4.gt(hv, splat(0))) : oneMinus(f32x4.mul(hv, hv));
        st(dpre + o, f32x4.mul(d, deriv), c);
        st(dhPrev + o, splat(0), c);
      } else {
        st(dpre + o, splat(0), c);
        st(dhPrev + o, d, c);
      }
    }
  }
}

export function lstmForward(B: i32, H: i32, xg: usize, hg: usize, hPrev: usize, cPrev: usize, mask: usize, gates: usize, cOut: usize, h: usize): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < B; r++) {
    const grow = <usize>(r * 4 * H) << 2;
    const row = <usize>(r * H) << 2;
    const valid = rowValid(mask, r);
    for (let j = 0; j < H; j += 4) {
      const c = min(4, H - j);
      const o = row + (<usize>j << 2);
      const go = grow + (<usize>j << 2);
      const i = vsigmoid(f32x4.add(ld(xg + go, c), ld(hg + go, c)));
      const f = vsigmoid(f32x4.add(ld(xg + go + hb, c), ld(hg + go + hb, c)));
      const g = vtanh(f32x4.add(ld(xg + go + 2 * hb, c), ld(hg + go + 2 * hb, c)));
      const og = vsigmoid(f32x4.add(ld(xg + go + 3 * hb, c), ld(hg + go + 3 * hb, c)));
      st(gates + go, i, c); st(gates + go + hb, f, c); st(gates + go + 2 * hb, g, c); st(gates + go + 3 * hb, og, c);
      const cp = ld(cPrev + o, c);
      if (valid) {
        const cn = f32x4.add(f32x4.mul(f, cp), f32x4.mul(i, g));
        st(cOut + o, cn, c);
        st(h + o, f32x4.mul(og, vtanh(cn)), c);
      } else {
        st(cOut + o, cp, c);
        st(h + o, ld(hPrev + o, c), c);
      }
    }
  }
}

export function lstmBackward(B: i32, H: i32, gates: usize, cPrev: usize, cCur: usize, dh: usize, dc: usize, mask: usize, dpre: usize, dhPrev: usize): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < B; r++) {
    const grow = <usize>(r * 4 * H) << 2;
    const row = <usize>(r * H) << 2;
    const valid = rowValid(mask, r);
    for (let j = 0; j < H; j += 4) {
      const c = min(4, H - j);
      const o = row + (<usize>j << 2);
      const go = grow + (<usize>j << 2);
      const d = ld(dh + o, c);
      if (!valid) {
        st(dpre + go, splat(0), c); st(dpre + go + hb, splat(0), c);
        st(dpre + go + 2 * hb, splat(0), c); st(dpre + go + 3 * hb, splat(0), c);
        st(dhPrev + o, d, c);
        continue;
      }
      const i = ld(gates + go, c), f = ld(gates + go + hb, c), g = ld(gates + go + 2 * hb, c), og = ld(gates + go + 3 * hb, c);
      const tc = vtanh(ld(cCur + o, c));
      const dct = f32x4.add(ld(dc + o, c), f32x4.mul(f32x4.mul(d, og), oneMinus(f32x4.mul(tc, tc))));
      st(dpre + go, f32x4.mul(f32x4.mul(dct, g), f32x4.mul(i, oneMinus(i))), c);
      st(dpre + go + hb, f32x4.mul(f32x4.mul(dct, ld(cPrev + o, c)), f32x4.mul(f, oneMinus(f))), c);
      st(dpre + go + 2 * hb, f32x4.mul(f32x4.mul(dct, i), oneMinus(f32x4.mul(g, g))), c);
      st(dpre + go + 3 * hb, f32x4.mul(f32x4.mul(d, tc), f32x4.mul(og, oneMinus(og))), c);
      st(dc + o, f32x4.mul(dct, f), c);
      st(dhPrev + o, splat(0), c);
    }
  }
}

export function gruForward(B: i32, H: i32, xg: usize, hg: usize, hPrev: usize, mask: usize, gates: usize, h: usize): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < B; r++) {
    const grow = <usize>(r * 3 * H) << 2;
    const row = <usize>(r * H) << 2;
    const valid = rowValid(mask, r);
    for (let j = 0; j < H; j += 4) {
      const c = min(4, H - j);
      const o = row + (<usize>j << 2);
      const go = grow + (<usize>j << 2);
      const rg = vsigmoid(f32x4.add(ld(xg + go, c), ld(hg + go, c)));
      const z = vsigmoid(f32x4.add(ld(xg + go + hb, c), ld(hg + go + hb, c)));
      const nn = vtanh(f32x4.add(ld(xg + go + 2 * hb, c), f32x4.mul(rg, ld(hg + go + 2 * hb, c))));
      st(gates + go, rg, c); st(gates + go + hb, z, c); st(gates + go + 2 * hb, nn, c);
      const hp = ld(hPrev + o, c);
      st(h + o, valid ? f32x4.add(f32x4.mul(oneMinus(z), nn), f32x4.mul(z, hp)) : hp, c);
    }
  }
}

export function gruBackward(B: i32, H: i32, gates: usize, hg: usize, hPrev: usize, dh: usize, mask: usize, dxg: usize, dhg: usize, dhPrev: usize): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < B; r++) {
    const grow = <usize>(r * 3 * H) << 2;
    const row = <usize>(r * H) << 2;
    const valid = rowValid(mask, r);
    for (let j = 0; j < H; j += 4) {
      const c = min(4, H - j);
      const o = row + (<usize>j << 2);
      const go = grow + (<usize>j << 2);
      const d = ld(dh + o, c);
      if (!valid) {
        for (let b = 0; b < 3; b++) {
          st(dxg + go + <usize>b * hb, splat(0), c);
          st(dhg + go + <usize>b * hb, splat(0), c);
        }
        st(dhPrev + o, d, c);
        continue;
      }
      const rg = ld(gates + go, c), z = ld(gates + go + hb, c), nn = ld(gates + go + 2 * hb, c);
      const hp = ld(hPrev + o, c);
      const dn = f32x4.mul(f32x4.mul(d, oneMinus(z)), oneMinus(f32x4.mul(nn, nn)));
      const dz = f32x4.mul(f32x4.mul(d, f32x4.sub(hp, nn)), f32x4.mul(z, oneMinus(z)));
      const dr = f32x4.mul(f32x4.mul(dn, ld(hg + go + 2 * hb, c)), f32x4.mul(rg, oneMinus(rg)));
      st(dxg + go, dr, c); st(dhg + go, dr, c);
      st(dxg + go + hb, dz, c); st(dhg + go + hb, dz, c);
      st(dxg + go + 2 * hb, dn, c); st(dhg + go + 2 * hb, f32x4.mul(dn, rg), c);
      st(dhPrev + o, f32x4.mul(d, z), c);
    }
  }
}

export function gruResetBeforeGatesForward(B: i32, H: i32, xg: usize, hgRZ: usize, hPrev: usize, gates: usize, rh: usize): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < B; r++) {
    const g3 = <usize>(r * 3 * H) << 2;
    const g2 = <usize>(r * 2 * H) << 2;
    const row = <usize>(r * H) << 2;
    for (let j = 0; j < H; j += 4) {
      const c = min(4, H - j);
      const jo = <usize>j << 2;
      const rg = vsigmoid(f32x4.add(ld(xg + g3 + jo, c), ld(hgRZ + g2 + jo, c)));
      const z = vsigmoid(f32x4.add(ld(xg + g3 + hb + jo, c), ld(hgRZ + g2 + hb + jo, c)));
      st(gates + g3 + jo, rg, c); st(gates + g3 + hb + jo, z, c);
      st(rh + row + jo, f32x4.mul(rg, ld(hPrev + row + jo, c)), c);
    }
  }
}

export function gruResetBeforeOutputForward(B: i32, H: i32, xg: usize, hgN: usize, hPrev: usize, mask: usize, gates: usize, h: usize): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < B; r++) {
    const g3 = <usize>(r * 3 * H) << 2;
    const row = <usize>(r * H) << 2;
    const valid = rowValid(mask, r);
    for (let j = 0; j < H; j += 4) {
      const c = min(4, H - j);
      const jo = <usize>j << 2;
      const nn = vtanh(f32x4.add(ld(xg + g3 + 2 * hb + jo, c), ld(hgN + row + jo, c)));
      st(gates + g3 + 2 * hb + jo, nn, c);
      const z = ld(gates + g3 + hb + jo, c);
      const hp = ld(hPrev + row + jo, c);
      st(h + row + jo, valid ? f32x4.add(f32x4.mul(oneMinus(z), hp), f32x4.mul(z, nn)) : hp, c);
    }
  }
}

export function gruResetBeforeOutputBackward(B: i32, H: i32, gates: usize, hPrev: usize, dh: usize, mask: usize, dxg: usize, dhgN: usize, dz: usize, dhPrev: usize): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < B; r++) {
    const g3 = <usize>(r * 3 * H) << 2;
    const row = <usize>(r * H) << 2;
    const valid = rowValid(mask, r);
    for (let j = 0; j < H; j += 4) {
      const c = min(4, H - j);
      const jo = <usize>j << 2;
      const d = ld(dh + row + jo, c);
      if (!valid) {
        st(dxg + g3 + 2 * hb + jo, splat(0), c);
        st(dhgN + row + jo, splat(0), c);
        st(dz + row + jo, splat(0), c);
        st(dhPrev + row + jo, d, c);
        continue;
      }
      const z = ld(gates + g3 + hb + jo, c), nn = ld(gates + g3 + 2 * hb + jo, c);
      const hp = ld(hPrev + row + jo, c);
      const dn = f32x4.mul(f32x4.mul(d, z), oneMinus(f32x4.mul(nn, nn)));
      st(dxg + g3 + 2 * hb + jo, dn, c);
      st(dhgN + row + jo, dn, c);
      st(dz + row + jo, f32x4.mul(d, f32x4.sub(nn, hp)), c);
      st(dhPrev + row + jo, f32x4.mul(oneMinus(z), d), c);
    }
  }
}

export function gruResetBeforeGatesBackward(B: i32, H: i32, gates: usize, hPrev: usize, drh: usize, dz: usize, dxg: usize, dhgRZ: usize, dhPrev: usize): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < B; r++) {
    const g3 = <usize>(r * 3 * H) << 2;
    const g2 = <usize>(r * 2 * H) << 2;
    const row = <usize>(r * H) << 2;
    for (let j = 0; j < H; j += 4) {
      const c = min(4, H - j);
      const jo = <usize>j << 2;
      const rg = ld(gates + g3 + jo, c), z = ld(gates + g3 + hb + jo, c);
      const d = ld(drh + row + jo, c);
      const dr = f32x4.mul(f32x4.mul(d, ld(hPrev + row + jo, c)), f32x4.mul(rg, oneMinus(rg)));
      const dzp = f32x4.mul(ld(dz + row + jo, c), f32x4.mul(z, oneMinus(z)));
      st(dxg + g3 + jo, dr, c); st(dhgRZ + g2 + jo, dr, c);
      st(dxg + g3 + hb + jo, dzp, c); st(dhgRZ + g2 + hb + jo, dzp, c);
      st(dhPrev + row + jo, f32x4.add(ld(dhPrev + row + jo, c), f32x4.mul(d, rg)), c);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Attention: softmax over each row's valid entries, and additive (Bahdanau) scores.
// ---------------------------------------------------------------------------------------------

/** Row r's softmax covers its first valid[r] entries (clamped to [0, n]); counts at address 0 mean all n. */
export function softmaxRows(rows: i32, n: i32, x: usize, valid: usize, y: usize): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * n) << 2);
    const yr = y + (<usize>(r * n) << 2);
    const V = valid == 0 ? n : max(0, min(n, load<i32>(valid + (<usize>r << 2))));
    let j = 0;
    let mv = splat(<f32>-Infinity);
    for (; j + 4 <= V; j += 4) mv = f32x4.max(mv, v128.load(xr + (<usize>j << 2)));
    let m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (; j < V; j++) m = max(m, load<f32>(xr + (<usize>j << 2)));
    // exp(x − max) into y; full chunks summed in a vector, the tail lane by lane (padded lanes hold exp(−max)).
    const mm = splat(m);
    let acc = splat(0);
    let sum: f32 = 0;
    for (j = 0; j < V; j += 4) {
      const c = min(4, V - j); const o = <usize>j << 2;
      const ev = vexp(f32x4.sub(ld(xr + o, c), mm));
      st(yr + o, ev, c);
      if (c == 4) acc = f32x4.add(acc, ev);
      else for (let l = 0; l < c; l++) sum += load<f32>(yr + o + (<usize>l << 2));
    }
    sum += hsum(acc);
    const inv = splat(V > 0 ? <f32>1 / sum : 0);
    for (j = 0; j < n; j += 4) {
      const c = min(4, n - j); const o = <usize>j << 2;
      if (j + 4 <= V) st(yr + o, f32x4.mul(v128.load(yr + o), inv), c);
      else for (let l = 0; l < c; l++) store<f32>(yr + o + (<usize>l << 2), j + l < V ? load<f32>(yr + o + (<usize>l << 2)) * f32x4.extract_lane(inv, 0) : 0);
    }
  }
}

export function softmaxRowsBackward(rows: i32, n: i32, y: usize, dy: usize, dx: usize): void {
  for (let r = 0; r < rows; r++) {
    const ro = <usize>(r * n) << 2;
    let acc = splat(0);
    for (let j = 0; j < n; j += 4) {
      const c = min(4, n - j); const o = ro + (<usize>j << 2);
      acc = f32x4.add(acc, f32x4.mul(ld(y + o, c), ld(dy + o, c)));
    }
    const dot = splat(hsum(acc));
    for (let j = 0; j < n; j += 4) {
      const c = min(4, n - j); const o = ro + (<usize>j << 2);
      st(dx + o, f32x4.mul(ld(y + o, c), f32x4.sub(ld(dy + o, c), dot)), c);
    }
  }
}

export function additiveScores(rows: i32, keys: i32, A: i32, q: usize, k: usize, v: usize, th: usize, e: usize): void {
  for (let r = 0; r < rows; r++) {
    const qr = q + (<usize>(r * A) << 2);
    for (let s = 0; s < keys; s++) {
      const ks = k + (<usize>(s * A) << 2);
      const to = th + (<usize>((r * keys + s) * A) << 2);
      let acc = splat(0);
      for (let a = 0; a < A; a += 4) {
        const c = min(4, A - a); const o = <usize>a << 2;
        const t = vtanh(f32x4.add(ld(qr + o, c), ld(ks + o, c)));
        st(to + o, t, c);
        acc = f32x4.add(acc, f32x4.mul(ld(v + o, c), t)); // v's padded lanes are 0
      }
      store<f32>(e + (<usize>(r * keys + s) << 2), hsum(acc));
    }
  }
}

export function additiveScoresBackward(rows: i32, keys: i32, A: i32, th: usize, v: usize, de: usize, dq: usize, dk: usize, dv: usize): void {
  for (let r = 0; r < rows; r++) {
    const dqr = dq + (<usize>(r * A) << 2);
    for (let a = 0; a < A; a += 4) st(dqr + (<usize>a << 2), splat(0), min(4, A - a));
    for (let s = 0; s < keys; s++) {
      const d = splat(load<f32>(de + (<usize>(r * keys + s) << 2)));
      const to = th + (<usize>((r * keys + s) * A) << 2);
      const dks = dk + (<usize>(s * A) << 2);
      for (let a = 0; a < A; a += 4) {
        const c = min(4, A - a); const o = <usize>a << 2;
        const t = ld(to + o, c);
        // g = de·v·(1 − th²)
        const g = f32x4.mul(f32x4.mul(d, ld(v + o, c)), oneMinus(f32x4.mul(t, t)));
        st(dqr + o, f32x4.add(ld(dqr + o, c), g), c);
        st(dks + o, f32x4.add(ld(dks + o, c), g), c);
        st(dv + o, f32x4.add(ld(dv + o, c), f32x4.mul(d, t)), c);
      }
    }
  }
}
