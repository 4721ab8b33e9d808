// Decoding (greedy and beam search), probes and the agreement of the decoder's two execution paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Batch } from '../../../src/engine/model';
import { createModel } from '../../../src/engine/model';
import { createReferenceBackend } from '../../../src/engine/backends/reference';
import { Seq2SeqModel } from '../../../src/engine/seq2seq/model';
import { seq2seqBatch, seq2seqModel, seq2seqSpec } from './helpers';

function sources(T: number, B: number, seed: number): Batch {
  const spec = seq2seqSpec();
  return seq2seqBatch(spec, B, T, 2, seed);
}

test('beam search with width 1 finds exactly the greedy sequence and its log-probability, for every attention type', () => {
  for (const attention of ['additive', 'dot', 'general', 'none'] as const)
    for (const inputFeeding of attention === 'none' ? [false] : [false, true]) {
      const spec = seq2seqSpec({ cell: 'lstm', numLayers: 2, decoder: { attention, inputFeeding, maxLength: 7 } });
      const model = seq2seqModel(spec, 3, 1.2);
      const src = sources(5, 4, 9);
      const greedy = model.decodeGreedy(src, { maxLength: 7 });
      for (let b = 0; b < src.B; b++) {
        const one = { ...src, B: 1, tokens: src.tokens!.slice(b * src.T, (b + 1) * src.T) };
        for (const alpha of [0, 1]) {
          const [best] = model.decodeBeam(one.tokens, { beam: 1, maxLength: 7, lengthNormalization: alpha });
          assert.deepEqual(best.tokens, greedy.tokens[b], `${attention} feeding=${inputFeeding} sequence ${b} α=${alpha}`);
          assert.ok(Math.abs(best.logProb - greedy.logProbs[b]) < 1e-12);
        }
        assert.ok(greedy.tokens[b].length <= 7, 'greedy stops at maxLength');
      }
    }
});

/**
 * A decoder that is a bigram table: attention "none", a tanh RNN with W_hh = 0, so step t's state (and logits)
 * depend only on the token fed in. Greedy takes A (p .55) then the end token (p .4): p = .22. The better sequence
 * starts with the less likely B (p .45), which ends with p .99: .4455. Tokens: 0 pad, 1 start, 2 end, 3 A, 4 B.
 */
function bigramModel(): Seq2SeqModel {
  const V = 5;
  const spec = seq2seqSpec({ cell: 'rnn', hiddenSize: V, decoder: { attention: 'none', embeddingDim: V, vocabSize: V, maxLength: 6 } });
  const model = new Seq2SeqModel(spec, createReferenceBackend('float64'));
  const tiny = 1e-6;
  const table: Record<number, number[]> = {
    1: [tiny, tiny, tiny, 0.55, 0.45], 3: [tiny, tiny, 0.4, 0.3, 0.3], 4: [tiny, tiny, 0.99, tiny, 0.01],
  };
  for (const p of model.params) p.value.fill(0);
  const emb = model.param('decoder.embedding.weight').value;
  const wih = model.param('decoder.rnn.weight_ih_l0').value;
  for (let i = 0; i < V; i++) {
    emb[i * V + i] = 3;
    wih[i * V + i] = 1;
  }
  const out = model.param('decoder.out.weight').value; // [V, H]: logits_j = Σ_i W[j, i]·h_i with h = tanh(3)·onehot(prev)
  for (const [prev, probs] of Object.entries(table))
    probs.forEach((pj, j) => { out[j * V + Number(prev)] = Math.log(pj) / Math.tanh(3); });
  return model;
}

