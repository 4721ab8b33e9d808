// Model structure and semantics beyond gradient correctness: PyTorch's parameter layout, determinism,
// gradient flow, allocation behaviour, inference paths, probes and input validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReferenceBackend } from '../../src/engine/backends/reference';
import { RecurrentModel, graphSteps } from '../../src/engine/recurrentModel';
import type { Batch } from '../../src/engine/model';
import { fixedDropout, gradCheck, makeBatch, makeModel, makeSpec } from './helpers/models';
import { truncatedObjective } from './helpers/truncated';
import { countAllocs } from './helpers/counting';
import { TestRandom, maxRelError } from './helpers/random';

const layout = (m: RecurrentModel) => m.params.map((p) => [p.name, p.shape] as [string, number[]]);

test('model: parameters follow torch nn.LSTM(3, 4, num_layers=2, bidirectional=True) state_dict order and shapes', () => {
  const spec = makeSpec({ cell: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, head: { size: 2 } });
  assert.deepEqual(layout(new RecurrentModel(spec, createReferenceBackend('float64'))), [
    // as printed by torch 1.13 for the nn.LSTM above
    ['rnn.weight_ih_l0', [16, 3]], ['rnn.weight_hh_l0', [16, 4]], ['rnn.bias_ih_l0', [16]], ['rnn.bias_hh_l0', [16]],
    ['rnn.weight_ih_l0_reverse', [16, 3]], ['rnn.weight_hh_l0_reverse', [16, 4]], ['rnn.bias_ih_l0_reverse', [16]], ['rnn.bias_hh_l0_reverse', [16]],
    ['rnn.weight_ih_l1', [16, 8]], ['rnn.weight_hh_l1', [16, 4]], ['rnn.bias_ih_l1', [16]], ['rnn.bias_hh_l1', [16]],
    ['rnn.weight_ih_l1_reverse', [16, 8]], ['rnn.weight_hh_l1_reverse', [16, 4]], ['rnn.bias_ih_l1_reverse', [16]], ['rnn.bias_hh_l1_reverse', [16]],
    ['head.weight', [2, 8]], ['head.bias', [2]],
  ]);
});

test('model: embedding, GRU, attention head and layer-norm parameters are named and placed as documented', () => {
  const spec = makeSpec({ cell: 'gru', hiddenSize: 2, layerNorm: true, embedding: { vocabSize: 7, dim: 5 }, head: { output: 'attention', size: 3 } });
  assert.deepEqual(layout(new RecurrentModel(spec, createReferenceBackend('float32'))), [
    ['embedding.weight', [7, 5]],
    ['rnn.weight_ih_l0', [6, 5]], ['rnn.weight_hh_l0', [6, 2]], ['rnn.bias_ih_l0', [6]], ['rnn.bias_hh_l0', [6]],
    ['rnn.ln_ih_l0.weight', [6]], ['rnn.ln_ih_l0.bias', [6]], ['rnn.ln_hh_l0.weight', [6]], ['rnn.ln_hh_l0.bias', [6]],
    ['attention.weight', [1, 2]], ['attention.bias', [1]],
    ['head.weight', [3, 2]], ['head.bias', [3]],
  ]);
  const m = new RecurrentModel(spec, createReferenceBackend('float32'));
  assert.ok(m.param('head.bias').value instanceof Float32Array);
  assert.throws(() => m.param('rnn.weight_ih_l1'), /no parameter "rnn\.weight_ih_l1"/);
});

test('model: the same inputs twice give bit-identical losses and gradients', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    const spec = makeSpec({ cell: 'lstm', numLayers: 2, bidirectional: true, layerNorm: true, dropout: 0.3, head: { output: 'all' } });
    const model = makeModel(spec, 3, 0.6, dtype);
    const batch = makeBatch(spec, 'mse', 3, 5, 2, [5, 3, 4]);
    const run = () => {
      model.zeroGrad();
      const r = model.forwardBackward(batch, 'mse', { train: true, tbptt: null, dropoutRandom: fixedDropout(4)(), gradFlow: true });
      return { loss: r.loss, flow: Array.from(r.gradFlow!), grads: model.params.map((p) => Array.from(p.grad)) };
    };
    assert.deepEqual(run(), run());
  }
});

