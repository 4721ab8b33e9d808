// The one interface all heavy arithmetic goes through.
//
// Every buffer is a dense row-major typed array of the backend's dtype that the caller owns;
// a backend never keeps a reference to one after a call returns, so callers may pass subarray views.
// Calls are synchronous: GPU.js's sync modes (cpu, webasm, headlessgl) fit this contract; its webgpu mode, which reads
// results back only asynchronously, runs on a GPU thread that the calling thread waits on (backends/gpuThread/).
//
// Layout conventions shared with the model code:
// - A batch of one time step is B rows. Gate pre-activations for a row are G blocks of H values,
//   in PyTorch's block order: LSTM i,f,g,o (G=4), GRU r,z,n (G=3), RNN (G=1).
// - `xg` is the input projection of a step, W_ih·x_t + b_ih; `hg` the recurrent one, W_hh·h_{t-1} + b_hh
//   (after layer normalization when it is on). Both are B×G·H.
// - `mask` is null (all rows valid) or B values, 1 where the row's sequence has this step and 0 where it is
//   padding. A padded row carries its state unchanged (h_t = h_{t-1}, c_t = c_{t-1}) and passes gradients
//   straight through, which is what PyTorch's packed sequences compute.
// - `valid` (softmaxRows) is null (every entry of a row counts) or one Int32 count per row: the row's first valid[r]
//   entries take part and the rest come out as 0.
// - Backward functions take dh (and dc) as the total derivative at this step: the loss's direct gradient
//   plus what flowed back from step t+1. They write the gradients of the pre-activations and the part of
//   dh_{t-1} that does not go through W_hh (the caller adds dpre·W_hh with gemm).
//
// backendOps.ts states every op's arguments, buffer lengths and roles as data; the WASM and GPU.js backends run from it.

export type DType = 'float32' | 'float64';
export type Buf = Float32Array | Float64Array;
export type Activation = 'tanh' | 'relu';

export interface BackendInfo {
  /** Stable identifier written to metrics, e.g. "reference" or "gpu.js". */
  name: string;
  /** The concrete mode that ran, e.g. "float64", "float32", "webasm", "headlessgl". */
  mode: string;
  dtype: DType;
  /** Threads that share its large matrix products (the wasm backend's team); absent: one. */
  threads?: number;
}

export interface Backend {
  readonly info: BackendInfo;

  /** Releases what it holds besides memory (helper threads, GPU contexts); the backend must not be used after. */
  destroy?(): void;

  /** A zero-filled buffer of this backend's dtype. */
  alloc(n: number): Buf;

  /**
   * Whole time loops of one recurrent direction in one call, for a backend where every op call costs a round trip
   * (gpu.js:webgpu: a GPU thread, a submit and a readback). Absent elsewhere: the direction runs its steps one by one.
   */
  readonly sequence?: SequenceOps;

  /**
   * Releases what the backend holds outside the JavaScript heap (GPU.js contexts, the GPU thread of gpu.js:webgpu);
   * absent where there is nothing to release. The backend must not be used afterwards.
   */
  destroy?(): void;

