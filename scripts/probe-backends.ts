// Times backend ops at training sizes, to choose the registry's 'auto' order by measurement.
//   npx tsx scripts/probe-backends.ts            (headlessgl needs a display: xvfb-run -a npx tsx ...)
//   npx tsx scripts/probe-backends.ts --quick    (fewer repetitions)
// Sizes are those the registry's AUTO_ORDER comment quotes: one LSTM training step with batch 32, 64 steps,
// 16 inputs, 128 hidden. A warm-up call per op compiles its kernel before anything is timed.
import { loadavg } from 'node:os';
import { GPU, type Texture } from 'gpu.js';
import type { Backend, Buf } from '../src/engine/backend';
import { lstmGatesSource, lstmStateSource } from '../src/engine/backends/gpujs/kernels';
import { availableBackends, createBackend, type BackendName } from '../src/runner/backends/registry';

const quick = process.argv.includes('--quick');
const B = 32, T = 64, I = 16, H = 128;
const G = 4 * H;

function random(be: Backend, n: number, lo = -1, hi = 1): Buf {
  const b = be.alloc(n);
  for (let i = 0; i < n; i++) b[i] = lo + (hi - lo) * Math.random();
  return b;
}

interface Op { name: string; run: () => void; slow?: boolean }

/** The ops of one LSTM training step at the anchor sizes, with their buffers bound for `be`. */
function ops(be: Backend): Op[] {
  const x = random(be, B * T * I), wih = random(be, G * I), whh = random(be, G * H);
  const xgAll = be.alloc(B * T * G), hg = be.alloc(B * G), h = random(be, B * H), c = random(be, B * H);
  const gates = random(be, B * G, 0.05, 0.95), dpre = random(be, B * G), dh = random(be, B * H), dc = random(be, B * H);
  const dW = be.alloc(G * H), hAll = random(be, B * T * H), dpreAll = random(be, B * T * G);
  const hOut = be.alloc(B * H), cOut = be.alloc(B * H), dhPrev = be.alloc(B * H), bias = random(be, G), db = be.alloc(G);
  const ln = { y: be.alloc(B * G), mean: be.alloc(B * 4), rstd: be.alloc(B * 4), gamma: random(be, G), beta: random(be, G) };
  const xg = xgAll.subarray(0, B * G);
  const g3 = 3 * B * H;
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
  return [
    { name: `gemm x·W_ih^T, all steps (${B * T}×${G}×${I})`, run: () => be.gemm(false, true, B * T, G, I, x, wih, xgAll, false) },
    { name: `gemm h·W_hh^T, one step (${B}×${G}×${H})`, run: () => be.gemm(false, true, B, G, H, h, whh, hg, false) },
    { name: `gemm dpre·W_hh, one step (${B}×${H}×${G})`, run: () => be.gemm(false, false, B, H, G, dpre, whh, dhPrev, false) },
    { name: `gemm dW_hh += dpre^T·h, one step (${G}×${H}×${B})`, run: () => be.gemm(true, false, G, H, B, dpre, h, dW, true) },
    { name: `gemm dW_hh += dpre^T·h, all steps (${G}×${H}×${B * T})`, run: () => be.gemm(true, false, G, H, B * T, dpreAll, hAll, dW, true), slow: true },
    { name: `addRowVector (${B}×${G})`, run: () => be.addRowVector(hg, B, G, bias) },
    { name: `sumRows (${B * T}×${G})`, run: () => be.sumRows(dpreAll, B * T, G, db) },
    { name: `layerNormForward (${B}×4×${H})`, run: () => be.layerNormForward(B, 4, H, hg, ln.gamma, ln.beta, ln.y, ln.mean, ln.rstd) },
    { name: `layerNormBackward (${B}×4×${H})`, run: () => be.layerNormBackward(B, 4, H, dpre, hg, ln.mean, ln.rstd, ln.gamma, ln.y, db, bias) },
    { name: `rnnForward tanh (${B}×${H})`, run: () => be.rnnForward('tanh', B, H, xg.subarray(0, B * H), hg.subarray(0, B * H), h, null, hOut) },
    { name: `lstmForward (${B}×${H})`, run: () => be.lstmForward(B, H, xg, hg, h, c, null, gates, cOut, hOut) },
    { name: `lstmBackward (${B}×${H})`, run: () => be.lstmBackward(B, H, gates, c, cOut, dh, dc, null, dpre, dhPrev) },
    { name: `gruForward (${B}×${H})`, run: () => be.gruForward(B, H, xg.subarray(0, g3), hg.subarray(0, g3), h, null, gates.subarray(0, g3), hOut) },
    { name: `gruBackward (${B}×${H})`, run: () => be.gruBackward(B, H, gates.subarray(0, g3), hg.subarray(0, g3), h, dh, null, dpre.subarray(0, g3), xg.subarray(0, g3), dhPrev) },
    { name: `synthetic LSTM training step (B=${B}, T=${T}, I=${I}, H=${H})`, run: step, slow: true },
  ];
}

