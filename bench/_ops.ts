import { createWasmBackend } from '../src/engine/backends/wasm';
import { initialize } from '../src/engine/init';
import { Rng } from '../src/engine/rng';
import { Seq2SeqModel } from '../src/engine/seq2seq/model';
import { Trainer } from '../src/engine/trainer';
import { SEQ2SEQ, seq2seqSpec } from './seq2seq';
const be = createWasmBackend();
const stats = new Map<string, { n: number; ms: number }>();
const wrapped: any = { ...be };
for (const k of Object.keys(be) as (keyof typeof be)[]) {
  const f = (be as any)[k];
  if (typeof f !== 'function' || k === 'alloc') continue;
  wrapped[k] = (...a: unknown[]) => { const t = performance.now(); const r = f(...a); const key = k === 'gemm' ? `gemm ${a.slice(0, 5).join(',')} ${(a[5] as any).buffer === (a[7] as any).buffer}` : k; const s = stats.get(key) ?? { n: 0, ms: 0 }; s.n++; s.ms += performance.now() - t; stats.set(key, s); return r; };
}
const c = SEQ2SEQ;
const spec = seq2seqSpec(c);
const model = new Seq2SeqModel(spec, wrapped);
const rng = new Rng(1);
initialize(model.params, spec, { scheme: 'pytorch', forgetBias: null }, rng);
const trainer = new Trainer(model, { loss: 'cross_entropy', optimizer: { type: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, schedule: { type: 'constant' }, clip: { maxNorm: null, maxValue: null }, tbptt: null }, rng.fork('d'));
const tokens = Int32Array.from({ length: c.B * c.S }, () => 3 + rng.int(c.V - 3));
const y = Int32Array.from({ length: c.B * c.U }, (_, i) => (i % c.U === c.U - 1 ? 2 : 3 + rng.int(c.V - 3)));
const batch = { B: c.B, T: c.S, x: null, tokens, lengths: null, y, target: { steps: c.U, lengths: null } };
trainer.step(batch); stats.clear();
const t0 = performance.now();
for (let i = 0; i < 5; i++) trainer.step(batch);
console.log('ms/step', ((performance.now() - t0) / 5).toFixed(1));
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) console.log(k.padEnd(24), (s.ms / 5).toFixed(2).padStart(8), 'ms/step', String(s.n / 5).padStart(6), 'calls');
