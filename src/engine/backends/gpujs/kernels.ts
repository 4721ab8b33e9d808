// GPU.js kernel sources, one per backend op (gemm has one per transpose variant).
//
// They are source text, not TypeScript functions, because GPU.js parses Function.prototype.toString():
// whatever a transpiler or bundler does to a function body (helper calls, renamed or rewritten syntax)
// would reach the GLSL/WebAssembly translators. Text also makes plain which subset they use: every kernel
// here must translate to GLSL ES 1.0, so only numbers, 1-D array reads, `if`, `for` with a bound argument,
// Math functions GPU.js maps, and the activation expressions below.
//
// Every kernel has a 1-D output (a flat Float32Array back, copied straight into the caller's buffers).
// A kernel whose op writes several buffers packs them as consecutive segments of its output and tells a
// thread which segment it computes by its index: one dispatch and one readback per op, where GPU.js's
// own multi-output mechanism (kernel maps) would, on webasm, fall back to its cpu backend (README, WebAssembly).
// A kernel named after its op follows the convention of ./dispatch.ts: it takes the buffers the op reads in the order
// of src/engine/backendOps.ts (a mask as mask, hasMask), then the op's sizes, then its choices; it writes every
// buffer the op writes, in that order (only the written blocks of a partly written one).
//
// Row and column come from a flat index i as r = floor((i + 0.5) / n): the half keeps the float division
// away from integer boundaries, where GLSL float arithmetic could round r down by one.

// Activations are spliced in as expressions, not helper functions. GPU.js's webasm backend runs each quad of
// threads as SIMD, but evaluates BOTH sides of a branch that differs between lanes, and calls Math.exp
// through a JavaScript import one lane at a time (helper functions too). So a kernel's cost there is about
// the number of exp calls on all its paths: the cell kernels below are shaped to call exp once per thread.
// scripts/probe-backends.ts at B=32, H=128 on webasm, before and after this shaping (single kernels with
// helper functions, then one exp per thread and LSTM/GRU forward split into gates + state kernels):
// lstmForward 10.1 → 1.2 ms, gruForward 3.2 → 0.93 ms.
const sigmoid = (x: string): string => `(1 / (1 + Math.exp(-(${x}))))`;
const tanh = (x: string): string => `(2 / (1 + Math.exp(-2 * (${x}))) - 1)`;

/**
 * The gemm kernels compute op(A)·op(B) only; accumulation into C happens on the host, so C is never uploaded.
 * The operand indices advance by a stride instead of being recomputed from p, which saves two index
 * multiplications per term in the inner loop.
 * `epilogue` (for the sequence pipelines, ./sequence.ts): 'bias' adds bias[c] to each row, as addRowVector after the
 * product would; 'add' adds add[i], as the host adds the product into an accumulator. The same sums either way.
 */
export function gemmSource(transA: boolean, transB: boolean, epilogue: 'none' | 'bias' | 'add' = 'none'): string {
  // A(r, p) is a[r·k + p], or a[p·m + r] when transposed; B(p, c) is b[p·n + c], or b[c·k + p].
  const [aStart, aStep] = transA ? ['r', 'm'] : ['r * k', '1'];
  const [bStart, bStep] = transB ? ['c * k', '1'] : ['c', 'n'];
  const [extra, result] = { none: ['', 's'], bias: [', bias', 's + bias[c]'], add: [', add', 's + add[i]'] }[epilogue];
  return `function (a, b, m, n, k${extra}) {
    const i = this.thread.x;
    const r = Math.floor((i + 0.5) / n);
    const c = i - r * n;
    let ai = ${aStart};
    let bi = ${bStart};
    let s = 0;
    for (let p = 0; p < k; p++) {
      s += a[ai] * b[bi];
      ai += ${aStep};
      bi += ${bStep};
    }
    return ${result};
  }`;
}

export const addRowVectorSource = `function (x, v, rows, n) {
  const i = this.thread.x;
  const r = Math.floor((i + 0.5) / n);
  return x[i] + v[i - r * n];
}`;

