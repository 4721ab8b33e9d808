// Where a sequence-to-sequence training step spends its time, op by op, on the WASM backend: every Backend call
// timed, gemm split by shape, averaged over 5 steps after a warmup step. (The per-sequence attention products are the
// gemm rows with m = U or S = 20.) Run: npx tsx bench/seq2seq-ops.ts
import { createWasmBackend } from '../src/engine/backends/wasm';
import { initialize } from '../src/engine/init';
import type { Batch } from '../src/engine/model';
import { Rng } from '../src/engine/rng';
import { Seq2SeqModel } from '../src/engine/seq2seq/model';
import { Trainer } from '../src/engine/trainer';
import { SEQ2SEQ, seq2seqSpec, SEQ2SEQ_TRAIN } from './seq2seq';
import { timedBackend } from './timedBackend';

const STEPS = 5;
const { backend, stats } = timedBackend(createWasmBackend());
const c = SEQ2SEQ;
const spec = seq2seqSpec(c);
const model = new Seq2SeqModel(spec, backend);
const rng = new Rng(1);
initialize(model.params, spec, { scheme: 'pytorch', forgetBias: null }, rng);
const trainer = new Trainer<Batch>(model, SEQ2SEQ_TRAIN, rng.fork('dropout'));
const tokens = Int32Array.from({ length: c.B * c.S }, () => 3 + rng.int(c.V - 3));
const y = Int32Array.from({ length: c.B * c.U }, (_, i) => (i % c.U === c.U - 1 ? 2 : 3 + rng.int(c.V - 3)));
const batch: Batch = { B: c.B, T: c.S, x: null, tokens, lengths: null, y, target: { steps: c.U, lengths: null } };
trainer.step(batch);
stats.clear();
const t0 = performance.now();
for (let i = 0; i < STEPS; i++) trainer.step(batch);
const total = (performance.now() - t0) / STEPS;
const ops = [...stats].map(([k, s]) => ({ k, ms: s.ms / STEPS, calls: s.calls / STEPS })).sort((a, b) => b.ms - a.ms);
const inOps = ops.reduce((a, o) => a + o.ms, 0);
console.log(`${c.id}: ${total.toFixed(1)} ms per step, ${inOps.toFixed(1)} ms in backend ops (the rest: JavaScript)`);
for (const o of ops) console.log(`${o.k.padEnd(28)} ${o.ms.toFixed(2).padStart(8)} ms ${((100 * o.ms) / total).toFixed(1).padStart(5)}%  ${String(o.calls).padStart(5)} calls`);
