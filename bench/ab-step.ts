// A/B of wasm kernels on the real LSTM training step (bench/seqlab.ts's model and Trainer, B=32, T=64, 16 inputs,
// Adam), in one process: this tree's simd128 and relaxed-simd kernels, and optionally another checkout's wasm backend
// (its default kernels). Each round runs one step of every variant in rotating order; the figure is the median over
// rounds of the process CPU time per step (one thread, so CPU time tracks the work done even when a loaded machine
// delays the thread), with the wall-clock median beside it.
//   npx tsx bench/ab-step.ts [--other <checkout>] [--rounds N] [H …]      (default H: 128 512)
// <checkout>: a folder holding src/engine/backends/wasm/index.ts, e.g. `git archive <commit> src | tar -x -C /tmp/old`.
import { setFlagsFromString } from 'node:v8';
import { join, resolve } from 'node:path';
import type { Backend } from '../src/engine/backend';
import { createWasmBackend } from '../src/engine/backends/wasm';
import { config } from './configs';
import { trainingStep } from './seqlab';
import { median } from './timing';

setFlagsFromString('--experimental-wasm-relaxed-simd');

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const other = option('--other');
  const rounds = Number(option('--rounds') ?? 7);
  const skip = new Set([option('--other'), option('--rounds')]);
  const sizes = process.argv.slice(2).filter((a) => !a.startsWith('--') && !skip.has(a)).map(Number);
  const variants: { name: string; make: () => Backend }[] = [
    { name: 'simd128', make: () => createWasmBackend({ flavour: 'simd128' }) },
    { name: 'relaxed-simd', make: () => createWasmBackend({ flavour: 'relaxed-simd' }) },
  ];
  if (other) {
    const mod = (await import(join(resolve(other), 'src/engine/backends/wasm/index.ts'))) as { createWasmBackend: () => Backend };
    variants.unshift({ name: `other (${other})`, make: () => mod.createWasmBackend() });
  }
  for (const H of sizes.length ? sizes : [128, 512]) {
    const steps = variants.map((v) => trainingStep(config('lstm', 64, H), v.make()));
    steps.forEach((s) => s()); // warmup
    const cpu: number[][] = variants.map(() => []), wall: number[][] = variants.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (let q = 0; q < variants.length; q++) {
        const i = (q + r) % variants.length;
        const c0 = process.cpuUsage(), t0 = performance.now();
        steps[i]();
        const c = process.cpuUsage(c0);
        wall[i].push(performance.now() - t0);
        cpu[i].push((c.user + c.system) / 1000);
      }
    }
    const base = median(cpu[0]);
    console.log(`lstm B32 T64 I16 H${H}: median of ${rounds} rounds, CPU ms per step (wall ms), speed relative to ${variants[0].name}`);
    variants.forEach((v, i) => console.log(`  ${v.name.padEnd(40)} ${median(cpu[i]).toFixed(1).padStart(8)} (${median(wall[i]).toFixed(1).padStart(7)})  ${(base / median(cpu[i])).toFixed(2)}×`));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
