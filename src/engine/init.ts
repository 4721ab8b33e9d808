// Parameter initialization schemes. Parameter names are PyTorch state_dict keys (see params.ts and
// Parameter initialization schemes. Parameter names are PyTorch state_dict keys (see params.ts, seq2seq/params.ts and
// transformer/params.ts), so the rule is chosen from the name (RULES): rnn.weight_ih_l*, rnn.weight_hh_l*, rnn.bias_*,
// rnn.ln_*, embedding.* (each also under encoder. or decoder.), the linear layers attention.*, head.*, bridge*.*,
// decoder.attention.*, decoder.combine.*, decoder.out.*, and the Transformer's input_proj.*, pos_embedding.* and
// transformer.*. The scheme (pytorch / xavier / orthogonal / identity) and the recurrent gain only concern the recurrent
// weights and biases; embeddings (N(0,1)), linear layers (torch defaults) and layer norms (1, 0) are the same in all, and
// the Transformer's layers start as PyTorch's TransformerEncoderLayer does (its self_attn: xavier-uniform
// in_proj_weight, zero biases), each layer drawn on its own (torch.nn.TransformerEncoder deep-copies one layer, so there
// its layers start equal).
import type { Buf } from './backend';
import type { InitSpec, ModelSpec } from './spec';
import type { Rng } from './rng';

/** What init needs of a parameter (model.ts's Param satisfies it). */
export interface InitParam {
  name: string;
  shape: number[];
  value: Buf;
}

/** Gate blocks per cell, in PyTorch order (LSTM i,f,g,o; GRU r,z,n). */
export function gateCount(cell: ModelSpec['cell']): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
}

const LSTM_FORGET_BLOCK = 1;

export function initialize(params: InitParam[], spec: ModelSpec, init: InitSpec, rng: Rng): void {
  const H = spec.hiddenSize;
  const G = gateCount(spec.cell);
  for (const p of params) {
    const kind = classify(p.name);
    switch (kind) {
      case 'ln_weight':
        p.value.fill(1);
        break;
      case 'ln_bias':
      case 'zero':
        p.value.fill(0);
        break;
      case 'attention_in_proj':
        // nn.MultiheadAttention: xavier_uniform_ over the whole (3d × d) in_proj_weight.
        fillUniform(p.value, Math.sqrt(6 / (p.shape[0] + p.shape[1])), rng);
        break;
      case 'embedding':
        // torch.nn.Embedding: N(0, 1).
        for (let i = 0; i < p.value.length; i++) p.value[i] = rng.normal();
        break;
      case 'linear_weight':
      case 'linear_bias': {
        // torch.nn.Linear: kaiming_uniform(a=√5) on the weight and U(±1/√fan_in) on the bias; both are U(±1/√fan_in).
        const fanIn = linearFanIn(p, params);
        fillUniform(p.value, 1 / Math.sqrt(fanIn), rng);
        break;
      }
      case 'rnn_weight_ih':
      case 'rnn_weight_hh':
        checkGateShape(p, G, H);
        if (init.scheme === 'pytorch') fillUniform(p.value, 1 / Math.sqrt(H), rng);
        else if (init.scheme === 'orthogonal' && kind === 'rnn_weight_hh') fillBlocks(p, G, H, (b) => fillOrthogonal(b, H, H, rng));
        else if (init.scheme === 'identity' && kind === 'rnn_weight_hh') fillEye(p);
        else fillBlocks(p, G, H, (b) => fillXavier(b, H, p.shape[1], rng));
        if (kind === 'rnn_weight_hh') scale(p.value, init.recurrentGain ?? 1);
        break;
      case 'rnn_bias':
        if (p.value.length !== G * H) throw new Error(`${p.name}: expected ${G * H} values (${G} gates × hidden ${H}), got ${p.value.length}`);
        if (init.scheme === 'pytorch') fillUniform(p.value, 1 / Math.sqrt(H), rng);
        else p.value.fill(0);
        break;
    }
  }
  if (init.forgetBias !== null && spec.cell === 'lstm') setForgetBias(params, H, init.forgetBias);
}