  /**
   * C = op(A)·op(B) (+ C when accumulate). op(A) is m×k: A is m×k, or k×m when transA.
   * op(B) is k×n: B is k×n, or n×k when transB. C is m×n.
   */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Buf, b: Buf, c: Buf, accumulate: boolean): void;

  /** x[r, :] += v for every row r of a rows×n matrix. */
  addRowVector(x: Buf, rows: number, n: number, v: Buf): void;

  /** out[j] += Σ_r x[r, j] over a rows×n matrix (bias gradients). */
  sumRows(x: Buf, rows: number, n: number, out: Buf): void;

  /**
   * Layer normalization of each length-H group of each row (rows × groups·H), per-group affine:
   * y = (x − mean)·rstd·gamma + beta, with gamma and beta of length groups·H. Stores mean and rstd
   * (rows·groups each) for the backward pass. eps as in torch.nn.LayerNorm (1e-5).
   */
  layerNormForward(rows: number, groups: number, H: number, x: Buf, gamma: Buf, beta: Buf, y: Buf, mean: Buf, rstd: Buf): void;
  /** Gradients of layerNormForward: writes dx, accumulates dgamma and dbeta. */
  layerNormBackward(rows: number, groups: number, H: number, dy: Buf, x: Buf, mean: Buf, rstd: Buf, gamma: Buf, dx: Buf, dgamma: Buf, dbeta: Buf): void;

  /** Simple RNN step: h = act(xg + hg). */
  rnnForward(act: Activation, B: number, H: number, xg: Buf, hg: Buf, hPrev: Buf, mask: Float32Array | null, h: Buf): void;
  /** dpre = dh·act'(h) on valid rows (0 on padded rows); dhPrev = dh on padded rows, 0 on valid rows. */
  rnnBackward(act: Activation, B: number, H: number, h: Buf, dh: Buf, mask: Float32Array | null, dpre: Buf, dhPrev: Buf): void;

  /**
   * LSTM step. gates (B×4H) receives the activated i, f, g, o; then c = f⊙cPrev + i⊙g and h = o⊙tanh(c).
   */
  lstmForward(B: number, H: number, xg: Buf, hg: Buf, hPrev: Buf, cPrev: Buf, mask: Float32Array | null, gates: Buf, c: Buf, h: Buf): void;
  /**
   * LSTM step backward. dc holds dL/dc_t from step t+1 on entry and dL/dc_{t-1} on return.
   * Writes dpre (B×4H, the gradient of both xg and hg) and dhPrev (the part not through W_hh).
   */
  lstmBackward(B: number, H: number, gates: Buf, cPrev: Buf, c: Buf, dh: Buf, dc: Buf, mask: Float32Array | null, dpre: Buf, dhPrev: Buf): void;

  /**
   * Reset-after GRU step, as torch.nn.GRU: r = σ(xr + hr), z = σ(xz + hz), n = tanh(xn + r⊙hn), h = (1−z)⊙n + z⊙hPrev.
   * gates (B×3H) receives r, z, n.
   */
  gruForward(B: number, H: number, xg: Buf, hg: Buf, hPrev: Buf, mask: Float32Array | null, gates: Buf, h: Buf): void;
  /** Writes dxg and dhg (B×3H each; they differ in the n block) and dhPrev (the part not through W_hh). */
  gruBackward(B: number, H: number, gates: Buf, hg: Buf, hPrev: Buf, dh: Buf, mask: Float32Array | null, dxg: Buf, dhg: Buf, dhPrev: Buf): void;

  /**
   * Reset-before GRU step (cells/gru.ts), first half: r = σ(xr + hr), z = σ(xz + hz) from hgRZ = W_hh[r,z]·hPrev + b_hh[r,z]
   * (B×2H); writes r and z into gates' first two blocks and rh = r⊙hPrev (B×H).
   */
  gruResetBeforeGatesForward(B: number, H: number, xg: Buf, hgRZ: Buf, hPrev: Buf, gates: Buf, rh: Buf): void;
  /**
   * Second half: n = tanh(xn + hgN) with hgN = W_hn·(r⊙hPrev) + b_hn (B×H); h = (1−z)⊙hPrev + z⊙n.
   * Writes n into gates' third block.
   */
  gruResetBeforeOutputForward(B: number, H: number, xg: Buf, hgN: Buf, hPrev: Buf, mask: Float32Array | null, gates: Buf, h: Buf): void;
  /**
   * Backward of the second half. Writes dxg's n block and dhgN (both the gradient of n's pre-activation),
   * dz (B×H, dL/dz), and dhPrev (the direct part (1−z)⊙dh on valid rows, dh on padded rows).
   */
  gruResetBeforeOutputBackward(B: number, H: number, gates: Buf, hPrev: Buf, dh: Buf, mask: Float32Array | null, dxg: Buf, dhgN: Buf, dz: Buf, dhPrev: Buf): void;
  /**
   * Backward of the first half, given drh = dL/d(r⊙hPrev) (= dhgN·W_hn) and dz. Writes dxg's r and z blocks
   * and dhgRZ (B×2H, equal to them), and adds drh⊙r to dhPrev.
   */
  gruResetBeforeGatesBackward(B: number, H: number, gates: Buf, hPrev: Buf, drh: Buf, dz: Buf, dxg: Buf, dhgRZ: Buf, dhPrev: Buf): void;

  /**
   * Softmax of each row of a rows×n matrix over its first valid[r] entries (all n when valid is null):
   * y[r, j] = exp(x[r, j] − max)/Σ_{k < valid[r]} exp(x[r, k] − max) for j < valid[r], and y[r, j] = 0 for
   * j ≥ valid[r] (a row with valid[r] = 0 is all zeros). A per-row count expresses end padding and a causal mask.
   */
  softmaxRows(rows: number, n: number, x: Buf, valid: Int32Array | null, y: Buf): void;
  /** Gradient of softmaxRows: dx[r, j] = y[r, j]·(dy[r, j] − Σ_k y[r, k]·dy[r, k]) (0 where y is 0). */
  softmaxRowsBackward(rows: number, n: number, y: Buf, dy: Buf, dx: Buf): void;

  /**
   * Additive (Bahdanau) attention scores of `rows` queries against `keys` keys, both already projected to width A:
   * th[r, s, :] = tanh(q[r, :] + k[s, :]) and e[r, s] = v·th[r, s, :]. q is rows×A, k keys×A, th rows×keys×A.
   */
  additiveScores(rows: number, keys: number, A: number, q: Buf, k: Buf, v: Buf, th: Buf, e: Buf): void;
  /**
   * Gradient of additiveScores given de (rows×keys): with g[r, s, a] = de[r, s]·v[a]·(1 − th[r, s, a]²),
   * writes dq[r, :] = Σ_s g[r, s, :], adds Σ_r g[r, s, :] into dk[s, :] and Σ_{r,s} de[r, s]·th[r, s, :] into dv.
   */
  additiveScoresBackward(rows: number, keys: number, A: number, th: Buf, v: Buf, de: Buf, dq: Buf, dk: Buf, dv: Buf): void;
}

