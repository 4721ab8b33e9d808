// Times backend ops at training sizes, to choose the registry's 'auto' order by measurement.
//   npx tsx scripts/probe-backends.ts            (headlessgl needs a display: xvfb-run -a npx tsx ...)
//   npx tsx scripts/probe-backends.ts --quick    (fewer repetitions)
// Sizes follow the ENVIRONMENT.md anchor: one LSTM training step with batch 32, 64 steps, 16 inputs,
// 128 hidden. Each timing is the median of repeated calls after a warm-up call that compiles the kernel.
import type { Backend, Buf } from '../src/engine/backend';
import { availableBackends, createBackend, type BackendName } from '../src/engine/backends/index';

const quick = process.argv.includes('--quick');
const B = 32, T = 64, I = 16, H = 128;
const G = 4 * H;

function random(be: Backend, n: number, lo = -1, hi = 1): Buf {
  const b = be.alloc(n);
  for (let i = 0; i < n; i++) b[i] = lo + (hi - lo) * Math.random();
  return b;
}

/** Median milliseconds of fn over reps runs (after one warm-up run), capped at ~2 s of measuring. */
function time(fn: () => void, reps: number): number {
  fn();
  const samples: number[] = [];
  const start = performance.now();
  for (let r = 0; r < reps && (r < 3 || performance.now() - start < 2000); r++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

interface Row { op: string; ms: number }

function probe(be: Backend): Row[] {
  const reps = quick ? 5 : 20;
  const x = random(be, B * T * I), wih = random(be, G * I), whh = random(be, G * H);
  const xgAll = be.alloc(B * T * G), hg = be.alloc(B * G), h = random(be, B * H), c = random(be, B * H);
  const gates = random(be, B * G, 0.05, 0.95), dpre = random(be, B * G), dh = random(be, B * H), dc = random(be, B * H);
  const dW = be.alloc(G * H), hAll = random(be, B * T * H), dpreAll = random(be, B * T * G);
  const hOut = be.alloc(B * H), cOut = be.alloc(B * H), dhPrev = be.alloc(B * H), bias = random(be, G), db = be.alloc(G);
  const ln = { y: be.alloc(B * G), mean: be.alloc(B * 4), rstd: be.alloc(B * 4), gamma: random(be, G), beta: random(be, G) };
  const xg = xgAll.subarray(0, B * G);
  const rows: Row[] = [
    { op: `gemm x·W_ih^T, all steps (${B * T}×${G}×${I})`, ms: time(() => be.gemm(false, true, B * T, G, I, x, wih, xgAll, false), reps) },
    { op: `gemm h·W_hh^T, one step (${B}×${G}×${H})`, ms: time(() => be.gemm(false, true, B, G, H, h, whh, hg, false), reps) },
    { op: `gemm dpre·W_hh, one step (${B}×${H}×${G})`, ms: time(() => be.gemm(false, false, B, H, G, dpre, whh, dhPrev, false), reps) },
    { op: `gemm dW_hh += dpre^T·h, one step (${G}×${H}×${B})`, ms: time(() => be.gemm(true, false, G, H, B, dpre, h, dW, true), reps) },
    { op: `gemm dW_hh += dpre^T·h, all steps (${G}×${H}×${B * T})`, ms: time(() => be.gemm(true, false, G, H, B * T, dpreAll, hAll, dW, true), quick ? 2 : 5) },
    { op: `addRowVector (${B}×${G})`, ms: time(() => be.addRowVector(hg, B, G, bias), reps) },
    { op: `sumRows (${B * T}×${G})`, ms: time(() => be.sumRows(dpreAll, B * T, G, db), reps) },
    { op: `layerNormForward (${B}×4×${H})`, ms: time(() => be.layerNormForward(B, 4, H, hg, ln.gamma, ln.beta, ln.y, ln.mean, ln.rstd), reps) },
    { op: `layerNormBackward (${B}×4×${H})`, ms: time(() => be.layerNormBackward(B, 4, H, dpre, hg, ln.mean, ln.rstd, ln.gamma, ln.y, db, bias), reps) },
    { op: `rnnForward tanh (${B}×${H})`, ms: time(() => be.rnnForward('tanh', B, H, xg.subarray(0, B * H), hg.subarray(0, B * H), h, null, hOut), reps) },
    { op: `lstmForward (${B}×${H})`, ms: time(() => be.lstmForward(B, H, xg, hg, h, c, null, gates, cOut, hOut), reps) },
    { op: `lstmBackward (${B}×${H})`, ms: time(() => be.lstmBackward(B, H, gates, c, cOut, dh, dc, null, dpre, dhPrev), reps) },
    { op: `gruForward (${B}×${H})`, ms: time(() => be.gruForward(B, H, xg.subarray(0, 3 * B * H), hg.subarray(0, 3 * B * H), h, null, gates.subarray(0, 3 * B * H), hOut), reps) },
    { op: `gruBackward (${B}×${H})`, ms: time(() => be.gruBackward(B, H, gates.subarray(0, 3 * B * H), hg.subarray(0, 3 * B * H), h, dh, null, dpre.subarray(0, 3 * B * H), xg.subarray(0, 3 * B * H), dhPrev), reps) },
  ];
  // One LSTM training step as the model code issues it: input projection for all steps, then per step
  // the recurrent gemm and the cell; backward per step the cell, dh through W_hh and dW_hh; dW_ih at the end.
  const step = () => {
    be.gemm(false, true, B * T, G, I, x, wih, xgAll, false);
    for (let t = 0; t < T; t++) {
      be.gemm(false, true, B, G, H, h, whh, hg, false);
      be.lstmForward(B, H, xgAll.subarray(t * B * G, (t + 1) * B * G), hg, h, c, null, gates, cOut, hOut);
    }
    for (let t = 0; t < T; t++) {
      be.lstmBackward(B, H, gates, c, cOut, dh, dc, null, dpre, dhPrev);
      be.gemm(false, false, B, H, G, dpre, whh, dhPrev, true);
      be.gemm(true, false, G, H, B, dpre, h, dW, true);
    }
    be.gemm(true, false, G, I, B * T, dpreAll, x, dW.subarray(0, G * I), true);
  };
  rows.push({ op: `synthetic LSTM training step (B=${B}, T=${T}, I=${I}, H=${H})`, ms: time(step, quick ? 2 : 5) });
  return rows;
}

const candidates: Array<Exclude<BackendName, 'auto'>> = ['reference', 'reference64', 'gpu.js:cpu', 'gpu.js:webasm', 'gpu.js:headlessgl'];
const availability = availableBackends();
const results = new Map<string, Row[]>();
for (const name of candidates) {
  const a = availability.find((x) => x.name === name);
  if (!a?.available) {
    console.log(`${name}: unavailable (${a?.reason ?? 'not probed'})`);
    continue;
  }
  const { backend } = createBackend(name);
  const t0 = performance.now();
  results.set(`${name} [${backend.info.mode}]`, probe(backend));
  console.error(`${name}: measured in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

const names = [...results.keys()];
const ops = results.get(names[0])?.map((r) => r.op) ?? [];
console.log(`\nmedian ms per call; ${new Date().toISOString()}; node ${process.version}`);
console.log(['op', ...names].join(' | '));
console.log(['---', ...names.map(() => '---:')].join(' | '));
for (const [i, op] of ops.entries()) {
  console.log([op, ...names.map((n) => (results.get(n)?.[i].ms ?? NaN).toFixed(3))].join(' | '));
}
