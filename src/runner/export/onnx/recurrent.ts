// The recurrent model kind as an ONNX graph. A layer without layer norm is ONNX's own RNN, GRU or LSTM operator:
// gates reordered from PyTorch's (GRU r,z,n → z,r,h; LSTM i,f,g,o → i,o,f,c), GRU resetAfter as linear_before_reset=1,
// and resetBefore as linear_before_reset=0 with the z gate's weights and biases negated, because SeqLab's resetBefore
// lets z admit the candidate (h = (1−z)⊙h + z⊙n) where ONNX lets z keep the state (h = (1−z)⊙n + z⊙h), and
// σ(−a) = 1 − σ(a). A layer with layer norm inside its cells is a Scan over one step written in plain ops. Residual
// connections and the heads (last valid step, every step, attention pooling) are plain ops too.
import type { SequenceModel } from '../../../engine/model';
import { gateCount } from '../../../engine/params';
import type { ModelSpec } from '../../../engine/spec';
import { GraphBuilder } from './builder';
import { DTYPE, type GraphValue } from './proto';

/** Rows of a [G·H, cols] gate-blocked matrix (or [G·H] vector) in another block order, some blocks negated. */
function reorderBlocks(v: ArrayLike<number>, H: number, order: number[], negate: number[] = []): Float32Array {
  const block = v.length / (order.length * H) * H;
  const out = new Float32Array(v.length);
  order.forEach((from, to) => {
    const sign = negate.includes(to) ? -1 : 1;
    for (let i = 0; i < block; i++) out[to * block + i] = sign * v[from * block + i];
  });
  return out;
}

function transpose(v: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = v[r * cols + c];
  return out;
}

const sfx = (k: number, rev: boolean) => `l${k}${rev ? '_reverse' : ''}`;

/** What every layer needs: the graph, the model, the valid-step mask and the zero state. */
interface Ctx { g: GraphBuilder; model: SequenceModel; spec: ModelSpec; lens32: string; valid3: string; zeros: string }

/** One layer as ONNX's RNN / GRU / LSTM operator: [T, B, in] → [T, B, D]. */
function nativeLayer(c: Ctx, k: number, X: string): string {
  const { g, model, spec } = c;
  const H = spec.hiddenSize;
  const dirs = spec.bidirectional ? [false, true] : [false];
  const order = spec.cell === 'lstm' ? [0, 3, 1, 2] : spec.cell === 'gru' ? [1, 0, 2] : [0];
  const negate = spec.cell === 'gru' && spec.variant === 'resetBefore' ? [0] : [];
  const value = (n: string, rev: boolean) => model.param(`rnn.${n}_${sfx(k, rev)}`).value;
  const GH = gateCount(spec.cell) * H;
  const inSize = model.param(`rnn.weight_ih_${sfx(k, false)}`).shape[1];
  const cat = (parts: Float32Array[]) => Float32Array.from(parts.flatMap((p) => [...p]));
  const W = g.floats(`W_l${k}`, [dirs.length, GH, inSize], cat(dirs.map((r) => reorderBlocks(value('weight_ih', r), H, order, negate))));
  const R = g.floats(`R_l${k}`, [dirs.length, GH, H], cat(dirs.map((r) => reorderBlocks(value('weight_hh', r), H, order, negate))));
  const B = g.floats(`B_l${k}`, [dirs.length, 2 * GH], cat(dirs.flatMap((r) => [
    reorderBlocks(value('bias_ih', r), H, order, negate), reorderBlocks(value('bias_hh', r), H, order, negate)])));
  const attrs: Record<string, number | string | string[]> = { hidden_size: H, direction: spec.bidirectional ? 'bidirectional' : 'forward' };
  if (spec.cell === 'rnn') attrs.activations = dirs.map(() => (spec.nonlinearity === 'relu' ? 'Relu' : 'Tanh'));
  if (spec.cell === 'gru') attrs.linear_before_reset = spec.variant === 'resetAfter' ? 1 : 0;
  const Y = g.op1(spec.cell.toUpperCase(), [X, W, R, B, c.lens32], attrs);
  const tbdh = g.op1('Transpose', [Y], { perm: [0, 2, 1, 3] });
  return g.op1('Reshape', [tbdh, g.int64s('shape_tb_', [3], [0, 0, -1])]);
}

