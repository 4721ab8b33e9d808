// Where an LSTM training step (bench/seqlab.ts's model and Trainer, B=32, T=64, 16 inputs, Adam) spends its time on the
// WASM backend as the hidden size grows: every Backend call timed, gemm split by shape with its GFLOP/s, averaged over
// the measured steps after a warmup step.
//   npx tsx bench/ops-by-size.ts [--relaxed] [H …]     (default H: 128 512; --relaxed: the relaxed-SIMD kernels)
import { setFlagsFromString } from 'node:v8';
import type { Backend } from '../src/engine/backend';
import { createWasmBackend, type WasmFlavour } from '../src/engine/backends/wasm';
import { initialize } from '../src/engine/init';
import { createModel, type Batch } from '../src/engine/model';
import { Rng } from '../src/engine/rng';
import { Trainer } from '../src/engine/trainer';
import { config } from './configs';
import { modelSpec, TRAIN } from './seqlab';

const STEPS = 3;
const flavour: WasmFlavour = process.argv.includes('--relaxed') ? 'relaxed-simd' : 'simd128';
if (flavour === 'relaxed-simd') setFlagsFromString('--experimental-wasm-relaxed-simd');

function profile(H: number): void {
  const c = config('lstm', 64, H);
  const be = createWasmBackend({ flavour });
  const stats = new Map<string, { calls: number; ms: number; flops: number }>();
  const timed = { ...be } as Record<string, unknown>;
  for (const [name, f] of Object.entries(be)) {
    if (typeof f !== 'function' || name === 'alloc') continue;
    timed[name] = (...a: unknown[]) => {
      const t0 = performance.now();
      (f as (...x: unknown[]) => void)(...a);
      const ms = performance.now() - t0;
      const gemm = name === 'gemm';
      const key = gemm ? `gemm ${a[0] ? 'T' : 'N'}${a[1] ? 'T' : 'N'} ${a[2]}×${a[3]}×${a[4]}` : name;
      const s = stats.get(key) ?? { calls: 0, ms: 0, flops: 0 };
      s.calls++;
      s.ms += ms;
      if (gemm) s.flops += 2 * (a[2] as number) * (a[3] as number) * (a[4] as number);
      stats.set(key, s);
    };
  }
  const spec = modelSpec(c);
  const model = createModel(spec, timed as unknown as Backend);
  const rng = new Rng(1);
  initialize(model.params, spec, { scheme: 'pytorch', forgetBias: null }, rng);
  const trainer = new Trainer<Batch>(model, TRAIN, rng.fork('dropout'));
  const x = be.alloc(c.B * c.T * c.I), y = be.alloc(c.B * c.T);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform() * 2 - 1;
  for (let i = 0; i < y.length; i++) y[i] = rng.uniform() * 2 - 1;
  const batch: Batch = { B: c.B, T: c.T, x, tokens: null, lengths: null, y };
  trainer.step(batch);
  stats.clear();
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) trainer.step(batch);
  const total = (performance.now() - t0) / STEPS;
  const ops = [...stats].map(([k, s]) => ({ k, ms: s.ms / STEPS, calls: s.calls / STEPS, flops: s.flops / STEPS })).sort((a, b) => b.ms - a.ms);
  const inOps = ops.reduce((acc, o) => acc + o.ms, 0);
  const flops = ops.reduce((acc, o) => acc + o.flops, 0);
  console.log(`${c.id} (${flavour}): ${total.toFixed(1)} ms per step, ${inOps.toFixed(1)} ms in backend ops, gemm ${(flops / 1e9).toFixed(2)} GFLOP (${(flops / 1e6 / total).toFixed(1)} GFLOP/s over the step)`);
  for (const o of ops) {
    const rate = o.flops ? `${(o.flops / 1e6 / o.ms).toFixed(1).padStart(6)} GFLOP/s` : '';
    console.log(`  ${o.k.padEnd(30)} ${o.ms.toFixed(2).padStart(8)} ms ${((100 * o.ms) / total).toFixed(1).padStart(5)}%  ${String(o.calls).padStart(5)} calls ${rate}`);
  }
}

const sizes = process.argv.slice(2).filter((a) => a !== '--relaxed').map(Number).filter((n) => Number.isInteger(n) && n > 0);
for (const H of sizes.length ? sizes : [128, 512]) profile(H);