/** Output n: column sums of a rows×n matrix. */
export const sumRowsSource = `function (x, rows, n) {
  const j = this.thread.x;
  let s = 0;
  for (let r = 0; r < rows; r++) {
    s += x[r * n + j];
  }
  return s;
}`;

/** Output 2·count for the count groups (the contiguous length-H runs of x): every mean, then every rstd. */
export const layerNormStatsSource = `function (x, H, count) {
  const t = this.thread.x;
  let g = t;
  if (t >= count) {
    g = t - count;
  }
  const base = g * H;
  let s = 0;
  for (let h = 0; h < H; h++) {
    s += x[base + h];
  }
  const mean = s / H;
  if (t < count) {
    return mean;
  }
  // Each loop needs its own counter name: GPU.js declares loop counters once per function.
  let v = 0;
  for (let h2 = 0; h2 < H; h2++) {
    const d = x[base + h2] - mean;
    v += d * d;
  }
  return 1 / Math.sqrt(v / H + 0.00001);
}`;

/** Output rows·GH: y from x, the stats above, and the per-column affine (GH = groups·H). */
export const layerNormApplySource = `function (x, stats, gamma, beta, H, GH, count) {
  const i = this.thread.x;
  const g = Math.floor((i + 0.5) / H);
  const j = i - Math.floor((i + 0.5) / GH) * GH;
  return (x[i] - stats[g]) * stats[count + g] * gamma[j] + beta[j];
}`;

/** Output 2 per group: mean(dy·gamma), then mean(dy·gamma·xhat). */
export const layerNormBackStatsSource = `function (dy, x, mean, rstd, gamma, H, GH) {
  const t = this.thread.x;
  const g = Math.floor((t + 0.5) / 2);
  const second = t - 2 * g;
  const m = mean[g];
  const rs = rstd[g];
  let s = 0;
  for (let h = 0; h < H; h++) {
    const idx = g * H + h;
    const j = idx - Math.floor((idx + 0.5) / GH) * GH;
    const dyg = dy[idx] * gamma[j];
    if (second > 0.5) {
      s += dyg * (x[idx] - m) * rs;
    } else {
      s += dyg;
    }
  }
  return s / H;
}`;

/** Segments: dx (rows·GH), dgamma (GH), dbeta (GH); the last two are sums over rows. */
export const layerNormBackApplySource = `function (dy, x, mean, rstd, bstats, gamma, H, GH, rows) {
  const i = this.thread.x;
  const total = rows * GH;
  if (i < total) {
    const g = Math.floor((i + 0.5) / H);
    const j = i - Math.floor((i + 0.5) / GH) * GH;
    const xhat = (x[i] - mean[g]) * rstd[g];
    return rstd[g] * (dy[i] * gamma[j] - bstats[2 * g] - xhat * bstats[2 * g + 1]);
  }
  const k = i - total;
  const which = Math.floor((k + 0.5) / GH);
  const col = k - which * GH;
  let s = 0;
  for (let r = 0; r < rows; r++) {
    const idx = r * GH + col;
    if (which < 0.5) {
      const g = Math.floor((idx + 0.5) / H);
      s += dy[idx] * (x[idx] - mean[g]) * rstd[g];
    } else {
      s += dy[idx];
    }
  }
  return s;
}`;

// Cell kernels. `mask` is a B-length array when hasMask is 1, a placeholder otherwise; relu is 1 for ReLU.

/** Output B·H: h. */
export const rnnForwardSource = `function (xg, hg, hPrev, mask, hasMask, B, H, relu) {
  const i = this.thread.x;
  const b = Math.floor((i + 0.5) / H);
  let valid = 1;
  if (hasMask > 0.5) {
    valid = mask[b];
  }
  if (valid < 0.5) {
    return hPrev[i];
  }
  const pre = xg[i] + hg[i];
  if (relu > 0.5) {
    return Math.max(pre, 0);
  }
  return ${tanh('pre')};
}`;

