// Where a sequence-to-sequence training step spends its time, op by op, on the WASM backend: every Backend call
// timed, gemm split by shape, averaged over 5 steps after a warmup step. (The per-sequence attention products are the
// gemm rows with m = U or S = 20.) Run: npx tsx bench/seq2seq-ops.ts
import { createWasmBackend } from '../src/engine/backends/wasm';
import { SEQ2SEQ, seq2seqStep } from './seq2seq';
import { timedBackend } from './timedBackend';

const STEPS = 5;
const { backend, stats } = timedBackend(createWasmBackend());
const c = SEQ2SEQ;
const step = seq2seqStep(c, backend);
step();
stats.clear();
const t0 = performance.now();
for (let i = 0; i < STEPS; i++) step();
const total = (performance.now() - t0) / STEPS;
const ops = [...stats].map(([k, s]) => ({ k, ms: s.ms / STEPS, calls: s.calls / STEPS })).sort((a, b) => b.ms - a.ms);
const inOps = ops.reduce((a, o) => a + o.ms, 0);
console.log(`${c.id}: ${total.toFixed(1)} ms per step, ${inOps.toFixed(1)} ms in backend ops (the rest: JavaScript)`);
for (const o of ops) console.log(`${o.k.padEnd(28)} ${o.ms.toFixed(2).padStart(8)} ms ${((100 * o.ms) / total).toFixed(1).padStart(5)}%  ${String(o.calls).padStart(5)} calls`);
