// Every op of the GPU.js backend, in every GPU.js mode this machine can run, against the float64 reference
// backend on the same float32-representable inputs.
//
// Tolerances (float32 has a unit roundoff of 2^-24 ≈ 6e-8):
// - pointwise cell ops: |gpu − ref| ≤ 1e-5 + 1e-5·|ref|. Each output is a handful of float32 operations
//   plus exp; 1e-5 is ~100 ulps of headroom, far below the O(0.1) error of a wrong index or formula.
// - reductions of length k (gemm, sumRows, layer norm): |gpu − ref| ≤ max(1e-5, 1e-6·k) + 1e-5·|ref|, the growth of
//   float32 rounding in a k-term sum of O(1) products, so a missing or doubled term still fails.
// Inputs include pre-activations of ±60, where a naive tanh (e^2x − 1)/(e^2x + 1) overflows to NaN in GLSL.
// Buffers are subarray views at an offset, output buffers start filled with random values (so an op that
// must accumulate, or leave part of a buffer alone, is checked too), and inputs must come back unchanged.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend, Buf } from '../../../src/engine/backend';
import { createReferenceBackend } from '../../../src/engine/backends/reference';
import { createModel, type Batch } from '../../../src/engine/model';
import { makeBatch, makeModel, makeSpec, makeTransformer, makeTransformerSpec, type SpecOverrides, type TransformerOverrides } from '../helpers/models';
import { TestRandom } from '../helpers/random';
import { createGpuJsBackend, type GpuJsMode, type GpuJsSyncMode } from '../../../src/engine/backends/gpujs';
import { probeGpuJsMode } from '../../../src/runner/backends/gpujsProbe';
import { startWebGpuBackend } from '../../../src/runner/backends/webgpu';
import { useSoftwareVulkan } from '../../helpers/vulkan';

type Role = 'in' | 'out';
interface BufSpec { len: number; role: Role; lo?: number; hi?: number; spikes?: boolean }
interface OpCase {
  name: string;
  /** Length of the longest sum behind one output value (1 for pointwise ops). */
  reduction: number;
  buffers: Record<string, BufSpec>;
  /** Set: the op takes a mask and runs with one (the no-mask variant is derived). */
  mask?: true;
  call(be: Backend, b: Record<string, Buf>, mask: Float32Array | null): void;
}

function fill(spec: BufSpec, rnd: TestRandom): Float64Array {
  const v = Float64Array.from({ length: spec.len }, () => Math.fround(rnd.uniform(spec.lo ?? -2, spec.hi ?? 2)));
  if (spec.spikes && v.length >= 2) {
    v[0] = 60;
    v[v.length - 1] = -60;
  }
  return v;
}

/** Float32 copy of `v` as a view at offset 3 of a larger buffer, the way model code slices its arenas. */
function view32(v: Float64Array): Float32Array {
  const backing = new Float32Array(v.length + 7).fill(Number.NaN);
  const out = backing.subarray(3, 3 + v.length);
  out.set(v);
  return out;
}

/** Every other row padded, row 0 always valid. */
function maskFor(B: number): Float32Array {
  return Float32Array.from({ length: B }, (_, b) => (b % 2 === 1 ? 0 : 1));
}

