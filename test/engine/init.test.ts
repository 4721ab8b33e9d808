import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReferenceBackend } from '../../src/engine/backends/reference';
import { fillOrthogonal, initialize, type InitParam } from '../../src/engine/init';
import { createModel } from '../../src/engine/model';
import { Rng } from '../../src/engine/rng';
import type { InitSpec, ModelSpec } from '../../src/engine/spec';

const H = 4;
const I = 3;

function lstmSpec(over: Partial<ModelSpec> = {}): ModelSpec {
  return {
    cell: 'lstm', transformer: null, variant: 'resetAfter', nonlinearity: 'tanh', inputSize: I, hiddenSize: H, numLayers: 2,
    bidirectional: true, dropout: 0, residual: false, layerNorm: true, embedding: { vocabSize: 400, dim: I },
    head: { output: 'attention', size: 2, activation: 'none' }, ...over,
  };
}

/** The parameter list model.ts creates for a spec, as PyTorch names them. */
function paramsFor(spec: ModelSpec): InitParam[] {
  const G = spec.cell === 'lstm' ? 4 : spec.cell === 'gru' ? 3 : 1;
  const out: InitParam[] = [];
  const add = (name: string, shape: number[]) => out.push({ name, shape, value: new Float64Array(shape.reduce((a, b) => a * b, 1)) });
  if (spec.embedding) add('embedding.weight', [spec.embedding.vocabSize, spec.embedding.dim]);
  const dirs = spec.bidirectional ? ['', '_reverse'] : [''];
  const inp = spec.embedding ? spec.embedding.dim : spec.inputSize;
  for (let k = 0; k < spec.numLayers; k++) {
    for (const d of dirs) {
      add(`rnn.weight_ih_l${k}${d}`, [G * H, k === 0 ? inp : H * dirs.length]);
      add(`rnn.weight_hh_l${k}${d}`, [G * H, H]);
      add(`rnn.bias_ih_l${k}${d}`, [G * H]);
      add(`rnn.bias_hh_l${k}${d}`, [G * H]);
      if (spec.layerNorm) for (const kind of ['ih', 'hh']) {
        add(`rnn.ln_${kind}_l${k}${d}.weight`, [G * H]);
        add(`rnn.ln_${kind}_l${k}${d}.bias`, [G * H]);
      }
    }
  }
  if (spec.head.output === 'attention') {
    add('attention.weight', [1, H * dirs.length]);
    add('attention.bias', [1]);
  }
  add('head.weight', [spec.head.size, H * dirs.length]);
  add('head.bias', [spec.head.size]);
  return out;
}

const maxAbs = (b: ArrayLike<number>) => Array.from(b).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const byName = (ps: InitParam[], name: string) => ps.find((p) => p.name === name)!.value;
const init = (scheme: InitSpec['scheme'], forgetBias: number | null = null): InitSpec => ({ scheme, forgetBias });

/** Row-major rows×cols block g (of H rows) of a weight. */
function block(p: InitParam, g: number): Float64Array {
  const cols = p.shape[1];
  return Float64Array.from(p.value.subarray(g * H * cols, (g + 1) * H * cols));
}

test('pytorch scheme: rnn.* in U(±1/√H), Linear in U(±1/√fan_in), embedding N(0,1), layer norm 1 and 0', () => {
  const ps = paramsFor(lstmSpec());
  initialize(ps, lstmSpec(), init('pytorch'), new Rng(1));
  for (const p of ps) {
    if (/^rnn\.(weight|bias)_/.test(p.name)) {
      const m = maxAbs(p.value);
      assert.ok(m <= 1 / Math.sqrt(H) && m > 0.3 / Math.sqrt(H), `${p.name} max ${m}`);
    }
  }
  assert.ok(maxAbs(byName(ps, 'head.weight')) <= 1 / Math.sqrt(2 * H));
  assert.ok(maxAbs(byName(ps, 'head.bias')) <= 1 / Math.sqrt(2 * H));
  assert.ok(maxAbs(byName(ps, 'attention.weight')) <= 1 / Math.sqrt(2 * H));
  const emb = Array.from(byName(ps, 'embedding.weight'));
  const mean = emb.reduce((a, b) => a + b, 0) / emb.length;
  const variance = emb.reduce((a, b) => a + (b - mean) ** 2, 0) / emb.length;
  assert.ok(Math.abs(mean) < 0.1 && Math.abs(variance - 1) < 0.15, `embedding mean ${mean} var ${variance}`);
  assert.ok(Array.from(byName(ps, 'rnn.ln_ih_l1_reverse.weight')).every((v) => v === 1));
  assert.ok(Array.from(byName(ps, 'rnn.ln_hh_l0.bias')).every((v) => v === 0));
});

