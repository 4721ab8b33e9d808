// What the wasm thread team costs in CPU, not only what it saves in wall time: a training step of a small model (the
// end-to-end test's GRU, B=32 T=24 H=32, whose step has one mid-sized product) and of the LSTM at H=128, on one thread
// and on every core, with the process's CPU time (every thread) per step beside the wall time. --other <checkout>:
// also that checkout's team. Each variant runs its steps in turn (CPU time is per process, so not interleaved).
//   npx tsx bench/team-cpu.ts [--other <checkout>]…
import { setFlagsFromString } from 'node:v8';
import { join, resolve } from 'node:path';
import { createWasmBackend, type WasmBackend } from '../src/engine/backends/wasm';
import { gemmHelpers, threadPlan } from '../src/runner/backends/gemmPool';
import { config, type BenchConfig } from './configs';
import { trainingStep } from './seqlab';

setFlagsFromString('--experimental-wasm-relaxed-simd');

const STEPS: Record<string, number> = { small: 500, lstm128: 40 };

async function ready(be: WasmBackend, threads: number): Promise<WasmBackend> {
  while (be.threadStats().ready < threads) await new Promise((r) => setTimeout(r, 5));
  return be;
}

function measure(name: string, be: WasmBackend, c: BenchConfig, steps: number): void {
  const step = trainingStep(c, be);
  for (let i = 0; i < Math.max(5, steps / 10); i++) step();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const wall = (performance.now() - t0) / steps;
  const cpu = process.cpuUsage(cpu0);
  console.log(`${name.padEnd(40)} ${c.id.padEnd(22)} ${wall.toFixed(3).padStart(8)} ms/step wall ${((cpu.user + cpu.system) / 1000 / steps).toFixed(3).padStart(8)} ms/step CPU`);
}

async function main(): Promise<void> {
  const others = process.argv.flatMap((a, i, all) => (all[i - 1] === '--other' ? [a] : []));
  const { threads } = threadPlan(0);
  const variants: [string, () => Promise<WasmBackend>][] = [
    ['this tree, 1 thread', async () => createWasmBackend()],
    [`this tree, ${threads} threads`, () => ready(createWasmBackend({ helpers: gemmHelpers(threads - 1) }), threads)],
  ];
  for (const other of others) {
    const root = resolve(other, 'src');
    variants.push([`${other}, ${threads} threads`, async () => {
      const wasm = (await import(join(root, 'engine/backends/wasm/index.ts'))) as typeof import('../src/engine/backends/wasm');
      const pool = (await import(join(root, 'runner/backends/gemmPool.ts'))) as typeof import('../src/runner/backends/gemmPool');
      return ready(wasm.createWasmBackend({ helpers: pool.gemmHelpers(threads - 1) }), threads);
    }]);
  }
  for (const [key, c] of [['small', config('gru', 24, 32)], ['lstm128', config('lstm', 64, 128)]] as const) {
    for (const [name, make] of variants) {
      const be = await make();
      measure(name, be, c, STEPS[key]);
      be.destroy();
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