function cellCases(B: number, H: number): OpCase[] {
  const BH = B * H;
  const gate = { lo: 0.02, hi: 0.98 };
  const tanhRange = { lo: -0.98, hi: 0.98 };
  const cases: OpCase[] = [];
  for (const act of ['tanh', 'relu'] as const) {
    cases.push({
      name: `rnnForward ${act}`, reduction: 1, mask: true,
      buffers: { xg: { len: BH, role: 'in', spikes: true }, hg: { len: BH, role: 'in' }, hPrev: { len: BH, role: 'in' }, h: { len: BH, role: 'out' } },
      call: (be, b, m) => be.rnnForward(act, B, H, b.xg, b.hg, b.hPrev, m, b.h),
    }, {
      name: `rnnBackward ${act}`, reduction: 1, mask: true,
      buffers: { h: { len: BH, role: 'in', ...(act === 'tanh' ? tanhRange : {}) }, dh: { len: BH, role: 'in' }, dpre: { len: BH, role: 'out' }, dhPrev: { len: BH, role: 'out' } },
      call: (be, b, m) => be.rnnBackward(act, B, H, b.h, b.dh, m, b.dpre, b.dhPrev),
    });
  }
  cases.push({
    name: 'lstmForward', reduction: 1, mask: true,
    buffers: {
      xg: { len: 4 * BH, role: 'in', spikes: true }, hg: { len: 4 * BH, role: 'in' }, hPrev: { len: BH, role: 'in' }, cPrev: { len: BH, role: 'in' },
      gates: { len: 4 * BH, role: 'out' }, c: { len: BH, role: 'out' }, h: { len: BH, role: 'out' },
    },
    call: (be, b, m) => be.lstmForward(B, H, b.xg, b.hg, b.hPrev, b.cPrev, m, b.gates, b.c, b.h),
  }, {
    name: 'lstmBackward', reduction: 1, mask: true,
    buffers: {
      gates: { len: 4 * BH, role: 'in', ...gate }, cPrev: { len: BH, role: 'in' }, c: { len: BH, role: 'in' }, dh: { len: BH, role: 'in' },
      dc: { len: BH, role: 'out' }, dpre: { len: 4 * BH, role: 'out' }, dhPrev: { len: BH, role: 'out' },
    },
    call: (be, b, m) => be.lstmBackward(B, H, b.gates, b.cPrev, b.c, b.dh, b.dc, m, b.dpre, b.dhPrev),
  }, {
    name: 'gruForward', reduction: 1, mask: true,
    buffers: {
      xg: { len: 3 * BH, role: 'in', spikes: true }, hg: { len: 3 * BH, role: 'in' }, hPrev: { len: BH, role: 'in' },
      gates: { len: 3 * BH, role: 'out' }, h: { len: BH, role: 'out' },
    },
    call: (be, b, m) => be.gruForward(B, H, b.xg, b.hg, b.hPrev, m, b.gates, b.h),
  }, {
    name: 'gruBackward', reduction: 1, mask: true,
    buffers: {
      gates: { len: 3 * BH, role: 'in', ...gate }, hg: { len: 3 * BH, role: 'in' }, hPrev: { len: BH, role: 'in' }, dh: { len: BH, role: 'in' },
      dxg: { len: 3 * BH, role: 'out' }, dhg: { len: 3 * BH, role: 'out' }, dhPrev: { len: BH, role: 'out' },
    },
    call: (be, b, m) => be.gruBackward(B, H, b.gates, b.hg, b.hPrev, b.dh, m, b.dxg, b.dhg, b.dhPrev),
  }, {
    // gates' n block must be left alone: it starts random and must match the reference's untouched copy.
    name: 'gruResetBeforeGatesForward', reduction: 1,
    buffers: {
      xg: { len: 3 * BH, role: 'in', spikes: true }, hgRZ: { len: 2 * BH, role: 'in' }, hPrev: { len: BH, role: 'in' },
      gates: { len: 3 * BH, role: 'out' }, rh: { len: BH, role: 'out' },
    },
    call: (be, b) => be.gruResetBeforeGatesForward(B, H, b.xg, b.hgRZ, b.hPrev, b.gates, b.rh),
  }, {
    name: 'gruResetBeforeOutputForward', reduction: 1, mask: true,
    buffers: {
      xg: { len: 3 * BH, role: 'in', spikes: true }, hgN: { len: BH, role: 'in' }, hPrev: { len: BH, role: 'in' },
      gates: { len: 3 * BH, role: 'out', ...gate }, h: { len: BH, role: 'out' },
    },
    call: (be, b, m) => be.gruResetBeforeOutputForward(B, H, b.xg, b.hgN, b.hPrev, m, b.gates, b.h),
  }, {
    name: 'gruResetBeforeOutputBackward', reduction: 1, mask: true,
    buffers: {
      gates: { len: 3 * BH, role: 'in', ...gate }, hPrev: { len: BH, role: 'in' }, dh: { len: BH, role: 'in' },
      dxg: { len: 3 * BH, role: 'out' }, dhgN: { len: BH, role: 'out' }, dz: { len: BH, role: 'out' }, dhPrev: { len: BH, role: 'out' },
    },
    call: (be, b, m) => be.gruResetBeforeOutputBackward(B, H, b.gates, b.hPrev, b.dh, m, b.dxg, b.dhgN, b.dz, b.dhPrev),
  }, {
    // dhPrev accumulates; dxg's n block stays as it was.
    name: 'gruResetBeforeGatesBackward', reduction: 1,
    buffers: {
      gates: { len: 3 * BH, role: 'in', ...gate }, hPrev: { len: BH, role: 'in' }, drh: { len: BH, role: 'in' }, dz: { len: BH, role: 'in' },
      dxg: { len: 3 * BH, role: 'out' }, dhgRZ: { len: 2 * BH, role: 'out' }, dhPrev: { len: BH, role: 'out' },
    },
    call: (be, b) => be.gruResetBeforeGatesBackward(B, H, b.gates, b.hPrev, b.drh, b.dz, b.dxg, b.dhgRZ, b.dhPrev),
  });
  // The unmasked path of every masked op is a different branch of its kernel: run them without a mask too.
  return [...cases, ...cases.filter((c) => c.mask !== undefined).map((c) => ({ ...c, name: `${c.name} (no mask)`, mask: undefined }))];
}