test('model: gradients accumulate across calls until zeroGrad', () => {
  const spec = makeSpec({ cell: 'gru' });
  const model = makeModel(spec);
  const batch = makeBatch(spec, 'mse', 2, 3);
  model.zeroGrad();
  model.forwardBackward(batch, 'mse', { train: false, tbptt: null });
  const once = Array.from(model.param('rnn.weight_hh_l0').grad);
  model.forwardBackward(batch, 'mse', { train: false, tbptt: null });
  assert.deepEqual(Array.from(model.param('rnn.weight_hh_l0').grad), once.map((v) => 2 * v));
  model.zeroGrad();
  assert.ok(model.params.every((p) => p.grad.every((v) => v === 0)));
});

/**
 * An independent bidirectional tanh RNN (one layer, head "all", mse) in plain doubles, with a perturbation
 * δ added to every hidden state after it is computed, so ∂L/∂δ_t is the total derivative of h_t.
 */
function rnnLossWithPerturbation(model: RecurrentModel, batch: Batch, delta: Float64Array[]): number {
  const { B, T } = batch;
  const { hiddenSize: H, inputSize: I, bidirectional } = model.spec;
  const size = model.spec.head.size;
  const v = (n: string) => model.param(n).value;
  const len = (b: number) => (batch.lengths ? batch.lengths[b] : T);
  const dirs = bidirectional ? 2 : 1;
  const D = dirs * H;
  const out = new Float64Array(B * T * D); // batch-first
  for (let d = 0; d < dirs; d++) {
    const sfx = d ? '_reverse' : '';
    const wih = v(`rnn.weight_ih_l0${sfx}`), whh = v(`rnn.weight_hh_l0${sfx}`), bih = v(`rnn.bias_ih_l0${sfx}`), bhh = v(`rnn.bias_hh_l0${sfx}`);
    for (let b = 0; b < B; b++) {
      let h = new Float64Array(H);
      for (let s = 0; s < T; s++) {
        const t = d ? T - 1 - s : s;
        const next = new Float64Array(H);
        for (let i = 0; i < H; i++) {
          if (t >= len(b)) next[i] = h[i]; // padding carries the state
          else {
            let a = bih[i] + bhh[i];
            for (let j = 0; j < I; j++) a += wih[i * I + j] * batch.x![(b * T + t) * I + j];
            for (let j = 0; j < H; j++) a += whh[i * H + j] * h[j];
            next[i] = Math.tanh(a);
          }
          next[i] += delta[d][(t * B + b) * H + i];
          out[(b * T + t) * D + d * H + i] = next[i];
        }
        h = next;
      }
    }
  }
  const W = v('head.weight'), bias = v('head.bias');
  let sum = 0, n = 0;
  for (let b = 0; b < B; b++)
    for (let t = 0; t < len(b); t++)
      for (let k = 0; k < size; k++) {
        let z = bias[k];
        for (let j = 0; j < D; j++) z += W[k * D + j] * out[(b * T + t) * D + j];
        sum += (z - batch.y[(b * T + t) * size + k]) ** 2;
        n++;
      }
  return sum / n;
}

for (const bidirectional of [false, true])
  test(`model: gradFlow is ‖∂L/∂h_t‖ of the top layer, matching finite differences of a perturbed h_t (${bidirectional ? 'bidirectional' : 'unidirectional'}, ragged)`, () => {
    const spec = makeSpec({ cell: 'rnn', bidirectional, hiddenSize: 3, head: { output: 'all' } });
    const model = makeModel(spec, 8, 0.8);
    const batch = makeBatch(spec, 'mse', 2, 5, 4, [5, 3]);
    model.zeroGrad();
    const { loss, gradFlow } = model.forwardBackward(batch, 'mse', { train: false, tbptt: null, gradFlow: true });
    const { B, T } = batch;
    const H = spec.hiddenSize;
    const delta = [new Float64Array(T * B * H), new Float64Array(T * B * H)];
    assert.ok(Math.abs(rnnLossWithPerturbation(model, batch, delta) - loss) < 1e-14, 'the independent forward pass agrees');
    const sq = new Float64Array(T);
    for (let d = 0; d < (bidirectional ? 2 : 1); d++)
      for (let i = 0; i < T * B * H; i++) {
        const h = 1e-6;
        delta[d][i] = h;
        const fp = rnnLossWithPerturbation(model, batch, delta);
        delta[d][i] = -h;
        const fm = rnnLossWithPerturbation(model, batch, delta);
        delta[d][i] = 0;
        sq[Math.floor(i / (B * H))] += ((fp - fm) / (2 * h)) ** 2;
      }
    assert.ok(gradFlow && gradFlow.length === T);
    assert.ok(maxRelError(gradFlow, sq.map(Math.sqrt)) < 1e-6, `${Array.from(gradFlow)} vs ${Array.from(sq.map(Math.sqrt))}`);
  });