/** Layer norm over each block of H values with per-value scale and shift (gamma, beta: [G·H] values). */
function blockNorm(c: Ctx, g: GraphBuilder, x: string, rank: number, gamma: ArrayLike<number>, beta: ArrayLike<number>): string {
  const H = c.spec.hiddenSize;
  const G = gamma.length / H;
  const keep = new Array<number>(rank - 1).fill(0);
  const split = g.op1('Reshape', [x, c.g.int64s('shape_blocks', [rank + 1], [...keep, G, H])]);
  const normed = g.op1('LayerNormalization', [split, c.g.floats('ones', [H], new Array<number>(H).fill(1)), c.g.floats('zeros', [H], new Array<number>(H).fill(0))],
    { axis: -1, epsilon: { kind: 'float', value: 1e-5 } });
  const affine = g.op1('Add', [g.op1('Mul', [normed, c.g.floats('ln_gamma', [G, H], gamma)]), c.g.floats('ln_beta', [G, H], beta)]);
  return g.op1('Reshape', [affine, c.g.int64s('shape_flat', [rank], [...keep, -1])]);
}

/** x·W[lo:hi]ᵀ, layer-normalized per block, plus b[lo:hi] (a cell's input or recurrent projection). */
function project(c: Ctx, g: GraphBuilder, x: string, rank: number, k: number, rev: boolean, which: 'ih' | 'hh', lo: number, hi: number): string {
  const { model, spec } = c;
  const H = spec.hiddenSize;
  const w = model.param(`rnn.weight_${which}_${sfx(k, rev)}`);
  const cols = w.shape[1];
  const wT = c.g.floats(`w_${which}_T`, [cols, (hi - lo) * H], transpose(w.value.subarray(lo * H * cols, hi * H * cols), (hi - lo) * H, cols));
  const ln = (p: string) => model.param(`rnn.ln_${which}_${sfx(k, rev)}.${p}`).value.subarray(lo * H, hi * H);
  const normed = blockNorm(c, g, g.op1('MatMul', [x, wT]), rank, ln('weight'), ln('bias'));
  return g.op1('Add', [normed, c.g.floats(`b_${which}`, [(hi - lo) * H], model.param(`rnn.bias_${which}_${sfx(k, rev)}`).value.subarray(lo * H, hi * H))]);
}

/** One step of a cell with layer norm: the new h (and c) from xg_t and the previous state, in the Scan body b. */
function cellStep(c: Ctx, b: GraphBuilder, k: number, rev: boolean, xg: string, h: string, cPrev: string | null): [string, string | null] {
  const { spec } = c;
  const G = gateCount(spec.cell);
  const one = c.g.floats('one', [1], [1]);
  if (spec.cell === 'rnn') return [b.op1(spec.nonlinearity === 'relu' ? 'Relu' : 'Tanh', [b.op1('Add', [xg, project(c, b, h, 2, k, rev, 'hh', 0, 1)])]), null];
  if (spec.cell === 'lstm') {
    const [i, f, gg, o] = b.op('Split', [b.op1('Add', [xg, project(c, b, h, 2, k, rev, 'hh', 0, G)])], { axis: -1 }, 4);
    const cNew = b.op1('Add', [b.op1('Mul', [b.op1('Sigmoid', [f]), cPrev!]), b.op1('Mul', [b.op1('Sigmoid', [i]), b.op1('Tanh', [gg])])]);
    return [b.op1('Mul', [b.op1('Sigmoid', [o]), b.op1('Tanh', [cNew])]), cNew];
  }
  const [xr, xz, xn] = b.op('Split', [xg], { axis: -1 }, 3);
  if (spec.variant === 'resetAfter') {
    const [hr, hz, hn] = b.op('Split', [project(c, b, h, 2, k, rev, 'hh', 0, 3)], { axis: -1 }, 3);
    const r = b.op1('Sigmoid', [b.op1('Add', [xr, hr])]);
    const z = b.op1('Sigmoid', [b.op1('Add', [xz, hz])]);
    const n = b.op1('Tanh', [b.op1('Add', [xn, b.op1('Mul', [r, hn])])]);
    return [b.op1('Add', [b.op1('Mul', [b.op1('Sub', [one, z]), n]), b.op1('Mul', [z, h])]), null];
  }
  const [hr, hz] = b.op('Split', [project(c, b, h, 2, k, rev, 'hh', 0, 2)], { axis: -1 }, 2);
  const r = b.op1('Sigmoid', [b.op1('Add', [xr, hr])]);
  const z = b.op1('Sigmoid', [b.op1('Add', [xz, hz])]);
  const n = b.op1('Tanh', [b.op1('Add', [xn, project(c, b, b.op1('Mul', [r, h]), 2, k, rev, 'hh', 2, 3)])]);
  return [b.op1('Add', [b.op1('Mul', [b.op1('Sub', [one, z]), h]), b.op1('Mul', [z, n])]), null];
}