function gemmCases(m: number, n: number, k: number): OpCase[] {
  const cases: OpCase[] = [];
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      for (const accumulate of [false, true]) {
        cases.push({
          name: `gemm ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}${accumulate ? ' +=' : ''} ${m}×${n}×${k}`, reduction: k,
          buffers: { a: { len: m * k, role: 'in' }, b: { len: k * n, role: 'in' }, c: { len: m * n, role: 'out' } },
          call: (be, b) => be.gemm(transA, transB, m, n, k, b.a, b.b, b.c, accumulate),
        });
      }
    }
  }
  return cases;
}

function matrixCases(rows: number, groups: number, H: number): OpCase[] {
  const n = groups * H;
  const count = rows * groups;
  return [{
    name: `addRowVector ${rows}×${n}`, reduction: 1,
    buffers: { x: { len: rows * n, role: 'out' }, v: { len: n, role: 'in' } },
    call: (be, b) => be.addRowVector(b.x, rows, n, b.v),
  }, {
    name: `sumRows ${rows}×${n}`, reduction: rows,
    buffers: { x: { len: rows * n, role: 'in' }, out: { len: n, role: 'out' } },
    call: (be, b) => be.sumRows(b.x, rows, n, b.out),
  }, {
    name: `layerNormForward ${rows}×${groups}×${H}`, reduction: H,
    buffers: {
      x: { len: rows * n, role: 'in', lo: -3, hi: 5 }, gamma: { len: n, role: 'in' }, beta: { len: n, role: 'in' },
      y: { len: rows * n, role: 'out' }, mean: { len: count, role: 'out' }, rstd: { len: count, role: 'out' },
    },
    call: (be, b) => be.layerNormForward(rows, groups, H, b.x, b.gamma, b.beta, b.y, b.mean, b.rstd),
  }, {
    name: `layerNormBackward ${rows}×${groups}×${H}`, reduction: Math.max(rows, H),
    buffers: {
      dy: { len: rows * n, role: 'in' }, x: { len: rows * n, role: 'in' }, mean: { len: count, role: 'in', lo: -0.5, hi: 0.5 },
      rstd: { len: count, role: 'in', lo: 0.5, hi: 2 }, gamma: { len: n, role: 'in' },
      dx: { len: rows * n, role: 'out' }, dgamma: { len: n, role: 'out' }, dbeta: { len: n, role: 'out' },
    },
    call: (be, b) => be.layerNormBackward(rows, groups, H, b.dy, b.x, b.mean, b.rstd, b.gamma, b.dx, b.dgamma, b.dbeta),
  }];
}