/**
 * A direction's whole pass as one op (cells/direction.ts runs the same computation op by op where a backend lacks
 * these). Sizes: B rows, T steps, H hidden, S = T + 1 state slots, I input width. Buffers are time-major and indexed
 * by time t, whatever the direction: `input` is the direction's input (T·B×I), `hs` (and `cs`) its state slots as
 * cells/direction.ts lays them out (h_t in slot t+1 going forward, slot t in reverse; the initial state in the other
 * end slot, set by the caller). `masks` holds every step's B-row mask (1 where the row has that step).
 * Forward computes the input projection W_ih·x_t + b_ih of every step, then the time loop; it writes every other slot
 * of hs (and cs) and what the backward pass reads (gates, and hg = W_hh·h_{t−1} + b_hh for the GRU).
 * Backward takes dhs (T·B×H, the gradient from above), `carry` (in: the gradient reaching the final state; out: dL/dh0)
 * and for LSTM `dc` the same for the cell state; it adds the gradients of W_ih, b_ih, W_hh, b_hh and of the input into
 * theirs, and writes `dhTotal`, each step's total dL/dh_t (for the gradient-flow trace).
 */
export interface SequenceOps {
  rnnSequenceForward(act: Activation, B: number, T: number, H: number, S: number, I: number, reverse: boolean, input: Buf, wIh: Buf,
    bIh: Buf, wHh: Buf, bHh: Buf, masks: Buf, hs: Buf): void;
  rnnSequenceBackward(act: Activation, B: number, T: number, H: number, S: number, I: number, reverse: boolean, hs: Buf, dhs: Buf,
    input: Buf, wIh: Buf, wHh: Buf, masks: Buf, carry: Buf, dInput: Buf, dWih: Buf, dbIh: Buf, dWhh: Buf, dbHh: Buf, dhTotal: Buf): void;
  lstmSequenceForward(B: number, T: number, H: number, S: number, I: number, reverse: boolean, input: Buf, wIh: Buf, bIh: Buf,
    wHh: Buf, bHh: Buf, masks: Buf, hs: Buf, cs: Buf, gates: Buf): void;
  lstmSequenceBackward(B: number, T: number, H: number, S: number, I: number, reverse: boolean, gates: Buf, cs: Buf, hs: Buf,
    dhs: Buf, input: Buf, wIh: Buf, wHh: Buf, masks: Buf, carry: Buf, dc: Buf, dInput: Buf, dWih: Buf, dbIh: Buf, dWhh: Buf,
    dbHh: Buf, dhTotal: Buf): void;
  /** Reset-after GRU (torch.nn.GRU); hg (T·B×3H) keeps W_hh·h_{t−1} + b_hh for the backward pass. */
  gruSequenceForward(B: number, T: number, H: number, S: number, I: number, reverse: boolean, input: Buf, wIh: Buf, bIh: Buf,
    wHh: Buf, bHh: Buf, masks: Buf, hs: Buf, gates: Buf, hg: Buf): void;
  gruSequenceBackward(B: number, T: number, H: number, S: number, I: number, reverse: boolean, gates: Buf, hg: Buf, hs: Buf,
    dhs: Buf, input: Buf, wIh: Buf, wHh: Buf, masks: Buf, carry: Buf, dInput: Buf, dWih: Buf, dbIh: Buf, dWhh: Buf, dbHh: Buf,
    dhTotal: Buf): void;
}
