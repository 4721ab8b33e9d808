// A/B of gemm kernels at the LSTM step's product shapes (configs.ts lstmGemmShapes), one thread, in one process: this
// tree's wasm backend and another checkout's, same flavour. Each round times one sample of each, in alternating order;
// the figure is the median over rounds of the process CPU µs per product, with GFLOP/s.
//   npx tsx bench/ab-gemm.ts --other <checkout> [--simd128] [--rounds N] [H …]      (default H: 128 512)
// <checkout>: a folder holding src/engine/backends/wasm/index.ts, e.g. `git archive <commit> src | tar -x -C /tmp/old`.
import { setFlagsFromString } from 'node:v8';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { Backend } from '../src/engine/backend';
import { createWasmBackend, type WasmFlavour } from '../src/engine/backends/wasm';
import { lstmGemmShapes, type GemmShape } from './configs';
import { median } from './timing';

setFlagsFromString('--experimental-wasm-relaxed-simd');

const option = (name: string): string | undefined => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : undefined; };

/** A product on `be` repeated `reps` times per call; returns the CPU µs per product. */
function timer(be: Backend, s: GemmShape): (reps: number) => number {
  const a = be.alloc(s.m * s.k), b = be.alloc(s.k * s.n), c = be.alloc(s.m * s.n);
  a.forEach((_, i) => (a[i] = Math.sin(i)));
  b.forEach((_, i) => (b[i] = Math.cos(i)));
  return (reps) => {
    const c0 = process.cpuUsage();
    for (let r = 0; r < reps; r++) be.gemm(s.transA, s.transB, s.m, s.n, s.k, a, b, c, false);
    const u = process.cpuUsage(c0);
    return (u.user + u.system) / reps;
  };
}

async function main(): Promise<void> {
  const other = option('--other');
  if (!other) throw new Error('--other <checkout> is required');
  const rounds = Number(option('--rounds') ?? 9);
  const flavour: WasmFlavour = process.argv.includes('--simd128') ? 'simd128' : 'relaxed-simd';
  const skip = new Set([other, option('--rounds')]);
  const sizes = process.argv.slice(2).filter((a) => !a.startsWith('--') && !skip.has(a)).map(Number);
  const mod = (await import(join(resolve(other), 'src/engine/backends/wasm/index.ts'))) as { createWasmBackend: typeof createWasmBackend };
  const backends = [mod.createWasmBackend({ flavour }), createWasmBackend({ flavour })];
  console.log(`gemm CPU µs per product (median of ${rounds} interleaved rounds), ${flavour}, 1 thread: ${other} vs this tree; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const H of sizes.length ? sizes : [128, 512]) {
    for (const s of lstmGemmShapes(H)) {
      const t = backends.map((be) => timer(be, s));
      const reps = Math.max(1, Math.round(3000 / t[1](2))); // about 3 ms per sample
      // Several samples each first: a module's gemm only reaches V8's optimizing tier after some use, and the first
      // shape measured would otherwise favour whichever backend got there first.
      for (let w = 0; w < 3; w++) t.forEach((f) => f(reps));
      const us: number[][] = [[], []];
      for (let r = 0; r < rounds; r++) for (const i of r % 2 ? [1, 0] : [0, 1]) us[i].push(t[i](reps));
      const [uOld, uNew] = us.map(median);
      const gf = (u: number) => ((2 * s.m * s.n * s.k) / u / 1000).toFixed(1);
      console.log(`H ${String(H).padStart(4)} ${s.name.padEnd(10)} ${`${s.m}×${s.n}×${s.k}`.padStart(14)}: other ${uOld.toFixed(0).padStart(7)} µs ${gf(uOld).padStart(5)} GFLOP/s, this ${uNew.toFixed(0).padStart(7)} µs ${gf(uNew).padStart(5)} GFLOP/s, ${(uOld / uNew).toFixed(2)}×`);
    }
  }
  console.log(`load average after ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