function attentionCases(rows: number, n: number, A: number): OpCase[] {
  const valid = Int32Array.from({ length: rows }, (_, r) => [n, 1, 0, n - 1][r % 4]);
  return [null, valid].flatMap((counts): OpCase[] => [{
    name: `softmaxRows ${rows}×${n} ${counts ? 'with counts' : 'all valid'}`, reduction: n,
    buffers: { x: { len: rows * n, role: 'in', lo: -5, hi: 5 }, y: { len: rows * n, role: 'out' } },
    call: (be, b) => be.softmaxRows(rows, n, b.x, counts, b.y),
  }]).concat([{
    name: `softmaxRowsBackward ${rows}×${n}`, reduction: n,
    buffers: { y: { len: rows * n, role: 'in', lo: 0, hi: 1 }, dy: { len: rows * n, role: 'in' }, dx: { len: rows * n, role: 'out' } },
    call: (be, b) => be.softmaxRowsBackward(rows, n, b.y, b.dy, b.dx),
  }, {
    name: `additiveScores ${rows}×${n}×${A}`, reduction: A,
    buffers: {
      q: { len: rows * A, role: 'in' }, k: { len: n * A, role: 'in', spikes: true }, v: { len: A, role: 'in' },
      th: { len: rows * n * A, role: 'out' }, e: { len: rows * n, role: 'out' },
    },
    call: (be, b) => be.additiveScores(rows, n, A, b.q, b.k, b.v, b.th, b.e),
  }, {
    name: `additiveScoresBackward ${rows}×${n}×${A}`, reduction: rows * n,
    buffers: {
      th: { len: rows * n * A, role: 'in', lo: -1, hi: 1 }, v: { len: A, role: 'in' }, de: { len: rows * n, role: 'in' },
      dq: { len: rows * A, role: 'out' }, dk: { len: n * A, role: 'out' }, dv: { len: A, role: 'out' },
    },
    call: (be, b) => be.additiveScoresBackward(rows, n, A, b.th, b.v, b.de, b.dq, b.dk, b.dv),
  }]);
}

const CELL_SHAPES: Array<[number, number]> = [[7, 5], [32, 16], [1, 1]];
const GEMM_SHAPES: Array<[number, number, number]> = [[7, 5, 3], [32, 64, 16], [5, 7, 1], [1, 1, 13]];
const MATRIX_SHAPES: Array<[number, number, number]> = [[7, 1, 5], [32, 4, 16], [3, 3, 1]];
const ATTENTION_SHAPES: Array<[number, number, number]> = [[5, 7, 3], [4, 20, 16], [1, 1, 1]];

const ALL_CASES: OpCase[] = [
  ...CELL_SHAPES.flatMap(([B, H]) => cellCases(B, H).map((c) => ({ ...c, name: `${c.name} B=${B} H=${H}` }))),
  ...GEMM_SHAPES.flatMap(([m, n, k]) => gemmCases(m, n, k)),
  ...MATRIX_SHAPES.flatMap(([r, g, h]) => matrixCases(r, g, h)),
  ...ATTENTION_SHAPES.flatMap(([r, n, a]) => attentionCases(r, n, a)),
];

/** Runs one case on both backends and fails at the first value outside the tolerance, naming it. */
function compare(gpu: Backend, ref: Backend, op: OpCase, seed: number): void {
  const rnd = new TestRandom(seed);
  const values: Record<string, Float64Array> = {};
  for (const [name, spec] of Object.entries(op.buffers)) values[name] = fill(spec, rnd);
  const mask = op.mask === undefined ? null : maskFor(rowsOf(op));

  const g: Record<string, Float32Array> = {};
  const r: Record<string, Float64Array> = {};
  for (const [name, v] of Object.entries(values)) {
    g[name] = view32(v);
    r[name] = Float64Array.from(v);
  }
  op.call(gpu, g, mask);
  op.call(ref, r, mask);

  const atol = Math.max(1e-5, 1e-6 * op.reduction);
  for (const [name, spec] of Object.entries(op.buffers)) {
    const got = g[name];
    if (spec.role === 'in') {
      assert.deepEqual(Array.from(got), Array.from(values[name]), `${op.name}: input ${name} was modified`);
      continue;
    }
    const want = r[name];
    for (let i = 0; i < want.length; i++) {
      const err = Math.abs(got[i] - want[i]);
      const tol = atol + 1e-5 * Math.abs(want[i]);
      if (!(err <= tol)) {
        assert.fail(`${op.name}: ${name}[${i}] = ${got[i]}, reference ${want[i]} (|error| ${err.toExponential(2)} > ${tol.toExponential(2)})`);
      }
    }
  }
}