test('model: gradFlow of a small-weight tanh RNN decays going back in time', () => {
  const spec = makeSpec({ cell: 'rnn', hiddenSize: 4 });
  const model = makeModel(spec, 9, 0.15);
  const T = 30;
  const batch = makeBatch(spec, 'mse', 2, T);
  const { gradFlow } = model.forwardBackward(batch, 'mse', { train: false, tbptt: null, gradFlow: true });
  for (let t = 0; t < T - 1; t++) assert.ok(gradFlow![t] < gradFlow![t + 1], `step ${t}`);
  assert.ok(gradFlow![0] < 1e-8 * gradFlow![T - 1]);
});

test('model: with tbptt, gradFlow is computed per chunk (no gradient crosses a chunk boundary)', () => {
  const spec = makeSpec({ cell: 'lstm' });
  const model = makeModel(spec);
  const batch = makeBatch(spec, 'mse', 2, 7);
  const full = model.forwardBackward(batch, 'mse', { train: false, tbptt: null, gradFlow: true }).gradFlow!;
  const chunked = model.forwardBackward(batch, 'mse', { train: false, tbptt: 3, gradFlow: true }).gradFlow!;
  // head "last": only the final chunk (step 6) has a loss term, so earlier chunks see no gradient
  assert.deepEqual(Array.from(chunked.subarray(0, 6)), [0, 0, 0, 0, 0, 0]);
  assert.equal(chunked[6], full[6]);
  assert.ok(full[5] > 0);
});

test('model: tbptt forward values equal the full pass (state is carried), so the loss is unchanged', () => {
  for (const cell of ['rnn', 'gru', 'lstm'] as const) {
    const spec = makeSpec({ cell, numLayers: 2, head: { output: 'all' } });
    const model = makeModel(spec);
    const batch = makeBatch(spec, 'mse', 3, 7, 1, [7, 4, 6]);
    const full = model.forwardBackward(batch, 'mse', { train: false, tbptt: null }).loss;
    for (const k of [1, 2, 3, 7, 50]) {
      const chunked = model.forwardBackward(batch, 'mse', { train: false, tbptt: k }).loss;
      assert.ok(Math.abs(chunked - full) < 1e-14, `${cell} k=${k}`);
    }
    assert.ok(Math.abs(model.evaluate(batch, 'mse') - full) < 1e-15);
  }
});

test('model: a training step allocates no backend buffer after the first one', () => {
  const counting = countAllocs(createReferenceBackend('float32'));
  const spec = makeSpec({ cell: 'gru', numLayers: 2, bidirectional: true, layerNorm: true, dropout: 0.2, head: { output: 'all' } });
  const model = new RecurrentModel(spec, counting.backend);
  new TestRandom(1).fill(model.param('rnn.weight_hh_l0').value);
  const batch = makeBatch(spec, 'mse', 3, 7);
  const step = () => model.forwardBackward(batch, 'mse', { train: true, tbptt: 3, dropoutRandom: () => 0.5, gradFlow: true });
  step();
  const afterFirst = counting.allocs();
  assert.ok(afterFirst > 0);
  step();
  step();
  assert.equal(counting.allocs(), afterFirst);
});

test('model: dropout is applied only in training, with inverted scaling, and needs a random source', () => {
  const spec = makeSpec({ cell: 'rnn', numLayers: 2, dropout: 0.5 });
  const model = makeModel(spec);
  const batch = makeBatch(spec, 'mse', 3, 4);
  const evalLoss = model.evaluate(batch, 'mse');
  assert.equal(model.forwardBackward(batch, 'mse', { train: false, tbptt: null }).loss, evalLoss);
  // every draw ≥ p keeps every unit, scaled by 1/(1−p) = 2: equal to doubling layer 0's output
  const kept = model.forwardBackward(batch, 'mse', { train: true, tbptt: null, dropoutRandom: () => 0.9 }).loss;
  const doubled = makeModel(makeSpec({ cell: 'rnn', numLayers: 2 }));
  doubled.params.forEach((p, i) => p.value.set(model.params[i].value));
  const w = doubled.param('rnn.weight_ih_l1').value;
  for (let i = 0; i < w.length; i++) w[i] *= 2;
  assert.ok(Math.abs(doubled.evaluate(batch, 'mse') - kept) < 1e-14);
  // every draw < p drops everything: layer 1 sees zeros
  const dropped = model.forwardBackward(batch, 'mse', { train: true, tbptt: null, dropoutRandom: () => 0.1 }).loss;
  const zeroed = makeModel(makeSpec({ cell: 'rnn', numLayers: 2 }));
  zeroed.params.forEach((p, i) => p.value.set(model.params[i].value));
  zeroed.param('rnn.weight_ih_l1').value.fill(0);
  assert.ok(Math.abs(zeroed.evaluate(batch, 'mse') - dropped) < 1e-14);
  assert.throws(() => model.forwardBackward(batch, 'mse', { train: true, tbptt: null }), /dropoutRandom/);
});

