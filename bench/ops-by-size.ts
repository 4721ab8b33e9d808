// Where an LSTM training step (bench/seqlab.ts's model and Trainer, B=32, T=64, 16 inputs, Adam) spends its time on the
// WASM backend as the hidden size grows: every Backend call timed, gemm split by shape with its GFLOP/s, averaged over
// the measured steps after a warmup step.
//   npx tsx bench/ops-by-size.ts [--relaxed] [H …]     (default H: 128 512; --relaxed: the relaxed-SIMD kernels)
import { setFlagsFromString } from 'node:v8';
import { createWasmBackend, type WasmBackend, type WasmFlavour } from '../src/engine/backends/wasm';
import { gemmHelpers, threadPlan } from '../src/runner/backends/gemmPool';
import { config } from './configs';
import { trainingStep } from './seqlab';
import { timedBackend } from './timedBackend';

const STEPS = 3;
const flavour: WasmFlavour = process.argv.includes('--relaxed') ? 'relaxed-simd' : 'simd128';
if (flavour === 'relaxed-simd') setFlagsFromString('--experimental-wasm-relaxed-simd');

function profile(H: number, be: WasmBackend): void {
  const i = process.argv.indexOf('--cell');
  const c = config((i >= 0 ? process.argv[i + 1] : 'lstm') as 'lstm' | 'gru' | 'rnn', 64, H);
  const { backend, stats } = timedBackend(be);
  const step = trainingStep(c, backend);
  step();
  stats.clear();
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) step();
  const total = (performance.now() - t0) / STEPS;
  const ops = [...stats].map(([k, s]) => ({ k, ms: s.ms / STEPS, calls: s.calls / STEPS, flops: s.flops / STEPS })).sort((a, b) => b.ms - a.ms);
  const inOps = ops.reduce((acc, o) => acc + o.ms, 0);
  const flops = ops.reduce((acc, o) => acc + o.flops, 0);
  console.log(`${c.id} (${flavour}, ${be.info.threads ?? 1} thread(s)): ${total.toFixed(1)} ms per step, ${inOps.toFixed(1)} ms in backend ops, gemm ${(flops / 1e9).toFixed(2)} GFLOP (${(flops / 1e6 / total).toFixed(1)} GFLOP/s over the step)`);
  for (const o of ops) {
    const rate = o.flops ? `${(o.flops / 1e6 / o.ms).toFixed(1).padStart(6)} GFLOP/s` : '';
    console.log(`  ${o.k.padEnd(30)} ${o.ms.toFixed(2).padStart(8)} ms ${((100 * o.ms) / total).toFixed(1).padStart(5)}%  ${String(o.calls).padStart(5)} calls ${rate}`);
  }
}

async function main(): Promise<void> {
  const threads = process.argv.includes('--team') ? threadPlan(0).threads : 1;
  const be = createWasmBackend({ flavour, helpers: threads > 1 ? gemmHelpers(threads - 1) : undefined });
  while (be.threadStats().ready < threads) await new Promise((r) => setTimeout(r, 5));
  const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  for (const H of sizes.length ? sizes : [128, 512]) profile(H, be);
  be.destroy();
}

void main();