// Other processes share this machine's CPUs, so backends are timed round-robin (each op on every backend
// in turn, several rounds) and the minimum of each is reported, both as wall-clock time and as the CPU
// time this process used (all its threads, so llvmpipe's render threads count for headlessgl). Under
// load the CPU time is the steadier figure; on a quiet machine the two agree for single-threaded modes.
const candidates: Array<Exclude<BackendName, 'auto'>> = ['reference', 'reference64', 'wasm', 'gpu.js:cpu', 'gpu.js:webasm', 'gpu.js:headlessgl'];
const availability = availableBackends();
const bound = new Map<string, Op[]>();
for (const name of candidates) {
  const a = availability.find((x) => x.name === name);
  if (!a?.available) {
    console.log(`${name}: unavailable (${a?.reason ?? 'not probed'})`);
    continue;
  }
  const { backend } = createBackend(name);
  bound.set(`${name} [${backend.info.mode}]`, ops(backend));
}
const names = [...bound.keys()];
const wall = new Map<string, number[]>(names.map((n) => [n, []]));
const cpu = new Map<string, number[]>(names.map((n) => [n, []]));
const opCount = bound.get(names[0])?.length ?? 0;
for (let i = 0; i < opCount; i++) {
  const slow = bound.get(names[0])![i].slow === true;
  const rounds = quick ? (slow ? 1 : 3) : (slow ? 3 : 15);
  for (const n of names) bound.get(n)![i].run(); // warm-up: compiles GPU.js kernels
  const bestWall = new Map<string, number>(names.map((n) => [n, Infinity]));
  const bestCpu = new Map<string, number>(names.map((n) => [n, Infinity]));
  for (let r = 0; r < rounds; r++) {
    for (const n of names) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      bound.get(n)![i].run();
      const w = performance.now() - t0;
      const c = process.cpuUsage(c0);
      bestWall.set(n, Math.min(bestWall.get(n)!, w));
      bestCpu.set(n, Math.min(bestCpu.get(n)!, (c.user + c.system) / 1000));
    }
  }
  for (const n of names) {
    wall.get(n)!.push(bestWall.get(n)!);
    cpu.get(n)!.push(bestCpu.get(n)!);
  }
  console.error(`measured ${bound.get(names[0])![i].name}`);
}

const load = loadavg().map((l) => l.toFixed(1)).join(' ');
for (const [title, table] of [['CPU', cpu], ['wall-clock', wall]] as const) {
  console.log(`\nminimum ${title} ms per call; ${new Date().toISOString()}; node ${process.version}; load average ${load}`);
  console.log(['op', ...names].join(' | '));
  console.log(['---', ...names.map(() => '---:')].join(' | '));
  bound.get(names[0])?.forEach((op, i) => {
    console.log([op.name, ...names.map((n) => table.get(n)![i].toFixed(3))].join(' | '));
  });
}

/**
 * Would GPU.js pipelining pay inside the backend? lstmForward's two kernels on headlessgl, with the gates
 * read back and uploaded again (what the backend does: the caller needs them anyway) versus handed to the
 * state kernel as a pipeline texture and read back afterwards. Minimum wall ms over round-robin rounds.
 */
if (availability.find((a) => a.name === 'gpu.js:headlessgl')?.available) {
  const gpu = new GPU({ mode: 'headlessgl' });
  const BH = B * H;
  const make = (src: string, n: number, pipeline: boolean) =>
    gpu.createKernel(src, { output: [n], precision: 'single', dynamicArguments: true, pipeline });
  const fill = (n: number) => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
  const xg = fill(4 * BH), hg = fill(4 * BH), hp = fill(BH), cp = fill(BH), noMask = new Float32Array(1);
  const gates = make(lstmGatesSource, 4 * BH, false), gatesPiped = make(lstmGatesSource, 4 * BH, true);
  const state = make(lstmStateSource, 2 * BH, false), statePiped = make(lstmStateSource, 2 * BH, false);
  const variants: Record<string, () => void> = {
    'gates read back, then uploaded to the state kernel': () => {
      state(gates(xg, hg, H) as Float32Array, hp, cp, noMask, 0, H, B);
    },
    'gates passed as a pipeline texture, read back after': () => {
      const t = gatesPiped(xg, hg, H) as unknown as Texture;
      statePiped(t, hp, cp, noMask, 0, H, B);
      t.toArray();
    },
  };
  const best = new Map<string, number>();
  for (const f of Object.values(variants)) f();
  for (let r = 0; r < (quick ? 5 : 30); r++) {
    for (const [name, f] of Object.entries(variants)) {
      const t0 = performance.now();
      f();
      best.set(name, Math.min(best.get(name) ?? Infinity, performance.now() - t0));
    }
  }
  console.log(`\nheadlessgl lstmForward (${B}×${H}), minimum wall ms`);
  for (const [name, ms] of best) console.log(`${name}: ${ms.toFixed(3)}`);
}
