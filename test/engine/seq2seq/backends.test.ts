// The sequence-to-sequence model on the WASM SIMD backend (float32) against the float64 reference: loss, every
// gradient, greedy decoding and beam search, for every attention type, the stepwise path (input feeding) included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWasmBackend } from '../../../src/engine/backends/wasm';
import { Seq2SeqModel } from '../../../src/engine/seq2seq/model';
import { seq2seqBatch, seq2seqModel, seq2seqSpec } from './helpers';

const wasm = createWasmBackend();

for (const attention of ['additive', 'dot', 'general', 'none'] as const)
  for (const inputFeeding of attention === 'none' ? [false] : [false, true]) {
    test(`wasm matches the float64 reference: ${attention}${inputFeeding ? ', input feeding' : ''}`, () => {
      const spec = seq2seqSpec({ cell: 'lstm', hiddenSize: 9, numLayers: 2, bidirectional: attention !== 'dot', decoder: { attention, inputFeeding, vocabSize: 7, maxLength: 9 } });
      const ref = seq2seqModel(spec, 4, 0.5);
      for (const p of ref.params) p.value.set(p.value.map(Math.fround));
      const mine = new Seq2SeqModel(spec, wasm);
      mine.params.forEach((p, i) => p.value.set(ref.params[i].value));
      const batch = seq2seqBatch(spec, 5, 7, 6, 8, [7, 3, 5, 1, 6], [6, 2, 4, 6, 1]);
      const opts = { train: true, tbptt: null, teacherForcing: 0.7, dropoutRandom: (() => { let k = 0; return () => [0.1, 0.9, 0.3, 0.8, 0.2][k++ % 5]; }) };
      ref.zeroGrad();
      mine.zeroGrad();
      const want = ref.forwardBackward(batch, 'cross_entropy', { ...opts, dropoutRandom: opts.dropoutRandom() }).loss;
      const got = mine.forwardBackward(batch, 'cross_entropy', { ...opts, dropoutRandom: opts.dropoutRandom() }).loss;
      assert.ok(Math.abs(got - want) <= 1e-5 * Math.abs(want), `loss ${got} vs ${want}`);
      ref.params.forEach((p, i) => {
        const g = mine.params[i].grad;
        let scale = 1e-3;
        for (const v of p.grad) scale = Math.max(scale, Math.abs(v));
        for (let j = 0; j < g.length; j++) {
          const err = Math.abs(g[j] - p.grad[j]);
          if (!(err <= 2e-5 * scale + 1e-4 * Math.abs(p.grad[j]))) assert.fail(`${p.name}.grad[${j}] = ${g[j]}, reference ${p.grad[j]}`);
        }
      });
      assert.deepEqual(mine.decodeGreedy(batch, { maxLength: 9 }).tokens, ref.decodeGreedy(batch, { maxLength: 9 }).tokens);
      const src = batch.tokens!.slice(0, 7);
      const beam = (m: Seq2SeqModel) => m.decodeBeam(src, { beam: 3, maxLength: 9, lengthNormalization: 1 }).map((h) => h.tokens.join(','));
      assert.deepEqual(beam(mine), beam(ref));
    });
  }