/** Segments: dpre (B·H), dhPrev (B·H). */
export const rnnBackwardSource = `function (h, dh, mask, hasMask, B, H, relu) {
  const t = this.thread.x;
  const BH = B * H;
  let i = t;
  if (t >= BH) {
    i = t - BH;
  }
  const b = Math.floor((i + 0.5) / H);
  let valid = 1;
  if (hasMask > 0.5) {
    valid = mask[b];
  }
  if (t >= BH) {
    if (valid < 0.5) {
      return dh[i];
    }
    return 0;
  }
  if (valid < 0.5) {
    return 0;
  }
  if (relu > 0.5) {
    if (h[i] > 0) {
      return dh[i];
    }
    return 0;
  }
  return dh[i] * (1 - h[i] * h[i]);
}`;

/** Output B·4H: the activated gates i, f, g, o (tanh for g): one exp per thread, no branch around it. */
export const lstmGatesSource = `function (xg, hg, H) {
  const t = this.thread.x;
  const q = Math.floor((t + 0.5) / H) - Math.floor((t + 0.5) / (4 * H)) * 4;
  let isTanh = 0;
  if (q > 1.5 && q < 2.5) {
    isTanh = 1;
  }
  const y = 1 / (1 + Math.exp(-(1 + isTanh) * (xg[t] + hg[t])));
  return y * (1 + isTanh) - isTanh;
}`;

/** Segments: c (B·H), h (B·H), from the gates above. */
export const lstmStateSource = `function (gates, hPrev, cPrev, mask, hasMask, H, B) {
  const t = this.thread.x;
  const BH = B * H;
  let e = t;
  if (t >= BH) {
    e = t - BH;
  }
  const b = Math.floor((e + 0.5) / H);
  const base = b * 4 * H + e - b * H;
  let valid = 1;
  if (hasMask > 0.5) {
    valid = mask[b];
  }
  let c = cPrev[e];
  if (valid > 0.5) {
    c = gates[base + H] * cPrev[e] + gates[base] * gates[base + 2 * H];
  }
  if (t < BH) {
    return c;
  }
  if (valid < 0.5) {
    return hPrev[e];
  }
  return gates[base + 3 * H] * ${tanh('c')};
}`;

/** Segments: dcPrev (B·H), dpre (B·4H), dhPrev (B·H). */
export const lstmBackwardSource = `function (gates, cPrev, c, dh, dc, mask, hasMask, B, H) {
  const t = this.thread.x;
  const BH = B * H;
  const H4 = 4 * H;
  let b = 0;
  let j = 0;
  let q = 0;
  let seg = 0;
  if (t >= BH && t < 5 * BH) {
    const d = t - BH;
    b = Math.floor((d + 0.5) / H4);
    const col = d - b * H4;
    q = Math.floor((col + 0.5) / H);
    j = col - q * H;
  } else {
    let e = t;
    seg = 1;
    if (t >= 5 * BH) {
      e = t - 5 * BH;
      seg = 2;
    }
    b = Math.floor((e + 0.5) / H);
    j = e - b * H;
  }
  const e2 = b * H + j;
  let valid = 1;
  if (hasMask > 0.5) {
    valid = mask[b];
  }
  if (valid < 0.5) {
    if (seg > 1.5) {
      return dh[e2];
    }
    if (seg > 0.5) {
      return dc[e2];
    }
    return 0;
  }
  if (seg > 1.5) {
    return 0;
  }
  const base = b * H4 + j;
  const gi = gates[base];
  const gf = gates[base + H];
  const gg = gates[base + 2 * H];
  const go = gates[base + 3 * H];
  const tc = ${tanh('c[e2]')};
  const dct = dc[e2] + dh[e2] * go * (1 - tc * tc);
  if (seg > 0.5) {
    return dct * gf;
  }
  if (q < 0.5) {
    return dct * gg * gi * (1 - gi);
  }
  if (q < 1.5) {
    return dct * cPrev[e2] * gf * (1 - gf);
  }
  if (q < 2.5) {
    return dct * gi * (1 - gg * gg);
  }
  return dh[e2] * tc * go * (1 - go);
}`;

