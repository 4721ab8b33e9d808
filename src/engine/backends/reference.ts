// The reference backend: every op of backend.ts in plain TypeScript.
//
// It is the ground truth the GPU backend is tested against, so it favours clarity and a fixed
// evaluation order (bit-deterministic) over speed. Arithmetic runs in JS doubles; in float32 mode
// values are rounded once, when stored. Sums that span many terms (gemm, sumRows, LN parameter
// gradients) accumulate in a Float64Array scratch so the rounding happens once per output element.

import type { Activation, Backend, BackendInfo, Buf, DType } from '../backend';

const LN_EPS = 1e-5;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** A row is valid unless the mask marks it as padding. */
function valid(mask: Float32Array | null, row: number): boolean {
  return mask === null || mask[row] !== 0;
}

class ReferenceBackend implements Backend {
  readonly info: BackendInfo;
  private scratch = new Float64Array(64);

  constructor(readonly dtype: DType) {
    this.info = { name: 'reference', mode: dtype, dtype };
  }

  alloc(n: number): Buf {
    return this.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  }

  /** A zeroed double accumulator of length n, reused across calls. */
  private acc(n: number): Float64Array {
    if (this.scratch.length < n) this.scratch = new Float64Array(Math.max(n, this.scratch.length * 2));
    const s = this.scratch.subarray(0, n);
    s.fill(0);
    return s;
  }

  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Buf, b: Buf, c: Buf, accumulate: boolean): void {
    if (!transB && !transA) {
      // Row i of C = Σ_p A[i,p]·B[p,:], in ascending p, streaming B's rows; one rounding per element.
      const row = this.acc(n);
      for (let i = 0; i < m; i++) {
        row.fill(0);
        const ao = i * k;
        for (let p = 0; p < k; p++) {
          const aip = a[ao + p];
          if (aip === 0) continue;
          const bo = p * n;
          for (let j = 0; j < n; j++) row[j] += aip * b[bo + j];
        }
        this.store(c, i * n, row, n, accumulate);
      }
      return;
    }
    if (!transB) {
      // Aᵀ·B (weight gradients, k = T·B): p outermost so rows of A and B are both read contiguously;
      // every element is still summed over p ascending, in a double accumulator.
      const acc = this.acc(m * n);
      for (let p = 0; p < k; p++) {
        const ao = p * m, bo = p * n;
        for (let i = 0; i < m; i++) {
          const aip = a[ao + i];
          if (aip === 0) continue;
          const co = i * n;
          for (let j = 0; j < n; j++) acc[co + j] += aip * b[bo + j];
        }
      }
      this.store(c, 0, acc, m * n, accumulate);
      return;
    }
    // B is n×k: C[i, j] is a dot product with row j of B, summed in four interleaved partial sums.
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const bo = j * k;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        let p = 0;
        if (transA) {
          for (; p + 3 < k; p += 4) {
            s0 += a[p * m + i] * b[bo + p];
            s1 += a[(p + 1) * m + i] * b[bo + p + 1];
            s2 += a[(p + 2) * m + i] * b[bo + p + 2];
            s3 += a[(p + 3) * m + i] * b[bo + p + 3];
          }
          for (; p < k; p++) s0 += a[p * m + i] * b[bo + p];
        } else {
          const ao = i * k;
          for (; p + 3 < k; p += 4) {
            s0 += a[ao + p] * b[bo + p];
            s1 += a[ao + p + 1] * b[bo + p + 1];
            s2 += a[ao + p + 2] * b[bo + p + 2];
            s3 += a[ao + p + 3] * b[bo + p + 3];
          }
          for (; p < k; p++) s0 += a[ao + p] * b[bo + p];
        }
        const s = s0 + s1 + (s2 + s3);
        const idx = i * n + j;
        c[idx] = accumulate ? c[idx] + s : s;
      }
    }
  }

  /** c[o..o+n) = (or +=) v[0..n). */
  private store(c: Buf, o: number, v: Float64Array, n: number, accumulate: boolean): void {
    if (accumulate) for (let q = 0; q < n; q++) c[o + q] += v[q];
    else for (let q = 0; q < n; q++) c[o + q] = v[q];
  }

  addRowVector(x: Buf, rows: number, n: number, v: Buf): void {
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      for (let j = 0; j < n; j++) x[o + j] += v[j];
    }
  }

  sumRows(x: Buf, rows: number, n: number, out: Buf): void {
    const s = this.acc(n);
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      for (let j = 0; j < n; j++) s[j] += x[o + j];
    }
    for (let j = 0; j < n; j++) out[j] += s[j];
  }

  layerNormForward(rows: number, groups: number, H: number, x: Buf, gamma: Buf, beta: Buf, y: Buf, mean: Buf, rstd: Buf): void {
    for (let r = 0; r < rows; r++) {
      for (let g = 0; g < groups; g++) {
        const o = (r * groups + g) * H;
        let mu = 0;
        for (let j = 0; j < H; j++) mu += x[o + j];
        mu /= H;
        let v = 0; // biased variance, as torch.nn.LayerNorm
        for (let j = 0; j < H; j++) v += (x[o + j] - mu) * (x[o + j] - mu);
        v /= H;
        const s = r * groups + g;
        mean[s] = mu;
        rstd[s] = 1 / Math.sqrt(v + LN_EPS);
        // Normalize with the stored statistics so the backward pass sees exactly what was used.
        const m = mean[s], rs = rstd[s];
        for (let j = 0; j < H; j++) y[o + j] = (x[o + j] - m) * rs * gamma[g * H + j] + beta[g * H + j];
      }
    }
  }

  layerNormBackward(rows: number, groups: number, H: number, dy: Buf, x: Buf, mean: Buf, rstd: Buf, gamma: Buf, dx: Buf, dgamma: Buf, dbeta: Buf): void {
    const n = groups * H;
    const acc = this.acc(2 * n); // [dgamma | dbeta], rounded into the caller's buffers once
    for (let r = 0; r < rows; r++) {
      for (let g = 0; g < groups; g++) {
        const o = (r * groups + g) * H;
        const s = r * groups + g;
        const m = mean[s], rs = rstd[s];
        // With x̂ = (x − μ)·rstd and ĝ = dy⊙γ: dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂)).
        let sumG = 0, sumGX = 0;
        for (let j = 0; j < H; j++) {
          const xhat = (x[o + j] - m) * rs;
          const gj = dy[o + j] * gamma[g * H + j];
          sumG += gj;
          sumGX += gj * xhat;
          acc[g * H + j] += dy[o + j] * xhat;
          acc[n + g * H + j] += dy[o + j];
        }
        const meanG = sumG / H, meanGX = sumGX / H;
        for (let j = 0; j < H; j++) {
          const xhat = (x[o + j] - m) * rs;
          dx[o + j] = rs * (dy[o + j] * gamma[g * H + j] - meanG - xhat * meanGX);
        }
      }
    }
    for (let j = 0; j < n; j++) {
      dgamma[j] += acc[j];
      dbeta[j] += acc[n + j];
    }
  }

  rnnForward(act: Activation, B: number, H: number, xg: Buf, hg: Buf, hPrev: Buf, mask: Float32Array | null, h: Buf): void {
    for (let b = 0; b < B; b++) {
      const o = b * H;
      if (!valid(mask, b)) {
        for (let j = 0; j < H; j++) h[o + j] = hPrev[o + j];
        continue;
      }
      for (let j = 0; j < H; j++) {
        const a = xg[o + j] + hg[o + j];
        h[o + j] = act === 'tanh' ? Math.tanh(a) : a > 0 ? a : 0;
      }
    }
  }

  rnnBackward(act: Activation, B: number, H: number, h: Buf, dh: Buf, mask: Float32Array | null, dpre: Buf, dhPrev: Buf): void {
    for (let b = 0; b < B; b++) {
      const o = b * H;
      const ok = valid(mask, b);
      for (let j = 0; j < H; j++) {
        const i = o + j;
        if (!ok) {
          dpre[i] = 0;
          dhPrev[i] = dh[i];
          continue;
        }
        // tanh' = 1 − h², relu' = [h > 0]
        dpre[i] = act === 'tanh' ? dh[i] * (1 - h[i] * h[i]) : h[i] > 0 ? dh[i] : 0;
        dhPrev[i] = 0;
      }
    }
  }

  lstmForward(B: number, H: number, xg: Buf, hg: Buf, hPrev: Buf, cPrev: Buf, mask: Float32Array | null, gates: Buf, c: Buf, h: Buf): void {
    const G = 4 * H;
    for (let b = 0; b < B; b++) {
      const ok = valid(mask, b);
      for (let j = 0; j < H; j++) {
        const go = b * G + j;
        const i = sigmoid(xg[go] + hg[go]);
        const f = sigmoid(xg[go + H] + hg[go + H]);
        const g = Math.tanh(xg[go + 2 * H] + hg[go + 2 * H]);
        const o = sigmoid(xg[go + 3 * H] + hg[go + 3 * H]);
        gates[go] = i;
        gates[go + H] = f;
        gates[go + 2 * H] = g;
        gates[go + 3 * H] = o;
        const s = b * H + j;
        if (!ok) {
          c[s] = cPrev[s];
          h[s] = hPrev[s];
          continue;
        }
        c[s] = f * cPrev[s] + i * g;
        h[s] = o * Math.tanh(c[s]);
      }
    }
  }

  lstmBackward(B: number, H: number, gates: Buf, cPrev: Buf, c: Buf, dh: Buf, dc: Buf, mask: Float32Array | null, dpre: Buf, dhPrev: Buf): void {
    const G = 4 * H;
    for (let b = 0; b < B; b++) {
      const ok = valid(mask, b);
      for (let j = 0; j < H; j++) {
        const go = b * G + j;
        const s = b * H + j;
        if (!ok) {
          // c_t = c_{t−1}, h_t = h_{t−1}: both gradients pass through; dc already holds dc_{t−1}.
          dpre[go] = dpre[go + H] = dpre[go + 2 * H] = dpre[go + 3 * H] = 0;
          dhPrev[s] = dh[s];
          continue;
        }
        const i = gates[go], f = gates[go + H], g = gates[go + 2 * H], o = gates[go + 3 * H];
        const tc = Math.tanh(c[s]);
        // h = o⊙tanh(c): total dc = carried dc + dh⊙o⊙(1 − tanh²c)
        const dct = dc[s] + dh[s] * o * (1 - tc * tc);
        dpre[go] = dct * g * i * (1 - i); //          di⊙σ'
        dpre[go + H] = dct * cPrev[s] * f * (1 - f); // df⊙σ'
        dpre[go + 2 * H] = dct * i * (1 - g * g); //  dg⊙tanh'
        dpre[go + 3 * H] = dh[s] * tc * o * (1 - o); // do⊙σ'
        dc[s] = dct * f; // c = f⊙c_{t−1} + …
        dhPrev[s] = 0; // h_{t−1} only enters through W_hh
      }
    }
  }

  gruForward(B: number, H: number, xg: Buf, hg: Buf, hPrev: Buf, mask: Float32Array | null, gates: Buf, h: Buf): void {
    const G = 3 * H;
    for (let b = 0; b < B; b++) {
      const ok = valid(mask, b);
      for (let j = 0; j < H; j++) {
        const go = b * G + j;
        const r = sigmoid(xg[go] + hg[go]);
        const z = sigmoid(xg[go + H] + hg[go + H]);
        const n = Math.tanh(xg[go + 2 * H] + r * hg[go + 2 * H]);
        gates[go] = r;
        gates[go + H] = z;
        gates[go + 2 * H] = n;
        const s = b * H + j;
        h[s] = ok ? (1 - z) * n + z * hPrev[s] : hPrev[s];
      }
    }
  }

  gruBackward(B: number, H: number, gates: Buf, hg: Buf, hPrev: Buf, dh: Buf, mask: Float32Array | null, dxg: Buf, dhg: Buf, dhPrev: Buf): void {
    const G = 3 * H;
    for (let b = 0; b < B; b++) {
      const ok = valid(mask, b);
      for (let j = 0; j < H; j++) {
        const go = b * G + j;
        const s = b * H + j;
        if (!ok) {
          for (let q = 0; q < 3; q++) dxg[go + q * H] = dhg[go + q * H] = 0;
          dhPrev[s] = dh[s];
          continue;
        }
        const r = gates[go], z = gates[go + H], n = gates[go + 2 * H];
        // h = (1−z)⊙n + z⊙h_{t−1}
        const dn = dh[s] * (1 - z);
        const dz = dh[s] * (hPrev[s] - n);
        // n = tanh(xn + r⊙hn): the x part sees dn', the h part dn'⊙r, and r sees dn'⊙hn
        const dnPre = dn * (1 - n * n);
        const dr = dnPre * hg[go + 2 * H];
        const drPre = dr * r * (1 - r);
        const dzPre = dz * z * (1 - z);
        dxg[go] = dhg[go] = drPre;
        dxg[go + H] = dhg[go + H] = dzPre;
        dxg[go + 2 * H] = dnPre;
        dhg[go + 2 * H] = dnPre * r;
        dhPrev[s] = dh[s] * z;
      }
    }
  }

  gruResetBeforeGatesForward(B: number, H: number, xg: Buf, hgRZ: Buf, hPrev: Buf, gates: Buf, rh: Buf): void {
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const go = b * 3 * H + j;
        const ho = b * 2 * H + j;
        const r = sigmoid(xg[go] + hgRZ[ho]);
        const z = sigmoid(xg[go + H] + hgRZ[ho + H]);
        gates[go] = r;
        gates[go + H] = z;
        rh[b * H + j] = r * hPrev[b * H + j];
      }
    }
  }

  gruResetBeforeOutputForward(B: number, H: number, xg: Buf, hgN: Buf, hPrev: Buf, mask: Float32Array | null, gates: Buf, h: Buf): void {
    for (let b = 0; b < B; b++) {
      const ok = valid(mask, b);
      for (let j = 0; j < H; j++) {
        const go = b * 3 * H + j;
        const s = b * H + j;
        const n = Math.tanh(xg[go + 2 * H] + hgN[s]);
        gates[go + 2 * H] = n;
        const z = gates[go + H];
        h[s] = ok ? (1 - z) * hPrev[s] + z * n : hPrev[s];
      }
    }
  }

  gruResetBeforeOutputBackward(B: number, H: number, gates: Buf, hPrev: Buf, dh: Buf, mask: Float32Array | null, dxg: Buf, dhgN: Buf, dz: Buf, dhPrev: Buf): void {
    for (let b = 0; b < B; b++) {
      const ok = valid(mask, b);
      for (let j = 0; j < H; j++) {
        const go = b * 3 * H + j;
        const s = b * H + j;
        if (!ok) {
          dxg[go + 2 * H] = dhgN[s] = dz[s] = 0;
          dhPrev[s] = dh[s];
          continue;
        }
        const z = gates[go + H], n = gates[go + 2 * H];
        // h = (1−z)⊙h_{t−1} + z⊙n
        const dnPre = dh[s] * z * (1 - n * n);
        dxg[go + 2 * H] = dhgN[s] = dnPre;
        dz[s] = dh[s] * (n - hPrev[s]);
        dhPrev[s] = dh[s] * (1 - z);
      }
    }
  }

  gruResetBeforeGatesBackward(B: number, H: number, gates: Buf, hPrev: Buf, drh: Buf, dz: Buf, dxg: Buf, dhgRZ: Buf, dhPrev: Buf): void {
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const go = b * 3 * H + j;
        const ho = b * 2 * H + j;
        const s = b * H + j;
        const r = gates[go], z = gates[go + H];
        // rh = r⊙h_{t−1}
        const drPre = drh[s] * hPrev[s] * r * (1 - r);
        const dzPre = dz[s] * z * (1 - z);
        dxg[go] = dhgRZ[ho] = drPre;
        dxg[go + H] = dhgRZ[ho + H] = dzPre;
        dhPrev[s] += drh[s] * r;
      }
    }
  }

  softmaxRows(rows: number, n: number, x: Buf, valid: Int32Array | null, y: Buf): void {
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      const V = validCount(valid, r, n);
      let m = -Infinity;
      for (let j = 0; j < V; j++) m = Math.max(m, x[o + j]);
      let sum = 0;
      for (let j = 0; j < V; j++) sum += Math.exp(x[o + j] - m);
      for (let j = 0; j < n; j++) y[o + j] = j < V ? Math.exp(x[o + j] - m) / sum : 0;
    }
  }

  softmaxRowsBackward(rows: number, n: number, y: Buf, dy: Buf, dx: Buf): void {
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      let dot = 0;
      for (let j = 0; j < n; j++) dot += y[o + j] * dy[o + j];
      for (let j = 0; j < n; j++) dx[o + j] = y[o + j] * (dy[o + j] - dot);
    }
  }

  additiveScores(rows: number, keys: number, A: number, q: Buf, k: Buf, v: Buf, th: Buf, e: Buf): void {
    for (let r = 0; r < rows; r++) {
      for (let s = 0; s < keys; s++) {
        const o = (r * keys + s) * A;
        let sum = 0;
        for (let a = 0; a < A; a++) {
          const t = Math.tanh(q[r * A + a] + k[s * A + a]);
          th[o + a] = t;
          sum += v[a] * t;
        }
        e[r * keys + s] = sum;
      }
    }
  }

  additiveScoresBackward(rows: number, keys: number, A: number, th: Buf, v: Buf, de: Buf, dq: Buf, dk: Buf, dv: Buf): void {
    // Sums over r (dk) and over r and s (dv) accumulate in doubles, rounded once per element.
    const acc = this.acc(keys * A + A);
    for (let r = 0; r < rows; r++) {
      const qrow = new Float64Array(A);
      for (let s = 0; s < keys; s++) {
        const d = de[r * keys + s];
        const o = (r * keys + s) * A;
        for (let a = 0; a < A; a++) {
          const t = th[o + a];
          const g = d * v[a] * (1 - t * t);
          qrow[a] += g;
          acc[s * A + a] += g;
          acc[keys * A + a] += d * t;
        }
      }
      for (let a = 0; a < A; a++) dq[r * A + a] = qrow[a];
    }
    for (let i = 0; i < keys * A; i++) dk[i] += acc[i];
    for (let a = 0; a < A; a++) dv[a] += acc[keys * A + a];
  }
}

/** Entries of row r a softmax covers: valid[r] clamped to [0, n], or n without counts. */
function validCount(valid: Int32Array | null, r: number, n: number): number {
  return valid === null ? n : Math.max(0, Math.min(n, valid[r]));
}

export function createReferenceBackend(dtype: DType): Backend {
  return new ReferenceBackend(dtype);
}
