// What the wasm thread team costs in CPU, not only what it saves in wall time: a training step of a small model (the
// end-to-end test's GRU, B=32 T=24 H=32, whose step has one mid-sized product) and of the LSTM at H=128, on one thread
// and on every core, with the process's CPU time (every thread) per step beside the wall time. --other <checkout>:
// also that checkout's team. Rounds take a block of steps of each variant in turn (CPU time is per process, so a
// block's CPU time is its variant's, give or take a helper of the block before still spinning); medians over rounds.
//   npx tsx bench/team-cpu.ts [--other <checkout>]…
import { setFlagsFromString } from 'node:v8';
import { join, resolve } from 'node:path';
import { createWasmBackend, type WasmBackend } from '../src/engine/backends/wasm';
import { gemmHelpers, threadPlan } from '../src/runner/backends/gemmPool';
import { config } from './configs';
import { trainingStep } from './seqlab';
import { median } from './timing';

setFlagsFromString('--experimental-wasm-relaxed-simd');

/** Steps per block, and rounds. */
const BLOCK: Record<string, number> = { small: 100, lstm128: 5 };
const ROUNDS = 9;

async function ready(be: WasmBackend, threads: number): Promise<WasmBackend> {
  while (be.threadStats().ready < threads) await new Promise((r) => setTimeout(r, 5));
  return be;
}

/** One block of `steps` steps: wall and CPU ms per step. */
function block(step: () => void, steps: number): [number, number] {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const cpu = process.cpuUsage(cpu0);
  return [(performance.now() - t0) / steps, (cpu.user + cpu.system) / 1000 / steps];
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
  const backends: WasmBackend[] = [];
  for (const [, make] of variants) backends.push(await make());
  for (const [key, c] of [['small', config('gru', 24, 32)], ['lstm128', config('lstm', 64, 128)]] as const) {
    const steps = backends.map((be) => trainingStep(c, be));
    steps.forEach((s) => block(s, BLOCK[key]));
    const wall: number[][] = steps.map(() => []), cpu: number[][] = steps.map(() => []);
    for (let r = 0; r < ROUNDS; r++) {
      for (let j = 0; j < steps.length; j++) {
        const i = (j + r) % steps.length;
        const [w, u] = block(steps[i], BLOCK[key]);
        wall[i].push(w);
        cpu[i].push(u);
      }
    }
    variants.forEach(([name], i) => console.log(`${name.padEnd(40)} ${c.id.padEnd(22)} ${median(wall[i]).toFixed(3).padStart(8)} ms/step wall ${median(cpu[i]).toFixed(3).padStart(8)} ms/step CPU`));
  }
  backends.forEach((be) => be.destroy());
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