test('xavier scheme: Glorot bound per gate block, zero biases', () => {
  const spec = lstmSpec({ layerNorm: false });
  const ps = paramsFor(spec);
  initialize(ps, spec, init('xavier'), new Rng(2));
  for (const p of ps) {
    if (/^rnn\.weight_/.test(p.name)) {
      const bound = Math.sqrt(6 / (H + p.shape[1]));
      for (let g = 0; g < 4; g++) {
        const m = maxAbs(block(p, g));
        assert.ok(m <= bound && m > 0.4 * bound, `${p.name} block ${g}: max ${m}, bound ${bound}`);
      }
    }
    if (/^rnn\.bias_/.test(p.name)) assert.ok(p.value.every((v) => v === 0), p.name);
  }
});

function assertOrthonormalColumns(q: Float64Array, rows: number, cols: number, what: string): void {
  for (let a = 0; a < cols; a++) {
    for (let b = 0; b < cols; b++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += q[r * cols + a] * q[r * cols + b];
      assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-12, `${what}: (QᵀQ)[${a},${b}] = ${dot}`);
    }
  }
}

test('orthogonal scheme: every recurrent gate block satisfies QᵀQ = I; input weights xavier; biases 0', () => {
  const spec = lstmSpec({ cell: 'gru', layerNorm: false });
  const ps = paramsFor(spec);
  initialize(ps, spec, init('orthogonal'), new Rng(3));
  for (const p of ps) {
    if (/^rnn\.weight_hh/.test(p.name)) for (let g = 0; g < 3; g++) assertOrthonormalColumns(block(p, g), H, H, `${p.name} block ${g}`);
    if (/^rnn\.weight_ih/.test(p.name)) assert.ok(maxAbs(p.value) <= Math.sqrt(6 / (H + p.shape[1])), p.name);
    if (/^rnn\.bias_/.test(p.name)) assert.ok(p.value.every((v) => v === 0), p.name);
  }
});

test('fillOrthogonal handles tall and wide matrices (orthonormal columns or rows)', () => {
  const tall = new Float64Array(7 * 3);
  fillOrthogonal(tall, 7, 3, new Rng(4));
  assertOrthonormalColumns(tall, 7, 3, 'tall 7×3');
  const wide = new Float64Array(2 * 5);
  fillOrthogonal(wide, 2, 5, new Rng(5));
  const transposed = new Float64Array(10);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 5; j++) transposed[j * 2 + i] = wide[i * 5 + j];
  assertOrthonormalColumns(transposed, 5, 2, 'wide 2×5 (rows)');
});

test('identity scheme: W_hh as torch.nn.init.eye_ (I in the first gate block, 0 below), W_ih xavier, biases 0', () => {
  // torch.nn.init.eye_(torch.empty(3 * H, H)) puts ones at (i, i) for i < H and zeros everywhere else (checked with
  // PyTorch 1.13): a relu RNN (one block) starts as the IRNN of Le et al. 2015; a GRU's r block is I, its z and n blocks 0.
  const eye = Array.from({ length: H * H }, (_, k) => (Math.floor(k / H) === k % H ? 1 : 0));
  for (const cell of ['rnn', 'gru'] as const) {
    const spec = lstmSpec({ cell, layerNorm: false, bidirectional: false, embedding: null });
    const ps = paramsFor(spec);
    initialize(ps, spec, init('identity'), new Rng(8));
    for (const p of ps) {
      if (/^rnn\.weight_hh/.test(p.name)) {
        assert.deepEqual(Array.from(block(p, 0)), eye, `${cell} ${p.name} first block`);
        for (let g = 1; g < p.shape[0] / H; g++) assert.ok(block(p, g).every((v) => v === 0), `${cell} ${p.name} block ${g}`);
      }
      if (/^rnn\.weight_ih/.test(p.name)) assert.ok(maxAbs(p.value) > 0 && maxAbs(p.value) <= Math.sqrt(6 / (H + p.shape[1])), p.name);
      if (/^rnn\.bias_/.test(p.name)) assert.ok(p.value.every((v) => v === 0), p.name);
    }
  }
});

test('recurrentGain multiplies W_hh after any scheme (orthogonal_(gain) gives WᵀW = gain²·I) and nothing else', () => {
  const spec = lstmSpec({ cell: 'rnn', layerNorm: false, bidirectional: false, embedding: null });
  for (const scheme of ['pytorch', 'xavier', 'orthogonal', 'identity'] as const) {
    const plain = paramsFor(spec);
    initialize(plain, spec, init(scheme), new Rng(9));
    const gained = paramsFor(spec);
    initialize(gained, spec, { ...init(scheme), recurrentGain: 2.5 }, new Rng(9));
    plain.forEach((p, i) => {
      const expected = Array.from(p.value, (v) => (/^rnn\.weight_hh/.test(p.name) ? 2.5 * v : v));
      assert.deepEqual(Array.from(gained[i].value), expected, `${scheme} ${p.name}`);
    });
  }
  const ps = paramsFor(spec);
  initialize(ps, spec, { ...init('orthogonal'), recurrentGain: 2 }, new Rng(10));
  const w = byName(ps, 'rnn.weight_hh_l0');
  for (let a = 0; a < H; a++) for (let b = 0; b < H; b++) {
    let dot = 0;
    for (let r = 0; r < H; r++) dot += w[r * H + a] * w[r * H + b];
    assert.ok(Math.abs(dot - (a === b ? 4 : 0)) < 1e-12, `(WᵀW)[${a},${b}] = ${dot}`);
  }
});