/** One direction of a layer with layer norm: a Scan over the steps, padded steps keeping the state. */
function scanDirection(c: Ctx, k: number, rev: boolean, X: string): string {
  const { g, spec } = c;
  const lstm = spec.cell === 'lstm';
  const xg = project(c, g, X, 3, k, rev, 'ih', 0, gateCount(spec.cell));
  const b = new GraphBuilder(`scan_${sfx(k, rev)}_`);
  const h = b.name('h'), cPrev = lstm ? b.name('c') : null, xt = b.name('xg_t'), mt = b.name('valid_t');
  b.inputs.push({ name: h, dtype: DTYPE.float }, ...(cPrev ? [{ name: cPrev, dtype: DTYPE.float }] : []),
    { name: xt, dtype: DTYPE.float }, { name: mt, dtype: DTYPE.bool });
  const [hNew, cNew] = cellStep(c, b, k, rev, xt, h, cPrev);
  const hOut = b.op1('Where', [mt, hNew, h]);
  const states = [hOut, ...(cPrev ? [b.op1('Where', [mt, cNew!, cPrev])] : [])];
  const y = b.op1('Identity', [hOut]);
  b.outputs.push(...[...states, y].map((name) => ({ name, dtype: DTYPE.float })));
  const dir = rev ? 1 : 0;
  const outs = g.op('Scan', [c.zeros, ...(lstm ? [c.zeros] : []), xg, c.valid3], {
    body: { kind: 'graph', value: b.graph(`step_${sfx(k, rev)}`) }, num_scan_inputs: 2,
    scan_input_directions: [dir, dir], scan_output_directions: [dir],
  }, states.length + 1);
  return outs[outs.length - 1];
}

/** The valid-step masks, the int32 lengths the RNN operators take, and a zero state, from the inputs. */
function masks(g: GraphBuilder, X: string, lengths: string, H: number): { lens32: string; valid: string; valid3: string; zeros: string } {
  const shape = g.op1('Shape', [X]);
  const T = g.op1('Gather', [shape, g.int64s('axis0', [], [0])]);
  const steps = g.op1('Range', [g.int64s('start', [], [0]), T, g.int64s('delta', [], [1])]);
  const valid = g.op1('Less', [g.op1('Unsqueeze', [steps, g.int64s('axes1', [1], [1])]), g.op1('Unsqueeze', [lengths, g.int64s('axes0', [1], [0])])]);
  const B = g.op1('Gather', [shape, g.int64s('axis1', [1], [1])]);
  const zeros = g.op1('ConstantOfShape', [g.op1('Concat', [B, g.int64s('hidden', [1], [H])], { axis: 0 })],
    { value: { kind: 'tensor', value: { name: 'zero', dims: [1], dtype: DTYPE.float, raw: new Uint8Array(4) } } });
  return { lens32: g.op1('Cast', [lengths], { to: DTYPE.int32 }), valid, valid3: g.op1('Unsqueeze', [valid, g.int64s('axes2', [1], [2])]), zeros };
}

