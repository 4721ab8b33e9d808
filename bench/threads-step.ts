// The LSTM training step (bench/seqlab.ts's Model + Trainer: B=32, T=64, 16 inputs, Adam) on the wasm backend with
// one thread and with every core (up to 8), interleaved in one process: each round runs one step of each in
// alternating order; the figure is the median over rounds of the wall-clock ms per step. Then PyTorch's step
// (bench/torch_step.py at 1 and 2 threads, the faster OpenBLAS kernel, as `npm run bench` measures it) for the same
// sizes, in the same run. With the row-wise kernel calls the team split per step (a step makes 64 forward and 64
// backward cell calls, and 66 addRowVector). Load averages before and after: the development machine is a shared 2-vCPU VM.
// --other <checkout>: also that checkout's wasm backend with every core, in the same rounds (an A/B of the threads).
//   npx tsx bench/threads-step.ts [--rounds N] [--no-torch] [--other <checkout>] [H …]      (default H: 128 256 512)
// <checkout>: a folder holding src/ of another commit, e.g. `git worktree add /tmp/base <commit>`.
import { setFlagsFromString } from 'node:v8';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
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
  const other = arg('--other');
  const sizes = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !['--rounds', '--other'].includes(all[i - 1])).map(Number);
  const { threads } = threadPlan(0);
  const backends: WasmBackend[] = [createWasmBackend(), createWasmBackend({ helpers: gemmHelpers(threads - 1) })];
  if (other) {
    const root = resolve(other, 'src');
    const wasm = (await import(join(root, 'engine/backends/wasm/index.ts'))) as typeof import('../src/engine/backends/wasm');
    const pool = (await import(join(root, 'runner/backends/gemmPool.ts'))) as typeof import('../src/runner/backends/gemmPool');
    backends.push(wasm.createWasmBackend({ helpers: pool.gemmHelpers(threads - 1) }));
  }
  for (const be of backends.slice(1)) while (be.threadStats().ready < threads) await new Promise((r) => setTimeout(r, 5));
  const torch = !process.argv.includes('--no-torch') && torchAvailable().ok;
  console.log(`LSTM step B=32 T=64 I=16, Adam, wasm ${backends[0].info.mode}: median wall ms of ${rounds} interleaved rounds; load average before: ${load()}`);
  const rows: string[] = [];
  for (const H of sizes.length ? sizes : [128, 256, 512]) {
    const c = config('lstm', 64, H);
    const steps = backends.map((be) => trainingStep(c, be));
    steps.forEach((s) => { s(); s(); }); // warmup
    const ms: number[][] = backends.map(() => []);
    const rowJobs0 = backends[1].threadStats().rowJobs;
    for (let r = 0; r < rounds; r++) {
      const order = backends.map((_, i) => (i + r) % backends.length);
      for (const i of order) {
        const t0 = performance.now();
        steps[i]();
        ms[i].push(performance.now() - t0);
      }
    }
    const [m1, mN, mOther] = ms.map(median);
    const rowJobs = (backends[1].threadStats().rowJobs - rowJobs0) / rounds;
    const row = `H ${String(H).padStart(4)}: 1 thread ${m1.toFixed(1).padStart(7)} ms, ${threads} threads ${mN.toFixed(1).padStart(7)} ms, ${(m1 / mN).toFixed(2)}×`
      + ` (${rowJobs.toFixed(0)} row-wise calls split per step)`
      + (other ? `; ${other} ${threads} threads ${mOther.toFixed(1).padStart(7)} ms, this tree ${(mOther / mN).toFixed(2)}× faster` : '');
    rows.push(row);
    console.log(row + (torch ? `; PyTorch ${torchBest(c.id, c)}` : ''));
  }
  console.log(`load average after: ${load()}${torch ? '' : ' (PyTorch not measured)'}`);
  backends.forEach((be) => be.destroy());
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