/** The batch size of a cell case, recovered from its name (cell cases are the only masked ones). */
function rowsOf(op: OpCase): number {
  const m = / B=(\d+) /.exec(`${op.name} `);
  if (!m) throw new Error(`masked case without a batch size in its name: ${op.name}`);
  return Number(m[1]);
}

/**
 * A mode may be skipped only for a missing system capability (no X display, `gl` not built, no Vulkan driver Dawn
 * accepts), and never on CI, where .ci/run installs them: there a missing headlessgl or webgpu is a failure, not a skip.
 */
function skipOrFail(t: TestContext, mode: GpuJsMode, reason: string): void {
  const systemGap = /DISPLAY is not set|`gl` module did not load|found no adapter/.test(reason);
  if (systemGap && !process.env.CI) {
    t.skip(`gpu.js:${mode} unavailable here: ${reason}`);
    return;
  }
  assert.fail(`gpu.js:${mode} must run here but is unavailable: ${reason}`);
}

// ---- Model level: one forward/backward of whole models, every parameter's gradient ----

const MODEL_CASES: SpecOverrides[] = [
  { cell: 'lstm', hiddenSize: 7 },
  { cell: 'gru', hiddenSize: 7 },
  { cell: 'gru', variant: 'resetBefore', hiddenSize: 5, head: { output: 'all' } },
  { cell: 'rnn', hiddenSize: 7 },
  { cell: 'rnn', nonlinearity: 'relu', hiddenSize: 6 },
  { cell: 'lstm', hiddenSize: 5, layerNorm: true, numLayers: 2, bidirectional: true },
];
/** Transformers: the attention products run as one gemm per (sequence, head), the softmax on the backend. */
const TRANSFORMER_CASES: TransformerOverrides[] = [
  { numLayers: 2, head: { output: 'all' }, options: { causal: true, normFirst: true, activation: 'gelu' } },
  { options: { positional: 'learned' } },
];

function rounded(v: Float64Array): Float64Array {
  return v.map(Math.fround);
}

/**
 * Loss and gradients of the same model and batch on `gpu` and on the float64 reference. Parameters and data
 * are rounded to float32 first, so both sides start from identical values. Tolerance on the loss: 1e-5
 * relative; on each gradient element: 2e-5 + 1e-4·|reference|, float32 error growing through a few steps
 * of recurrence and the gemm reductions behind each weight gradient.
 */
function compareModel(gpu: Backend, over: SpecOverrides | TransformerOverrides): void {
  const spec = over.cell === undefined ? makeTransformerSpec(over) : makeSpec(over);
  const tag = JSON.stringify(over);
  const ref = spec.cell === 'transformer' ? makeTransformer(spec, 11, 0.6, 'float64') : makeModel(spec, 11, 0.6, 'float64');
  const mine = createModel(spec, gpu);
  ref.params.forEach((p, i) => {
    p.value.set(rounded(p.value as Float64Array));
    mine.params[i].value.set(p.value);
  });
  const b64 = makeBatch(spec, 'mse', 5, 6, 5, [6, 4, 6, 1, 5]);
  b64.x = rounded(b64.x as Float64Array);
  b64.y = rounded(b64.y as Float64Array);
  const b32: Batch = { ...b64, x: Float32Array.from(b64.x), y: Float32Array.from(b64.y as Float64Array) };
  ref.zeroGrad();
  mine.zeroGrad();
  const want = ref.forwardBackward(b64, 'mse', { train: false, tbptt: null }).loss;
  const got = mine.forwardBackward(b32, 'mse', { train: false, tbptt: null }).loss;
  assert.ok(Math.abs(got - want) <= 1e-5 * Math.abs(want), `${tag}: loss ${got}, reference ${want}`);
  let norm = 0;
  ref.params.forEach((p, i) => {
    const g = mine.params[i].grad;
    for (let j = 0; j < p.grad.length; j++) {
      norm += p.grad[j] * p.grad[j];
      const err = Math.abs(g[j] - p.grad[j]);
      if (!(err <= 2e-5 + 1e-4 * Math.abs(p.grad[j]))) {
        assert.fail(`${tag}: ${p.name}.grad[${j}] = ${g[j]}, reference ${p.grad[j]} (|error| ${err.toExponential(2)})`);
      }
    }
  });
  assert.ok(norm > 1e-6, `${tag}: the reference gradients are all zero, so the comparison shows nothing`);
}