test('model: residual adds each stacked layer\'s input to its output', () => {
  // With layer 1's weights and biases all zero, a tanh layer outputs 0, so y_1 = input = y_0.
  const spec = makeSpec({ cell: 'rnn', numLayers: 2, residual: true });
  const model = makeModel(spec);
  for (const n of ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']) model.param(`rnn.${n}_l1`).value.fill(0);
  const single = makeModel(makeSpec({ cell: 'rnn', numLayers: 1 }));
  for (const p of single.params) p.value.set(model.param(p.name).value);
  const batch = makeBatch(spec, 'mse', 2, 4);
  assert.deepEqual(Array.from(model.predict(batch).data), Array.from(single.predict(batch).data));
});

test('model: predict applies the output activation and returns batch-first shapes', () => {
  const spec = makeSpec({ cell: 'gru', head: { output: 'all', size: 3, activation: 'softmax' } });
  const model = makeModel(spec);
  const batch = makeBatch(spec, 'cross_entropy', 2, 4);
  const { data, shape } = model.predict(batch);
  assert.deepEqual(shape, [2, 4, 3]);
  for (let r = 0; r < 8; r++) {
    const row = Array.from(data.subarray(r * 3, r * 3 + 3));
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12 && row.every((v) => v > 0));
  }
  // sequence 1's step 2 from batch-first data equals a prediction on that sequence alone
  const one: Batch = { B: 1, T: 4, x: batch.x!.subarray(12, 24), tokens: null, lengths: null, y: new Int32Array(4) };
  const single = model.predict(one).data;
  assert.ok(maxRelError(data.subarray((4 + 2) * 3, (4 + 3) * 3), single.subarray(2 * 3, 3 * 3)) < 1e-14);
  const sig = makeModel(makeSpec({ head: { activation: 'sigmoid' } }));
  const p = sig.predict(makeBatch(sig.spec, 'bce', 3, 2));
  assert.deepEqual(p.shape, [3, 2]);
  assert.ok(Array.from(p.data).every((v) => v > 0 && v < 1));
});

test('model: the last head picks each sequence\'s last valid step; padding does not change any result', () => {
  const spec = makeSpec({ cell: 'lstm', bidirectional: true });
  const model = makeModel(spec);
  const batch = makeBatch(spec, 'mse', 2, 5, 3, [3, 5]);
  const base = model.predict(batch).data;
  // garbage in the padded steps of sequence 0 changes nothing
  const x = Float64Array.from(batch.x!);
  for (let t = 3; t < 5; t++) for (let j = 0; j < 3; j++) x[t * 3 + j] = 100;
  assert.deepEqual(Array.from(model.predict({ ...batch, x }).data), Array.from(base));
  // and sequence 0 alone, truncated to its length, gives the same output
  const alone: Batch = { B: 1, T: 3, x: batch.x!.subarray(0, 9), tokens: null, lengths: null, y: new Float64Array(2) };
  assert.ok(maxRelError(model.predict(alone).data, base.subarray(0, 2)) < 1e-14);
});

