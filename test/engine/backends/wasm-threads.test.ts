// The wasm backend's matrix products and row-wise kernels split across helper threads (src/engine/backends/wasm/
// threads.ts, helpers from src/runner/backends/gemmPool.ts) give the bits of one thread: every product, every op and
// every training step, for 1 to 4 threads and both kernel flavours. Every threshold at 0 sends
// even the smallest products and kernels to the helpers.
import { setFlagsFromString } from 'node:v8';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Buf } from '../../../src/engine/backend';
import { createWasmBackend, type WasmBackend, type WasmFlavour } from '../../../src/engine/backends/wasm';
import { partitionGemm } from '../../../src/engine/backends/wasm/threads';
import { OP_NAMES, OPS, requiredLength, type OpName } from '../../../src/engine/backendOps';
import { initialize } from '../../../src/engine/init';
import { createModel, type Batch } from '../../../src/engine/model';
import { Rng } from '../../../src/engine/rng';
import type { ModelSpec } from '../../../src/engine/spec';
import { Trainer } from '../../../src/engine/trainer';
import { gemmHelpers } from '../../../src/runner/backends/gemmPool';
import { TestRandom } from '../helpers/random';

setFlagsFromString('--experimental-wasm-relaxed-simd');

const FLAVOURS: WasmFlavour[] = ['simd128', 'relaxed-simd'];
const started: WasmBackend[] = [];
after(() => started.forEach((be) => be.destroy()));