type ParamKind = 'ln_weight' | 'ln_bias' | 'embedding' | 'linear_weight' | 'linear_bias' | 'rnn_weight_ih' | 'rnn_weight_hh' | 'rnn_bias'
  | 'zero' | 'attention_in_proj';

/** A sequence-to-sequence model's encoder and decoder parts carry these prefixes (seq2seq/params.ts). */
const PART = '(?:encoder\\.|decoder\\.)?';
const LINEAR = '(?:head|attention|bridge|bridge_c|decoder\\.attention\\.(?:query|key|v)|decoder\\.combine|decoder\\.out)';
const RULES: [RegExp, ParamKind][] = [
  [new RegExp(`^${PART}rnn\\.ln_(ih|hh)_l\\d+(_reverse)?\\.weight$`), 'ln_weight'],
  [new RegExp(`^${PART}rnn\\.ln_(ih|hh)_l\\d+(_reverse)?\\.bias$`), 'ln_bias'],
  [new RegExp(`^${PART}rnn\\.weight_ih_l\\d+(_reverse)?$`), 'rnn_weight_ih'],
  [new RegExp(`^${PART}rnn\\.weight_hh_l\\d+(_reverse)?$`), 'rnn_weight_hh'],
  [new RegExp(`^${PART}rnn\\.bias_(ih|hh)_l\\d+(_reverse)?$`), 'rnn_bias'],
  [new RegExp(`^${PART}embedding\\.weight$`), 'embedding'],
  [new RegExp(`^${LINEAR}\\.weight$`), 'linear_weight'],
  [new RegExp(`^${LINEAR}\\.bias$`), 'linear_bias'],
  // The Transformer (transformer/params.ts): layers transformer.layers.<k>.*, the final transformer.norm.
  [/^transformer\.(layers\.\d+\.)?self_attn\.in_proj_weight$/, 'attention_in_proj'],
  [/^transformer\.(layers\.\d+\.)?self_attn\.(in_proj_bias|out_proj\.bias)$/, 'zero'],
  [/^transformer\.(layers\.\d+\.)?norm\d?\.weight$/, 'ln_weight'],
  [/^transformer\.(layers\.\d+\.)?norm\d?\.bias$/, 'ln_bias'],
  [/^transformer\.layers\.\d+\.(self_attn\.out_proj|linear1|linear2)\.weight$/, 'linear_weight'],
  [/^transformer\.layers\.\d+\.(linear1|linear2)\.bias$/, 'linear_bias'],
  [/^pos_embedding\.weight$/, 'embedding'],
  [/^input_proj\.weight$/, 'linear_weight'],
  [/^input_proj\.bias$/, 'linear_bias'],
];

function classify(name: string): ParamKind {
  const rule = RULES.find(([re]) => re.test(name));
  if (!rule) throw new Error(`initialize: no initialization rule for parameter "${name}"`);
  return rule[1];
}

/** A Linear's fan-in is its weight's column count; a bias looks up its sibling weight. */
function linearFanIn(p: InitParam, params: InitParam[]): number {
  const weightName = p.name.replace(/\.bias$/, '.weight');
  const w = weightName === p.name ? p : params.find((q) => q.name === weightName);
  if (!w || w.shape.length !== 2) throw new Error(`initialize: ${p.name} needs a 2-D ${weightName} to compute its fan-in`);
  return w.shape[1];
}

function checkGateShape(p: InitParam, G: number, H: number): void {
  if (p.shape.length !== 2 || p.shape[0] !== G * H) {
    throw new Error(`${p.name}: expected shape [${G * H}, *] (${G} gates × hidden ${H}), got [${p.shape.join(', ')}]`);
  }
}