const MODES: GpuJsSyncMode[] = ['cpu', 'webasm', 'headlessgl'];
const reference = createReferenceBackend('float64');

/** Every op, then whole models' losses and gradients, on one GPU.js backend. */
async function checkAll(t: TestContext, gpu: Backend, mode: GpuJsMode): Promise<void> {
  assert.deepEqual(gpu.info, { name: 'gpu.js', mode, dtype: 'float32' });
  await t.test('every op', () => ALL_CASES.forEach((op, i) => compare(gpu, reference, op, 1000 + i)));
  for (const over of [...MODEL_CASES, ...TRANSFORMER_CASES]) {
    await t.test(`loss and every gradient: ${JSON.stringify(over)}`, () => compareModel(gpu, over));
  }
}

for (const mode of MODES) {
  test(`gpu.js:${mode} matches the float64 reference on every op, and on whole models`, async (t) => {
    const probe = probeGpuJsMode(mode);
    if (!probe.available) return skipOrFail(t, mode, probe.reason ?? 'unknown');
    const gpu = createGpuJsBackend(mode);
    try {
      await checkAll(t, gpu, mode);
    } finally {
      gpu.destroy();
    }
  });
}

// The same kernels in webgpu mode, on a GPU thread the synchronous backend waits on (a software Vulkan driver here).
test('gpu.js:webgpu matches the float64 reference on every op, and on whole models', async (t) => {
  useSoftwareVulkan();
  const started = startWebGpuBackend();
  if (!('backend' in started)) return skipOrFail(t, 'webgpu', started.reason ?? 'unknown');
  try {
    await checkAll(t, started.backend, 'webgpu');
  } finally {
    started.backend.destroy();
  }
});

test('gpu.js refuses float64, and buffers of the wrong dtype or length or bad sizes, with errors naming op and argument', () => {
  assert.throws(() => createGpuJsBackend('cpu', 'float64'), /float32 only.*reference64/);
  const gpu = createGpuJsBackend('cpu');
  try {
    assert.throws(() => gpu.gemm(false, false, 1, 1, 1, new Float64Array(1), new Float32Array(1), new Float32Array(1), false),
      /gpu\.js gemm: a must be a Float32Array \(this backend's dtype is float32\), got Float64Array/);
    assert.throws(() => gpu.gemm(false, false, 2, 2, 2, new Float32Array(3), new Float32Array(4), new Float32Array(4), false),
      /gpu\.js gemm: a has 3 values, needs 4/);
    assert.throws(() => gpu.lstmForward(2, 3, gpu.alloc(24), gpu.alloc(24), gpu.alloc(6), gpu.alloc(6), new Float32Array(1),
      gpu.alloc(24), gpu.alloc(6), gpu.alloc(6)), /gpu\.js lstmForward: mask has 1 values, needs 2/);
    assert.throws(() => gpu.gruResetBeforeGatesBackward(2, 3, gpu.alloc(18), gpu.alloc(6), gpu.alloc(6), gpu.alloc(6), gpu.alloc(18),
      gpu.alloc(11), gpu.alloc(6)), /gpu\.js gruResetBeforeGatesBackward: dhgRZ has 11 values, needs 12/);
    assert.throws(() => gpu.addRowVector(gpu.alloc(4), 2.5, 2, gpu.alloc(2)), /gpu\.js addRowVector: rows must be a non-negative integer, got 2\.5/);
    const huge = (1 << 24) + 1;
    assert.throws(() => gpu.addRowVector(gpu.alloc(huge), huge, 1, gpu.alloc(1)), /gpu\.js addRowVector: 16777217 values exceed 2\^24/);
  } finally {
    gpu.destroy();
  }
});