/**
 * torch.nn.GRU step, output B·3H: the gates r, z, n. Every thread computes its row's r (n needs it), then
 * its own gate with one more exp: two per thread, whichever gate it is.
 */
export const gruGatesSource = `function (xg, hg, H) {
  const t = this.thread.x;
  const H3 = 3 * H;
  const b = Math.floor((t + 0.5) / H3);
  const col = t - b * H3;
  const q = Math.floor((col + 0.5) / H);
  const j = col - q * H;
  const rb = b * H3 + j;
  const r = ${sigmoid('xg[rb] + hg[rb]')};
  let pre = xg[t] + hg[t];
  let isTanh = 0;
  if (q > 1.5) {
    pre = xg[t] + r * hg[t];
    isTanh = 1;
  }
  const y = 1 / (1 + Math.exp(-(1 + isTanh) * pre));
  return y * (1 + isTanh) - isTanh;
}`;

/** torch.nn.GRU step, output B·H: h = (1 − z)⊙n + z⊙hPrev from the gates above. */
export const gruStateSource = `function (gates, hPrev, mask, hasMask, H) {
  const e = this.thread.x;
  const b = Math.floor((e + 0.5) / H);
  let valid = 1;
  if (hasMask > 0.5) {
    valid = mask[b];
  }
  if (valid < 0.5) {
    return hPrev[e];
  }
  const base = b * 3 * H + e - b * H;
  const z = gates[base + H];
  return (1 - z) * gates[base + 2 * H] + z * hPrev[e];
}`;

/** Segments: dxg (B·3H), dhg (B·3H), dhPrev (B·H). dxg and dhg differ only in the n block. */
export const gruBackwardSource = `function (gates, hg, hPrev, dh, mask, hasMask, B, H) {
  const t = this.thread.x;
  const BH = B * H;
  const H3 = 3 * H;
  let b = 0;
  let j = 0;
  let q = 0;
  let seg = 0;
  if (t < 6 * BH) {
    let e = t;
    if (t >= 3 * BH) {
      e = t - 3 * BH;
      seg = 1;
    }
    b = Math.floor((e + 0.5) / H3);
    const col = e - b * H3;
    q = Math.floor((col + 0.5) / H);
    j = col - q * H;
  } else {
    const e = t - 6 * BH;
    seg = 2;
    b = Math.floor((e + 0.5) / H);
    j = e - b * H;
  }
  const e2 = b * H + j;
  let valid = 1;
  if (hasMask > 0.5) {
    valid = mask[b];
  }
  if (valid < 0.5) {
    if (seg > 1.5) {
      return dh[e2];
    }
    return 0;
  }
  const base = b * H3 + j;
  const z = gates[base + H];
  if (seg > 1.5) {
    return dh[e2] * z;
  }
  const r = gates[base];
  const n = gates[base + 2 * H];
  const dpreN = dh[e2] * (1 - z) * (1 - n * n);
  if (q > 1.5) {
    if (seg > 0.5) {
      return dpreN * r;
    }
    return dpreN;
  }
  if (q > 0.5) {
    return dh[e2] * (hPrev[e2] - n) * z * (1 - z);
  }
  return dpreN * hg[base + 2 * H] * r * (1 - r);
}`;

/** Reset-before GRU, first half. Segments: r,z (B·2H, row-major like hgRZ), rh (B·H). */
export const gruResetBeforeGatesForwardSource = `function (xg, hgRZ, hPrev, B, H) {
  const t = this.thread.x;
  const BH = B * H;
  const H2 = 2 * H;
  let e = t;
  if (t >= 2 * BH) {
    e = t - 2 * BH;
  }
  let b = Math.floor((e + 0.5) / H2);
  let col = e - b * H2;
  if (t >= 2 * BH) {
    b = Math.floor((e + 0.5) / H);
    col = e - b * H;
  }
  const gate = ${sigmoid('xg[b * 3 * H + col] + hgRZ[b * H2 + col]')};
  if (t < 2 * BH) {
    return gate;
  }
  return gate * hPrev[e];
}`;