test('forgetBias sets bias_ih forget block and zeroes bias_hh forget block (LSTM only)', () => {
  const spec = lstmSpec({ layerNorm: false });
  const ps = paramsFor(spec);
  initialize(ps, spec, init('pytorch', 1), new Rng(6));
  for (const p of ps) {
    const m = /^rnn\.bias_(ih|hh)/.exec(p.name);
    if (!m) continue;
    assert.deepEqual(Array.from(p.value.subarray(H, 2 * H)), new Array(H).fill(m[1] === 'ih' ? 1 : 0), p.name);
    assert.ok(maxAbs(p.value.subarray(0, H)) > 0, `${p.name} input gate keeps the scheme's values`);
  }
  const gru = lstmSpec({ cell: 'gru', layerNorm: false });
  const gps = paramsFor(gru);
  initialize(gps, gru, init('xavier', 1), new Rng(6));
  assert.ok(byName(gps, 'rnn.bias_ih_l0').every((v) => v === 0), 'GRU ignores forgetBias');
});

test('initialization is deterministic in the seed', () => {
  const spec = lstmSpec();
  const run = (seed: number) => {
    const ps = paramsFor(spec);
    initialize(ps, spec, init('orthogonal'), new Rng(seed));
    return ps.map((p) => Array.from(p.value));
  };
  assert.deepEqual(run(11), run(11));
  assert.notDeepEqual(run(11), run(12));
});

test('unknown parameter names and wrong gate shapes are reported', () => {
  const spec = lstmSpec();
  assert.throws(() => initialize([{ name: 'rnn.mystery', shape: [2], value: new Float64Array(2) }], spec, init('pytorch'), new Rng(1)), /no initialization rule for parameter "rnn.mystery"/);
  assert.throws(() => initialize([{ name: 'rnn.weight_hh_l0', shape: [12, 4], value: new Float64Array(48) }], spec, init('xavier'), new Rng(1)), /rnn.weight_hh_l0: expected shape \[16, \*\]/);
});

test('the Transformer starts as PyTorch initializes it, whatever the scheme: xavier in_proj_weight, zero attention biases, Linear bounds, unit norms, N(0,1) positions', () => {
  const d = 16, F = 24;
  const spec: ModelSpec = {
    ...lstmSpec({ cell: 'transformer', hiddenSize: d, bidirectional: false, layerNorm: false, embedding: null, head: { output: 'all', size: 2, activation: 'none' } }),
    transformer: { heads: 4, feedForward: F, activation: 'gelu', normFirst: true, positional: 'learned', maxLength: 300, causal: true },
  };
  const model = createModel(spec, createReferenceBackend('float64'));
  for (const scheme of ['pytorch', 'orthogonal'] as const) {
    initialize(model.params, spec, init(scheme, 1), new Rng(9));
    const v = (name: string) => model.param(name).value;
    const near = (m: number, bound: number, what: string) => assert.ok(m <= bound && m > 0.8 * bound, `${what}: max ${m}, bound ${bound}`);
    near(maxAbs(v('transformer.layers.1.self_attn.in_proj_weight')), Math.sqrt(6 / (4 * d)), 'in_proj_weight');
    for (const name of ['transformer.layers.0.self_attn.in_proj_bias', 'transformer.layers.1.self_attn.out_proj.bias', 'transformer.norm.bias', 'transformer.layers.0.norm2.bias'])
      assert.ok(v(name).every((x) => x === 0), name);
    assert.ok(v('transformer.layers.0.norm1.weight').every((x) => x === 1));
    near(maxAbs(v('transformer.layers.0.self_attn.out_proj.weight')), 1 / Math.sqrt(d), 'out_proj.weight');
    near(maxAbs(v('transformer.layers.0.linear1.bias')), 1 / Math.sqrt(d), 'linear1.bias');
    near(maxAbs(v('transformer.layers.1.linear2.weight')), 1 / Math.sqrt(F), 'linear2.weight');
    near(maxAbs(v('input_proj.weight')), 1 / Math.sqrt(spec.inputSize), 'input_proj.weight');
    const pos = Array.from(v('pos_embedding.weight'));
    const mean = pos.reduce((a, b) => a + b, 0) / pos.length;
    const variance = pos.reduce((a, b) => a + (b - mean) ** 2, 0) / pos.length;
    assert.ok(Math.abs(mean) < 0.05 && Math.abs(variance - 1) < 0.1, `pos_embedding mean ${mean} var ${variance}`);
  }
  // Layers are drawn independently.
  assert.notDeepEqual(Array.from(model.param('transformer.layers.0.linear1.weight').value), Array.from(model.param('transformer.layers.1.linear1.weight').value));
});