/** The head on the top layer's outputs [T, B, D]: logits [B, size] or [B, T, size] with the output activation. */
function head(g: GraphBuilder, model: SequenceModel, top: string, valid: string, lengths: string): string {
  const spec = model.spec;
  const D = model.param('head.weight').shape[1];
  const pool = (weights: string) => g.op1('ReduceSum', [g.op1('Mul', [g.op1('Unsqueeze', [weights, g.int64s('axes2', [1], [2])]), top]), g.int64s('axes0', [1], [0])], { keepdims: 0 });
  let rows: string;
  if (spec.head.output === 'all') rows = g.op1('Transpose', [top], { perm: [1, 0, 2] });
  else if (spec.head.output === 'last') {
    const steps = g.op1('CumSum', [g.op1('Cast', [valid], { to: DTYPE.int64 }), g.int64s('axis', [], [0])]);
    const isLast = g.op1('Equal', [steps, g.op1('Unsqueeze', [lengths, g.int64s('axes0', [1], [0])])]);
    rows = pool(g.op1('Cast', [g.op1('And', [isLast, valid])], { to: DTYPE.float }));
  } else {
    const wT = g.floats('attention_wT', [D, 1], model.param('attention.weight').value);
    const scores = g.op1('Squeeze', [g.op1('Add', [g.op1('MatMul', [top, wT]), g.floats('attention_b', [1], model.param('attention.bias').value)]), g.int64s('axes2', [1], [2])]);
    const masked = g.op1('Where', [valid, scores, g.floats('minus_inf', [1], [-Infinity])]);
    rows = pool(g.op1('Softmax', [masked], { axis: 0 }));
  }
  const w = model.param('head.weight');
  const logits = g.op1('Add', [g.op1('MatMul', [rows, g.floats('head_wT', [D, w.shape[0]], transpose(w.value, w.shape[0], D))]), g.floats('head_b', [w.shape[0]], model.param('head.bias').value)]);
  if (spec.head.activation === 'sigmoid') return g.op1('Sigmoid', [logits]);
  if (spec.head.activation === 'softmax') return g.op1('Softmax', [logits], { axis: -1 });
  return logits;
}

/** The whole model: inputs "x" [batch, steps, features] (or "tokens") and "lengths", output "y". */
export function recurrentGraph(model: SequenceModel): GraphValue {
  const spec = model.spec;
  const g = new GraphBuilder();
  const emb = spec.embedding;
  const input = emb ? 'tokens' : 'x';
  g.inputs.push(emb ? { name: input, dtype: DTYPE.int64, dims: ['batch', 'steps'] } : { name: input, dtype: DTYPE.float, dims: ['batch', 'steps', spec.inputSize] },
    { name: 'lengths', dtype: DTYPE.int64, dims: ['batch'] });
  const batchFirst = emb ? g.op1('Gather', [g.floats('embedding', model.param('embedding.weight').shape, model.param('embedding.weight').value), input]) : input;
  let X = g.op1('Transpose', [batchFirst], { perm: [1, 0, 2] });
  const m = masks(g, X, 'lengths', spec.hiddenSize);
  const c: Ctx = { g, model, spec, lens32: m.lens32, valid3: m.valid3, zeros: m.zeros };
  for (let k = 0; k < spec.numLayers; k++) {
    const y = spec.layerNorm
      ? g.op1('Concat', (spec.bidirectional ? [false, true] : [false]).map((rev) => scanDirection(c, k, rev, X)), { axis: -1 })
      : nativeLayer(c, k, X);
    X = spec.residual && k >= 1 ? g.op1('Add', [y, X]) : y;
  }
  const y = head(g, model, X, m.valid, 'lengths');
  const [out] = g.op('Identity', [y], {}, ['y']);
  g.outputs.push({ name: out, dtype: DTYPE.float, dims: spec.head.output === 'all' ? ['batch', 'steps', spec.head.size] : ['batch', spec.head.size] });
  return g.graph('seqlab');
}