test('model: probe reports gates and states that satisfy each cell\'s recurrence', () => {
  const B = 2, T = 4;
  for (const [cell, variant] of [['lstm', 'resetAfter'], ['gru', 'resetAfter'], ['gru', 'resetBefore'], ['rnn', 'resetAfter']] as const) {
    const spec = makeSpec({ cell, variant, numLayers: 2, bidirectional: true, hiddenSize: 3 });
    const model = makeModel(spec);
    const batch = makeBatch(spec, 'mse', B, T, 6, [4, 2]);
    const { traces } = model.probe(batch);
    assert.equal(traces.length, B * 2 * 2);
    assert.deepEqual(traces.slice(0, 4).map((t) => [t.sequence, t.layer, t.direction]),
      [[0, 0, 'forward'], [0, 0, 'reverse'], [0, 1, 'forward'], [0, 1, 'reverse']]);
    for (const tr of traces) {
      const steps = batch.lengths![tr.sequence];
      assert.equal(tr.T, steps);
      assert.equal(tr.cell, cell);
      const names = cell === 'lstm' ? ['i', 'f', 'g', 'o', 'h', 'c'] : cell === 'gru' ? ['r', 'z', 'n', 'h'] : ['h'];
      assert.deepEqual(Object.keys(tr.values), names);
      for (const n of names) assert.equal(tr.values[n].length, steps * 3, `${n} is T×H`);
      const at = (n: string, t: number, j: number) => tr.values[n][t * 3 + j];
      const order = Array.from({ length: steps }, (_, s) => (tr.direction === 'forward' ? s : steps - 1 - s));
      order.forEach((t, s) => {
        const prev = s === 0 ? null : order[s - 1];
        for (let j = 0; j < 3; j++) {
          const hp = prev === null ? 0 : at('h', prev, j);
          let want = at('h', t, j);
          if (cell === 'lstm') {
            const cp = prev === null ? 0 : at('c', prev, j);
            assert.ok(Math.abs(at('c', t, j) - (at('f', t, j) * cp + at('i', t, j) * at('g', t, j))) < 1e-14);
            want = at('o', t, j) * Math.tanh(at('c', t, j));
          } else if (cell === 'gru' && variant === 'resetAfter') want = (1 - at('z', t, j)) * at('n', t, j) + at('z', t, j) * hp;
          else if (cell === 'gru') want = (1 - at('z', t, j)) * hp + at('z', t, j) * at('n', t, j);
          assert.ok(Math.abs(at('h', t, j) - want) < 1e-14, `${cell}/${variant} ${tr.direction} t=${t}`);
        }
      });
    }
  }
});

test('model: float32 mode agrees with float64 to float32 precision', () => {
  const spec = makeSpec({ cell: 'lstm', numLayers: 2, bidirectional: true, layerNorm: true, head: { output: 'attention', size: 3 } });
  const m64 = makeModel(spec, 5, 0.6, 'float64');
  const m32 = makeModel(spec, 5, 0.6, 'float32');
  const batch = makeBatch(spec, 'cross_entropy', 3, 5, 7, [5, 2, 4]);
  const opts = { train: false, tbptt: null };
  m64.zeroGrad();
  m32.zeroGrad();
  const l64 = m64.forwardBackward(batch, 'cross_entropy', opts).loss;
  const l32 = m32.forwardBackward(batch, 'cross_entropy', opts).loss;
  // parameters are drawn in float64 and rounded in float32, so compare loosely
  assert.ok(Math.abs(l64 - l32) < 1e-5 * Math.abs(l64));
  m64.params.forEach((p, i) => {
    // attention.bias's gradient is 0 up to rounding (softmax ignores a common shift): nothing to compare
    if (p.name !== 'attention.bias') assert.ok(maxRelError(p.grad, m32.params[i].grad) < 1e-3, p.name);
  });
});

test('model: bad inputs fail with messages that name the problem', () => {
  const spec = makeSpec({ cell: 'gru', head: { output: 'attention', size: 3 } });
  const model = makeModel(spec);
  const batch = makeBatch(spec, 'cross_entropy', 2, 4);
  assert.throws(() => model.forwardBackward(batch, 'cross_entropy', { train: false, tbptt: 2 }), /attention/);
  assert.throws(() => model.forwardBackward({ ...batch, lengths: Int32Array.from([4, 5]) }, 'cross_entropy', { train: false, tbptt: null }), /lengths\[1\] = 5/);
  assert.throws(() => model.forwardBackward({ ...batch, y: Int32Array.from([0, 3]) }, 'cross_entropy', { train: false, tbptt: null }), /class id 3 at y\[1\]/);
  assert.throws(() => model.evaluate({ ...batch, x: new Float64Array(5) }, 'cross_entropy'), /x has 5 values, expected B·T·inputSize = 24/);
  assert.throws(() => model.evaluate(batch, 'mse'), /float targets/);
  const emb = makeModel(makeSpec({ embedding: { vocabSize: 3, dim: 2 } }));
  const eb = makeBatch(emb.spec, 'mse', 2, 3);
  assert.throws(() => emb.predict({ ...eb, tokens: Int32Array.from([0, 1, 2, 0, 3, 1]) }), /token 3 at sequence 1, step 1/);
  assert.throws(() => new RecurrentModel(makeSpec({ hiddenSize: 0 }), createReferenceBackend('float64')), /hiddenSize/);
  assert.throws(() => new RecurrentModel(makeSpec({ dropout: 1 }), createReferenceBackend('float64')), /dropout/);
});