function fillUniform(buf: Buf, bound: number, rng: Rng): void {
  for (let i = 0; i < buf.length; i++) buf[i] = (2 * rng.uniform() - 1) * bound;
}

/** Calls fill on each H-row gate block of a (G·H)×cols row-major weight. */
function fillBlocks(p: InitParam, G: number, H: number, fill: (block: Buf) => void): void {
  const cols = p.shape[1];
  for (let g = 0; g < G; g++) fill(p.value.subarray(g * H * cols, (g + 1) * H * cols));
}

/** Glorot uniform for one rows×cols block: U(±√(6/(fan_in + fan_out))), fans of the block itself. */
function fillXavier(block: Buf, rows: number, cols: number, rng: Rng): void {
  fillUniform(block, Math.sqrt(6 / (rows + cols)), rng);
}

/**
 * As torch.nn.init.eye_ on the whole (G·H)×H weight: ones on its main diagonal, so the first gate block (the RNN's
 * only one) is the identity and the other blocks are zero (Le et al. 2015 initialise a relu RNN this way).
 */
function fillEye(p: InitParam): void {
  const cols = p.shape[1];
  p.value.fill(0);
  for (let i = 0; i < Math.min(p.shape[0], cols); i++) p.value[i * cols + i] = 1;
}

function scale(buf: Buf, gain: number): void {
  if (gain !== 1) for (let i = 0; i < buf.length; i++) buf[i] *= gain;
}

/**
 * As torch.nn.init.orthogonal_: QR of a Gaussian matrix (transposed when it is wide), Q's columns
 * multiplied by the signs of R's diagonal so the result is uniformly distributed over orthogonal matrices.
 */
export function fillOrthogonal(out: Buf, rows: number, cols: number, rng: Rng): void {
  const wide = rows < cols;
  const m = wide ? cols : rows; // tall m×n Gaussian
  const n = wide ? rows : cols;
  const a = new Float64Array(m * n);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  const q = householderQ(a, m, n);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = wide ? q[j * n + i] : q[i * n + j];
  }
}

/**
 * Thin Q (m×n, m ≥ n) of A = QR by Householder reflections, with column j of Q multiplied by sign(R_jj).
 * A (row-major m×n) is overwritten.
 */
function householderQ(a: Float64Array, m: number, n: number): Float64Array {
  const vs: Float64Array[] = [];
  const rDiag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += a[i * n + k] ** 2;
    norm = Math.sqrt(norm);
    const alpha = a[k * n + k] >= 0 ? -norm : norm;
    const v = new Float64Array(m);
    for (let i = k; i < m; i++) v[i] = a[i * n + k];
    v[k] -= alpha;
    let vNorm2 = 0;
    for (let i = k; i < m; i++) vNorm2 += v[i] ** 2;
    if (vNorm2 > 0) {
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < m; i++) dot += v[i] * a[i * n + j];
        const f = (2 * dot) / vNorm2;
        for (let i = k; i < m; i++) a[i * n + j] -= f * v[i];
      }
    }
    rDiag[k] = a[k * n + k];
    vs.push(vNorm2 > 0 ? v.map((x) => x / Math.sqrt(vNorm2)) : v);
  }
  // Q = H_0 H_1 … H_{n-1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i] * q[i * n + j];
      for (let i = k; i < m; i++) q[i * n + j] -= 2 * dot * v[i];
    }
  }
  for (let j = 0; j < n; j++) {
    if (rDiag[j] < 0) for (let i = 0; i < m; i++) q[i * n + j] = -q[i * n + j];
  }
  return q;
}

function setForgetBias(params: InitParam[], H: number, value: number): void {
  for (const p of params) {
    const m = new RegExp(`^${PART}rnn\\.bias_(ih|hh)_l\\d+(_reverse)?$`).exec(p.name);
    if (!m) continue;
    p.value.fill(m[1] === 'ih' ? value : 0, LSTM_FORGET_BLOCK * H, (LSTM_FORGET_BLOCK + 1) * H);
  }
}