/** Reset-before GRU, second half. Segments: n (B·H), h (B·H). */
export const gruResetBeforeOutputForwardSource = `function (xg, hgN, hPrev, mask, hasMask, gates, B, H) {
  const t = this.thread.x;
  const BH = B * H;
  let e = t;
  if (t >= BH) {
    e = t - BH;
  }
  const b = Math.floor((e + 0.5) / H);
  const j = e - b * H;
  const n = ${tanh('xg[b * 3 * H + 2 * H + j] + hgN[e]')};
  if (t < BH) {
    return n;
  }
  let valid = 1;
  if (hasMask > 0.5) {
    valid = mask[b];
  }
  if (valid < 0.5) {
    return hPrev[e];
  }
  const z = gates[b * 3 * H + H + j];
  return (1 - z) * hPrev[e] + z * n;
}`;

/**
 * Reset-before GRU, backward of the second half. Segments: dpreN twice (dxg's n block, then dhgN), dz, dhPrev
 * (B·H each).
 */
export const gruResetBeforeOutputBackwardSource = `function (gates, hPrev, dh, mask, hasMask, B, H) {
  const t = this.thread.x;
  const BH = B * H;
  const seg = Math.floor((t + 0.5) / BH);
  const e = t - seg * BH;
  const b = Math.floor((e + 0.5) / H);
  const j = e - b * H;
  let valid = 1;
  if (hasMask > 0.5) {
    valid = mask[b];
  }
  if (valid < 0.5) {
    if (seg > 2.5) {
      return dh[e];
    }
    return 0;
  }
  const z = gates[b * 3 * H + H + j];
  const n = gates[b * 3 * H + 2 * H + j];
  if (seg < 1.5) {
    return dh[e] * z * (1 - n * n);
  }
  if (seg < 2.5) {
    return dh[e] * (n - hPrev[e]);
  }
  return dh[e] * (1 - z);
}`;

/**
 * Reset-before GRU, backward of the first half. Segments: dpre r,z twice (dxg's r,z blocks, then dhgRZ; B·2H each,
 * row-major like hgRZ), drh·r (B·H).
 */
export const gruResetBeforeGatesBackwardSource = `function (gates, hPrev, drh, dz, B, H) {
  const t = this.thread.x;
  const BH = B * H;
  const H2 = 2 * H;
  if (t < 4 * BH) {
    let d = t;
    if (t >= 2 * BH) {
      d = t - 2 * BH;
    }
    const b = Math.floor((d + 0.5) / H2);
    const col = d - b * H2;
    if (col < H) {
      const r = gates[b * 3 * H + col];
      return drh[b * H + col] * hPrev[b * H + col] * r * (1 - r);
    }
    const z = gates[b * 3 * H + col];
    return dz[b * H + col - H] * z * (1 - z);
  }
  const e = t - 4 * BH;
  const b = Math.floor((e + 0.5) / H);
  const j = e - b * H;
  return drh[e] * gates[b * 3 * H + j];
}`;

/** Softmax over each row's first valid[r] entries (valid as float counts, hasValid 0: all n); 0 past them. */
export const softmaxRowsSource = `function (x, valid, hasValid, rows, n) {
  const i = this.thread.x;
  const r = Math.floor((i + 0.5) / n);
  const j = i - r * n;
  let V = n;
  if (hasValid > 0.5) {
    V = Math.min(n, Math.max(0, valid[r]));
  }
  if (j >= V) {
    return 0;
  }
  const base = r * n;
  let m = x[base];
  for (let k1 = 1; k1 < V; k1++) {
    m = Math.max(m, x[base + k1]);
  }
  let s = 0;
  for (let k2 = 0; k2 < V; k2++) {
    s += Math.exp(x[base + k2] - m);
  }
  return Math.exp(x[i] - m) / s;
}`;