test('model: layer norm normalizes W·x and W·h per gate block, and the biases are added after it', () => {
  const spec = makeSpec({ cell: 'lstm', hiddenSize: 4, layerNorm: true });
  const model = makeModel(spec);
  const batch = makeBatch(spec, 'mse', 2, 3);
  const withWeightsScaled = (factor: number, biasShift = 0) => {
    const m = makeModel(spec);
    for (const p of m.params) p.value.set(model.param(p.name).value);
    for (const n of ['rnn.weight_ih_l0', 'rnn.weight_hh_l0']) {
      const w = m.param(n).value;
      for (let i = 0; i < w.length; i++) w[i] *= factor;
    }
    const b = m.param('rnn.bias_ih_l0').value;
    for (let i = 0; i < 4; i++) b[i] += biasShift;
    return m.predict(batch).data;
  };
  // LN removes the scale of W_ih·x and W_hh·h (once it dwarfs eps)...
  const base = withWeightsScaled(100);
  assert.ok(maxRelError(withWeightsScaled(1000), base) < 1e-6);
  // ...but not a shift of a whole gate block of b_ih, which it would remove if applied before the bias.
  assert.ok(maxRelError(withWeightsScaled(100, 0.5), base) > 1e-3);
});

test('model: an embedding feeds its rows for the tokens, exactly as inputs x = E[token] would', () => {
  const spec = makeSpec({ cell: 'gru', embedding: { vocabSize: 5, dim: 3 } });
  const model = makeModel(spec);
  const batch = makeBatch(spec, 'mse', 2, 4);
  const plain = makeModel(makeSpec({ cell: 'gru', inputSize: 3 }));
  for (const p of plain.params) p.value.set(model.param(p.name).value);
  const E = model.param('embedding.weight').value;
  const x = new Float64Array(2 * 4 * 3);
  batch.tokens!.forEach((tok, i) => x.set(E.subarray(tok * 3, tok * 3 + 3), i * 3));
  assert.deepEqual(Array.from(plain.predict({ ...batch, x, tokens: null }).data), Array.from(model.predict(batch).data));
});

test('model: graph shapes are bucketed above 16 steps (≤ 12.5% padding, 8 shapes per doubling)', () => {
  assert.deepEqual([1, 7, 16, 17, 20, 21, 32, 33, 40, 50, 64, 65, 100].map(graphSteps), [1, 7, 16, 18, 20, 22, 32, 36, 40, 52, 64, 72, 104]);
  for (let T = 1; T <= 600; T++) {
    const g = graphSteps(T);
    assert.ok(g >= T && g <= Math.max(16, 1.125 * T), `T=${T} → ${g}`);
    assert.ok(graphSteps(T + 1) >= g, 'monotone');
  }
});

test('model: batches of varying T (ragged datasets) and repeated predictions stop allocating backend memory', () => {
  const counting = countAllocs(createReferenceBackend('float64'));
  const spec = makeSpec({ cell: 'lstm', head: { output: 'all' } });
  const model = new RecurrentModel(spec, counting.backend);
  const epoch = () => {
    for (let T = 1; T <= 70; T += 3) {
      const batch = makeBatch(spec, 'mse', 2, T, T);
      model.forwardBackward(batch, 'mse', { train: true, tbptt: null });
      model.predict(batch);
    }
  };
  epoch();
  const first = counting.allocs();
  epoch();
  epoch();
  assert.equal(counting.allocs(), first);
});

test('model: truncated BPTT with chunks longer than 16 (bucketed, padded graphs) keeps the exact truncated objective', () => {
  const spec = makeSpec({ cell: 'gru', hiddenSize: 2, head: { output: 'all' } });
  const model = makeModel(spec);
  const batch = makeBatch(spec, 'mse', 2, 40, 3, [40, 29]);
  // chunks of 17, 17, 6 steps run in graphs of 18, 18, 6: the padded tail must not take the next chunk's steps
  const objective = truncatedObjective(model, batch, 'mse', 17);
  const { loss } = model.forwardBackward(batch, 'mse', { train: false, tbptt: 17 });
  assert.equal(loss, objective());
  const { worst } = gradCheck(model, batch, 'mse', () => ({ train: false, tbptt: 17 }), objective, 6);
  for (const [name, err] of worst) assert.ok(err < 1e-6, `${name}: relative error ${err}`);
});
