// Where splitting a product across threads starts to pay (PARALLEL_MIN_MADDS in src/engine/backends/wasm/index.ts):
// the LSTM step's gemm shapes (B=32, T=64, I=16) over H, on one thread and on every core (up to 8), interleaved: each
// round times one sample of each, in alternating order; the figure is the median over rounds of the wall-clock µs
// per product (wall clock: with threads, CPU time counts every thread's work). Then the same for the LSTM cell's step
// kernels, split by rows (PARALLEL_MIN_ROW_VALUES), by the values they touch. Load averages before and after.
//   npx tsx bench/gemm-threads.ts [--rounds N] [H …]      (default H: 8 16 24 32 48 64 96 128 256)
import { setFlagsFromString } from 'node:v8';
import { loadavg } from 'node:os';
import { createWasmBackend, type WasmBackend } from '../src/engine/backends/wasm';
import { gemmHelpers, threadPlan } from '../src/runner/backends/gemmPool';
import { lstmGemmShapes as shapes, type GemmShape as Shape } from './configs';
import { median } from './timing';

setFlagsFromString('--experimental-wasm-relaxed-simd');

/** A product on `be` repeated `reps` times per call; returns the µs per product. */
function timer(be: WasmBackend, s: Shape): (reps: number) => number {
  const a = be.alloc(s.m * s.k), b = be.alloc(s.k * s.n), c = be.alloc(s.m * s.n);
  a.forEach((_, i) => (a[i] = Math.sin(i)));
  b.forEach((_, i) => (b[i] = Math.cos(i)));
  return (reps) => {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) be.gemm(s.transA, s.transB, s.m, s.n, s.k, a, b, c, false);
    return ((performance.now() - t0) * 1000) / reps;
  };
}

/** The LSTM cell's forward or backward step kernel for B=32 rows of H, repeated; returns µs per call and the values it touches. */
function cellTimer(be: WasmBackend, kind: 'lstmForward' | 'lstmBackward', H: number): { time: (reps: number) => number; values: number } {
  const B = 32;
  const buf = (n: number) => { const x = be.alloc(B * n * H); x.forEach((_, i) => (x[i] = Math.sin(i) * 0.5)); return x; };
  const call = kind === 'lstmForward'
    ? ((xg, hg, hp, cp, g, c, h) => () => be.lstmForward(B, H, xg, hg, hp, cp, null, g, c, h))(buf(4), buf(4), buf(1), buf(1), buf(4), buf(1), buf(1))
    : ((g, cp, c, dh, dc, dp, dhp) => () => be.lstmBackward(B, H, g, cp, c, dh, dc, null, dp, dhp))(buf(4), buf(1), buf(1), buf(1), buf(1), buf(4), buf(1));
  return {
    values: B * H * (kind === 'lstmForward' ? 16 : 13),
    time: (reps) => {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) call();
      return ((performance.now() - t0) * 1000) / reps;
    },
  };
}

/** Medians over interleaved rounds of each timer's µs per call, at about a millisecond per sample on the first. */
function compare(t: ((reps: number) => number)[], rounds: number): number[] {
  const reps = Math.max(1, Math.round(1000 / t[0](3)));
  t.forEach((f) => f(reps));
  const us: number[][] = t.map(() => []);
  for (let r = 0; r < rounds; r++) for (const i of r % 2 ? [1, 0] : [0, 1]) us[i].push(t[i](reps));
  return us.map(median);
}

async function main(): Promise<void> {
  const arg = (name: string) => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : undefined; };
  const rounds = Number(arg('--rounds') ?? 11);
  const sizes = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--rounds').map(Number);
  const { threads } = threadPlan(0);
  const one = createWasmBackend();
  const team = createWasmBackend({ helpers: gemmHelpers(threads - 1), parallelMinMadds: 0, wakeMinMadds: 0, parallelMinRowValues: 0, wakeMinRowValues: 0 });
  while (team.threadStats().ready < threads) await new Promise((r) => setTimeout(r, 5));
  const load0 = loadavg();
  console.log(`gemm µs per product (median of ${rounds} interleaved rounds), 1 thread vs ${threads} threads, ${team.info.mode}`);
  console.log(['H', 'product', 'm×n×k', 'madds', '1 thread', `${threads} threads`, 'speed-up'].map((h, i) => h.padStart(i === 1 ? 10 : i === 2 ? 16 : 12)).join(''));
  const Hs = sizes.length ? sizes : [8, 16, 24, 32, 48, 64, 96, 128, 256];
  for (const H of Hs) {
    for (const s of shapes(H)) {
      const [u1, uN] = compare([timer(one, s), timer(team, s)], rounds);
      console.log([String(H), s.name, `${s.m}×${s.n}×${s.k}`, (s.m * s.n * s.k).toExponential(2), u1.toFixed(1), uN.toFixed(1), `${(u1 / uN).toFixed(2)}×`]
        .map((v, i) => v.padStart(i === 1 ? 10 : i === 2 ? 16 : 12)).join(''));
    }
  }
  console.log(`LSTM step kernels (B=32) µs per call, split by rows:`);
  console.log(['H', 'kernel', 'values', '1 thread', `${threads} threads`, 'speed-up'].map((h, i) => h.padStart(i === 1 ? 14 : 12)).join(''));
  for (const H of Hs) {
    for (const kind of ['lstmForward', 'lstmBackward'] as const) {
      const [a, b] = [cellTimer(one, kind, H), cellTimer(team, kind, H)];
      const [u1, uN] = compare([a.time, b.time], rounds);
      console.log([String(H), kind, a.values.toExponential(2), u1.toFixed(1), uN.toFixed(1), `${(u1 / uN).toFixed(2)}×`]
        .map((v, i) => v.padStart(i === 1 ? 14 : 12)).join(''));
    }
  }
  console.log(`load average (1, 5, 15 min): before ${load0.map((x) => x.toFixed(2)).join(' ')}, after ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  team.destroy();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