export const softmaxRowsBackwardSource = `function (y, dy, rows, n) {
  const i = this.thread.x;
  const r = Math.floor((i + 0.5) / n);
  const base = r * n;
  let dot = 0;
  for (let k = 0; k < n; k++) {
    dot += y[base + k] * dy[base + k];
  }
  return y[i] * (dy[i] - dot);
}`;

/** Output: th (rows·keys·A), then e (rows·keys), each score recomputing its tanh terms. */
export const additiveScoresSource = `function (q, k, v, rows, keys, A) {
  const i = this.thread.x;
  const nth = rows * keys * A;
  let rs = 0;
  let r = 0;
  let s = 0;
  if (i < nth) {
    rs = Math.floor((i + 0.5) / A);
    const a = i - rs * A;
    r = Math.floor((rs + 0.5) / keys);
    s = rs - r * keys;
    return ${tanh('q[r * A + a] + k[s * A + a]')};
  }
  rs = i - nth;
  r = Math.floor((rs + 0.5) / keys);
  s = rs - r * keys;
  let sum = 0;
  for (let b = 0; b < A; b++) {
    sum += v[b] * ${tanh('q[r * A + b] + k[s * A + b]')};
  }
  return sum;
}`;

/** Output: dq (rows·A), then dk's and dv's increments (keys·A, A), with g = de·v·(1 − th²). */
export const additiveScoresBackwardSource = `function (th, v, de, rows, keys, A) {
  const i = this.thread.x;
  const nq = rows * A;
  const nk = keys * A;
  let sum = 0;
  if (i < nq) {
    const r = Math.floor((i + 0.5) / A);
    const a = i - r * A;
    for (let s = 0; s < keys; s++) {
      const t = th[(r * keys + s) * A + a];
      sum += de[r * keys + s] * v[a] * (1 - t * t);
    }
    return sum;
  }
  if (i < nq + nk) {
    const j = i - nq;
    const s2 = Math.floor((j + 0.5) / A);
    const a2 = j - s2 * A;
    for (let r2 = 0; r2 < rows; r2++) {
      const t2 = th[(r2 * keys + s2) * A + a2];
      sum += de[r2 * keys + s2] * v[a2] * (1 - t2 * t2);
    }
    return sum;
  }
  const a3 = i - nq - nk;
  for (let r3 = 0; r3 < rows; r3++) {
    for (let s3 = 0; s3 < keys; s3++) {
      sum += de[r3 * keys + s3] * th[(r3 * keys + s3) * A + a3];
    }
  }
  return sum;
}`;

// The sequence pipelines (./sequence.ts) run a direction's whole pass in one GPU.js pipeline. They reuse the kernels
// above, reading step t out of whole-sequence buffers: withOffsets gives each named buffer an offset argument right
// after it, added to every index into it.

/** `source` with an offset argument `<name>Off` after each buffer in `names`, added to every read of that buffer. */
export function withOffsets(source: string, names: readonly string[]): string {
  const open = source.indexOf('{');
  let head = source.slice(0, open);
  let body = source.slice(open);
  for (const name of names) {
    const inHead = new RegExp(`\\b${name}\\b`);
    if (!inHead.test(head)) throw new Error(`internal: kernel has no argument ${name}`);
    head = head.replace(inHead, `${name}, ${name}Off`);
    body = body.replace(new RegExp(`\\b${name}\\[`, 'g'), `${name}[${name}Off + `);
  }
  return head + body;
}

/** Output B·H: the total dL/dh_t, the gradient from above (dhs from dhsOff) plus what flowed back from step t+1. */
export const totalGradSource = `function (dhs, dhsOff, carry) {
  const i = this.thread.x;
  return dhs[dhsOff + i] + carry[i];
}`;

/** Output na + nb: na values of a from aOff, then b's from bOff (gathering each step's rows into one buffer). */
export const concatSource = `function (a, aOff, na, b, bOff) {
  const i = this.thread.x;
  if (i < na) {
    return a[aOff + i];
  }
  return b[bOff + i - na];
}`;