/** A backend with `threads` threads, once every helper serves (so the helpers do take tiles). */
async function team(flavour: WasmFlavour, threads: number): Promise<WasmBackend> {
  const errors: string[] = [];
  const be = createWasmBackend({ flavour, helpers: gemmHelpers(threads - 1, (e) => errors.push(e)), parallelMinMadds: 0, wakeMinMadds: 0, parallelMinRowValues: 0, wakeMinRowValues: 0 });
  started.push(be);
  for (let waited = 0; be.threadStats().ready < threads; waited += 10) {
    assert.deepEqual(errors, []);
    assert.ok(waited < 20000, `${threads - 1} helpers did not start within 20 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return be;
}

const bytes = (b: Buf): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

// Odd sizes (edge tiles in both directions, a k deeper than one 256-deep slice), tall and wide (split by rows and by
// columns), and the smallest a team splits (2×2, k = 1).
const SHAPES: [number, number, number][] = [[2, 2, 1], [37, 29, 300], [5, 70, 513], [130, 9, 17], [67, 131, 33]];

function product(be: WasmBackend, [m, n, k]: [number, number, number], transA: boolean, transB: boolean, accumulate: boolean): Buf {
  const rnd = new TestRandom(m * 1000 + n * 10 + k);
  const fill = (len: number) => {
    const b = be.alloc(len);
    b.set(Float32Array.from(rnd.fill(new Float64Array(len), -2, 2)));
    return b;
  };
  const a = fill(m * k), b = fill(k * n), c = fill(m * n);
  be.gemm(transA, transB, m, n, k, a, b, c, accumulate);
  return c;
}

test('tiles cover C exactly once, aligned to the micro-kernel (4 rows, 8 columns), along the longer side', () => {
  for (const [m, n] of [[2, 2], [37, 29], [5, 70], [2048, 512], [32, 2048]]) {
    for (let threads = 1; threads <= 4; threads++) {
      const { byColumns, chunk, tiles } = partitionGemm(m, n, threads);
      const side = byColumns ? n : m;
      assert.equal(byColumns, n > m);
      assert.equal(chunk % (byColumns ? 8 : 4), 0);
      assert.ok(tiles <= threads && (tiles - 1) * chunk < side && tiles * chunk >= side, `${m}×${n} on ${threads}: ${tiles} tiles of ${chunk}`);
    }
  }
});

for (const flavour of FLAVOURS) {
  test(`[${flavour}] gemm on 2, 3 and 4 threads gives the bytes of 1 thread (odd shapes, every transpose, accumulate)`, async () => {
    const one = createWasmBackend({ flavour });
    for (let threads = 2; threads <= 4; threads++) {
      const be = await team(flavour, threads);
      for (const shape of SHAPES) {
        for (const [transA, transB, accumulate] of [[false, false, false], [true, false, true], [false, true, false], [true, true, true]]) {
          const tag = `${shape.join('×')} transA ${transA} transB ${transB} accumulate ${accumulate}`;
          assert.ok(bytes(product(be, shape, transA, transB, accumulate)).equals(bytes(product(one, shape, transA, transB, accumulate))),
            `${threads} threads: ${tag}`);
        }
      }
      assert.ok(be.threadStats().helperTiles > 0, `${threads} threads: the helpers computed no tile`);
      be.destroy();
    }
  });
}

/** Ops that add every row into one result (or are gemm), which must stay on the calling thread. */
const NOT_ROW_WISE: OpName[] = ['gemm', 'sumRows', 'layerNormBackward', 'additiveScoresBackward'];

/**
 * Calls op on random arguments (9 rows: uneven blocks for 2 to 4 threads; a mask with zeros, or counts) and returns
 * every buffer it may write, as bytes.
 */
function callOp(be: WasmBackend, name: OpName, withMask: boolean): Buffer[] {
  const op = OPS[name];
  const rnd = new TestRandom(OP_NAMES.indexOf(name) + 1);
  const sizes = [9, 6, 5];
  const argv: unknown[] = op.args.map((a, i) => (a.kind === 'size' ? sizes[op.sizes.indexOf(i)] : a.kind === 'choice' ? a.values[1] : false));
  op.args.forEach((a, i) => {
    const len = requiredLength(op, argv, i);
    if (a.kind === 'buf') argv[i] = rnd.fill(be.alloc(len), -2, 2);
    else if (a.kind === 'mask') argv[i] = withMask ? Float32Array.from({ length: len }, (_, r) => (r % 3 === 1 ? 0 : 1)) : null;
    else if (a.kind === 'counts') argv[i] = withMask ? Int32Array.from({ length: len }, (_, r) => 1 + (r % (argv[op.sizes[1]] as number))) : null;
  });
  (be[name] as (...args: unknown[]) => void)(...argv);
  return op.args.flatMap((a, i) => (a.kind === 'buf' && a.role !== 'in' ? [Buffer.from(bytes(argv[i] as Buf))] : []));
}

for (const flavour of FLAVOURS) {
  test(`[${flavour}] every op but gemm on 2, 3 and 4 threads gives the bytes of 1 thread; row-wise ones are split by rows`, async () => {
    const one = createWasmBackend({ flavour });
    for (let threads = 2; threads <= 4; threads++) {
      const be = await team(flavour, threads);
      const split = new Set<OpName>();
      const helperTiles = be.threadStats().helperTiles;
      for (const name of OP_NAMES.filter((n) => n !== 'gemm')) {
        for (const withMask of [false, true]) {
          const jobs = be.threadStats().rowJobs;
          const got = callOp(be, name, withMask);
          if (be.threadStats().rowJobs > jobs) split.add(name);
          callOp(one, name, withMask).forEach((want, i) => assert.ok(got[i].equals(want), `${threads} threads: ${name} output ${i}, mask ${withMask}`));
        }
      }
      assert.deepEqual([...split].sort(), OP_NAMES.filter((n) => !NOT_ROW_WISE.includes(n)).sort(), `${threads} threads: the ops split by rows`);
      // Which thread claims a block is timing (on a loaded machine the caller may take them all): a helper must take one
      // within seconds of calls.
      for (const t0 = Date.now(); be.threadStats().helperTiles === helperTiles && Date.now() - t0 < 10000;) callOp(be, 'lstmForward', true);
      assert.ok(be.threadStats().helperTiles > helperTiles, `${threads} threads: the helpers computed no block of rows in 10 s`);
      be.destroy();
    }
  });
}

function trainedWeights(be: WasmBackend, cell: 'lstm' | 'gru'): Buffer[] {
  const spec: ModelSpec = {
    cell, variant: 'resetAfter', nonlinearity: 'tanh', inputSize: 5, hiddenSize: 24, numLayers: 2, transformer: null,
    bidirectional: false, dropout: 0, residual: false, layerNorm: false, embedding: null, head: { output: 'all', size: 3, activation: 'none' },
  };
  const model = createModel(spec, be);
  const rng = new Rng(3);
  initialize(model.params, spec, { scheme: 'pytorch', forgetBias: null }, rng);
  const trainer = new Trainer<Batch>(model, {
    loss: 'mse', optimizer: { type: 'adam', lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
    schedule: { type: 'constant' }, clip: { maxNorm: 1, maxValue: null }, tbptt: null,
  }, rng.fork('dropout'));
  const B = 6, T = 11;
  const x = be.alloc(B * T * 5), y = be.alloc(B * T * 3);
  for (let step = 0; step < 5; step++) {
    for (let i = 0; i < x.length; i++) x[i] = rng.uniform() * 2 - 1;
    for (let i = 0; i < y.length; i++) y[i] = rng.uniform() * 2 - 1;
    trainer.step({ B, T, x, tokens: null, lengths: null, y });
  }
  return model.params.map((p) => Buffer.from(bytes(p.value)));
}

for (const flavour of FLAVOURS) {
  test(`[${flavour}] a seeded LSTM and GRU training run (5 Adam steps, clipping) ends with the same weight bytes on 1 and 3 threads`, async () => {
    const three = await team(flavour, 3);
    for (const cell of ['lstm', 'gru'] as const) {
      const w3 = trainedWeights(three, cell);
      trainedWeights(createWasmBackend({ flavour }), cell).forEach((w1, i) => assert.ok(w1.equals(w3[i]), `${cell} parameter ${i}`));
    }
    assert.ok(three.threadStats().helperTiles > 0, 'the helpers computed no tile');
  });
}