test('beam search finds a better-scored sequence than greedy on a constructed bigram decoder', () => {
  const model = bigramModel();
  const src = Int32Array.of(0, 5, 2);
  const greedy = model.decodeGreedy({ B: 1, T: 3, x: null, tokens: src, lengths: null, y: new Int32Array(0) }, { maxLength: 6 });
  assert.deepEqual(greedy.tokens[0], [3, 2], 'greedy: A, then end');
  const beams = model.decodeBeam(src, { beam: 2, maxLength: 6, lengthNormalization: 0 });
  assert.deepEqual(beams[0].tokens, [4, 2], 'beam: B, then end');
  assert.ok(Math.abs(beams[0].logProb - Math.log(0.45 * 0.99)) < 1e-3, `beam log p ${beams[0].logProb}`);
  assert.ok(beams[0].logProb > greedy.logProbs[0] + 0.5, `beam ${beams[0].logProb} vs greedy ${greedy.logProbs[0]}`);
  assert.deepEqual(beams[1].tokens, [3, 2], 'the greedy sequence is the runner-up');
  assert.ok(beams.every((h) => h.finished));
  // Length normalization ranks by mean log-probability: α = 1 divides by the lengths (both 2 here, same order).
  const normalized = model.decodeBeam(src, { beam: 2, maxLength: 6, lengthNormalization: 1 });
  assert.ok(Math.abs(normalized[0].score - normalized[0].logProb / 2) < 1e-12);
});

test('a probe decodes greedily and records target × source attention weights that sum to 1 over the valid source', () => {
  const spec = seq2seqSpec({ bidirectional: true, decoder: { attention: 'general', maxLength: 6 } });
  const model = seq2seqModel(spec);
  const batch = seq2seqBatch(spec, 2, 4, 3, 7, [4, 2]);
  const r = model.probe(batch);
  assert.equal(r.alignments!.length, 2);
  assert.equal(r.traces.length, 2 * 2, 'encoder gate traces: 2 sequences × 2 directions');
  const greedy = model.decodeGreedy(batch, { maxLength: 6 });
  r.alignments!.forEach((a, b) => {
    assert.deepEqual(a.target, greedy.tokens[b]);
    assert.deepEqual(a.source, Array.from(batch.tokens!.subarray(b * 4, b * 4 + [4, 2][b])));
    assert.equal(a.weights.length, a.target.length);
    for (const row of a.weights) {
      assert.equal(row.length, [4, 2][b]);
      assert.ok(Math.abs(row.reduce((x, y) => x + y, 0) - 1) < 1e-12);
    }
  });
  const none = seq2seqModel(seq2seqSpec({ decoder: { attention: 'none' } }));
  assert.ok(none.probe(batch).alignments!.every((a) => a.weights.length === 0), 'no attention, no weights');
});

test('the decoder run step by step gives the loss and gradients of the all-steps path (teacher forcing throughout)', () => {
  const spec = seq2seqSpec({ cell: 'lstm', numLayers: 2, bidirectional: true, decoder: { attention: 'additive' } });
  const batch = seq2seqBatch(spec, 3, 4, 5, 3, [4, 2, 3], [5, 2, 3]);
  const run = (teacherForcing: number) => {
    const model = seq2seqModel(spec);
    model.zeroGrad();
    const loss = model.forwardBackward(batch, 'cross_entropy', { train: true, tbptt: null, teacherForcing, dropoutRandom: () => 0.5 }).loss;
    return { loss, grads: model.params.map((p) => Float64Array.from(p.grad)) };
  };
  const all = run(1);
  const stepwise = run(0.999); // every draw (0.5) < 0.999: each step fed the reference, one step at a time
  assert.ok(Math.abs(all.loss - stepwise.loss) < 1e-13);
  all.grads.forEach((g, i) => g.forEach((v, j) => assert.ok(Math.abs(v - stepwise.grads[i][j]) < 1e-12, `param ${i}[${j}]`)));
});

