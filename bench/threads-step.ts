// The LSTM training step (bench/seqlab.ts's Model + Trainer: B=32, T=64, 16 inputs, Adam) on the wasm backend with
// one thread and with every core (up to 8), interleaved in one process: each round runs one step of each in
// alternating order; the figure is the median over rounds of the wall-clock ms per step. Then PyTorch's step
// (bench/torch_step.py at 1 and 2 threads, the faster OpenBLAS kernel, as `npm run bench` measures it) for the same
// sizes, in the same run. Load averages before and after: the development machine is a shared 2-vCPU VM.
//   npx tsx bench/threads-step.ts [--rounds N] [--no-torch] [H …]      (default H: 128 256 512)
import { setFlagsFromString } from 'node:v8';
import { loadavg } from 'node:os';
import { createWasmBackend, type WasmBackend } from '../src/engine/backends/wasm';
import { gemmHelpers, threadPlan } from '../src/runner/backends/gemmPool';
import { config } from './configs';
import { measureTorch, torchAvailable } from './others';
import { trainingStep } from './seqlab';
import { median } from './timing';

setFlagsFromString('--experimental-wasm-relaxed-simd');

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/** PyTorch's best ms per step over 1 and 2 threads, with the thread count, or why there is none. */
function torchBest(id: string, c: ReturnType<typeof config>): string {
  const runs = [1, 2].map((threads) => ({ threads, ms: measureTorch([c], threads, 4000).results[id].ms }));
  const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  return `${runs.map((r) => `${r.threads}t ${r.ms.toFixed(1)}`).join(', ')} → best ${best.ms.toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const arg = (name: string) => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : undefined; };
  const rounds = Number(arg('--rounds') ?? 9);
  const sizes = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--rounds').map(Number);
  const { threads } = threadPlan(0);
  const backends: WasmBackend[] = [createWasmBackend(), createWasmBackend({ helpers: gemmHelpers(threads - 1) })];
  while (backends[1].threadStats().ready < threads) await new Promise((r) => setTimeout(r, 5));
  const torch = !process.argv.includes('--no-torch') && torchAvailable().ok;
  console.log(`LSTM step B=32 T=64 I=16, Adam, wasm ${backends[0].info.mode}: median wall ms of ${rounds} interleaved rounds; load average before: ${load()}`);
  const rows: string[] = [];
  for (const H of sizes.length ? sizes : [128, 256, 512]) {
    const c = config('lstm', 64, H);
    const steps = backends.map((be) => trainingStep(c, be));
    steps.forEach((s) => { s(); s(); }); // warmup
    const ms: number[][] = [[], []];
    for (let r = 0; r < rounds; r++) {
      for (const i of r % 2 ? [1, 0] : [0, 1]) {
        const t0 = performance.now();
        steps[i]();
        ms[i].push(performance.now() - t0);
      }
    }
    const [m1, mN] = ms.map(median);
    const row = `H ${String(H).padStart(4)}: 1 thread ${m1.toFixed(1).padStart(7)} ms, ${threads} threads ${mN.toFixed(1).padStart(7)} ms, ${(m1 / mN).toFixed(2)}×`;
    rows.push(row);
    console.log(row + (torch ? `; PyTorch ${torchBest(c.id, c)}` : ''));
  }
  console.log(`load average after: ${load()}${torch ? '' : ' (PyTorch not measured)'}`);
  backends[1].destroy();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