test('createModel builds a sequence-to-sequence model from a spec with a decoder, and bad specs are refused by name', () => {
  const be = createReferenceBackend('float64');
  assert.ok(createModel(seq2seqSpec(), be) instanceof Seq2SeqModel);
  assert.throws(() => createModel(seq2seqSpec({ bidirectional: true, decoder: { attention: 'dot' } }), be), /dot attention needs encoder outputs as wide as the decoder state/);
  assert.throws(() => createModel(seq2seqSpec({ decoder: { attention: 'none', inputFeeding: true } }), be), /input feeding .* needs attention/);
  assert.throws(() => createModel(seq2seqSpec({ decoder: { endToken: 9 } }), be), /decoder.endToken 9 is outside the target vocabulary 0..4/);
  const model = seq2seqModel(seq2seqSpec());
  const batch = seq2seqBatch(model.spec, 2, 3, 2);
  assert.throws(() => model.forwardBackward({ ...batch, target: undefined }, 'cross_entropy', { train: true, tbptt: null }), /needs batch.target/);
  assert.throws(() => model.forwardBackward(batch, 'mse', { train: true, tbptt: null }), /trains on cross_entropy/);
  assert.throws(() => model.forwardBackward({ ...batch, y: Int32Array.from(batch.y as Int32Array, () => 7) }, 'cross_entropy', { train: true, tbptt: null }),
    /target token 7 at sequence 0, step 0 is outside the target vocabulary/);
});

test('parameter names follow the documented PyTorch module layout', () => {
  const names = (over: Parameters<typeof seq2seqSpec>[0]) => seq2seqModel(seq2seqSpec(over)).params.map((p) => `${p.name}[${p.shape.join(',')}]`);
  assert.deepEqual(names({ cell: 'lstm', bidirectional: true, decoder: { attention: 'additive', inputFeeding: true } }), [
    'encoder.embedding.weight[6,3]',
    'encoder.rnn.weight_ih_l0[12,3]', 'encoder.rnn.weight_hh_l0[12,3]', 'encoder.rnn.bias_ih_l0[12]', 'encoder.rnn.bias_hh_l0[12]',
    'encoder.rnn.weight_ih_l0_reverse[12,3]', 'encoder.rnn.weight_hh_l0_reverse[12,3]', 'encoder.rnn.bias_ih_l0_reverse[12]', 'encoder.rnn.bias_hh_l0_reverse[12]',
    'bridge.weight[3,6]', 'bridge.bias[3]', 'bridge_c.weight[3,6]', 'bridge_c.bias[3]',
    'decoder.embedding.weight[5,2]',
    'decoder.rnn.weight_ih_l0[12,5]', 'decoder.rnn.weight_hh_l0[12,3]', 'decoder.rnn.bias_ih_l0[12]', 'decoder.rnn.bias_hh_l0[12]',
    'decoder.attention.query.weight[3,3]', 'decoder.attention.key.weight[3,6]', 'decoder.attention.key.bias[3]', 'decoder.attention.v.weight[1,3]',
    'decoder.combine.weight[3,9]', 'decoder.combine.bias[3]', 'decoder.out.weight[5,3]', 'decoder.out.bias[5]',
  ]);
  assert.ok(names({ decoder: { attention: 'dot' } }).every((n) => !n.startsWith('decoder.attention.')));
  assert.deepEqual(names({ decoder: { attention: 'general' } }).filter((n) => n.startsWith('decoder.attention.')), ['decoder.attention.key.weight[3,3]']);
  assert.ok(!names({ decoder: { attention: 'none' } }).some((n) => n.startsWith('decoder.combine') || n.startsWith('bridge')));
});

test('every initialization scheme has a rule for every sequence-to-sequence parameter, the LSTM forget bias included', async () => {
  const { initialize } = await import('../../../src/engine/init');
  const { Rng } = await import('../../../src/engine/rng');
  for (const attention of ['additive', 'dot', 'general', 'none'] as const)
    for (const scheme of ['pytorch', 'xavier', 'orthogonal'] as const) {
      const spec = seq2seqSpec({ cell: 'lstm', bidirectional: attention !== 'dot', decoder: { attention } });
      const model = new Seq2SeqModel(spec, createReferenceBackend('float64'));
      initialize(model.params, spec, { scheme, forgetBias: 1 }, new Rng(1));
      for (const p of model.params) if (!/bias/.test(p.name)) assert.ok(p.value.some((v) => v !== 0), `${p.name} (${scheme}) left at zero`);
      const b = model.param('decoder.rnn.bias_ih_l0').value;
      assert.ok(b.subarray(3, 6).every((v) => v === 1), 'forget bias set in the decoder too');
    }
});
