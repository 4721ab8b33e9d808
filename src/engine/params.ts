// Parameter names, shapes and order: PyTorch state_dict keys of the module layout
//   embedding (nn.Embedding) → rnn (nn.RNN/GRU/LSTM, batch_first) → attention (nn.Linear(D, 1)) → head (nn.Linear(D, size)),
// so checkpoints move between PyTorch and SeqLab unchanged.

import type { Backend, Buf } from './backend';
import type { CellType, ModelSpec } from './spec';

export interface Param {
  name: string;
  shape: number[];
  value: Buf;
  grad: Buf;
}

export interface ParamShape {
  name: string;
  shape: number[];
}

/** Gate blocks per cell: LSTM i,f,g,o; GRU r,z,n; RNN one. */
export function gateCount(cell: CellType): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
}

/** Width of a layer's output: H, or 2H when bidirectional ([forward, reverse] per step). */
export function layerWidth(spec: ModelSpec): number {
  return spec.hiddenSize * (spec.bidirectional ? 2 : 1);
}

export function inputWidth(spec: ModelSpec): number {
  return spec.embedding ? spec.embedding.dim : spec.inputSize;
}

/** Suffix of a layer/direction in torch's names: "l0", "l1_reverse". */
export function directionSuffix(layer: number, reverse: boolean): string {
  return `l${layer}${reverse ? '_reverse' : ''}`;
}

/**
 * All parameters in state_dict order. Per layer and direction: weight_ih, weight_hh, bias_ih, bias_hh
 * (torch's _flat_weights_names order), then, with layer norm, ln_ih.weight/.bias and ln_hh.weight/.bias.
 */
export function parameterShapes(spec: ModelSpec): ParamShape[] {
  const H = spec.hiddenSize;
  const GH = gateCount(spec.cell) * H;
  const D = layerWidth(spec);
  const out: ParamShape[] = [];
  if (spec.embedding) out.push({ name: 'embedding.weight', shape: [spec.embedding.vocabSize, spec.embedding.dim] });
  for (let k = 0; k < spec.numLayers; k++) {
    const inSize = k === 0 ? inputWidth(spec) : D;
    for (const reverse of spec.bidirectional ? [false, true] : [false]) {
      const sfx = directionSuffix(k, reverse);
      out.push(
        { name: `rnn.weight_ih_${sfx}`, shape: [GH, inSize] },
        { name: `rnn.weight_hh_${sfx}`, shape: [GH, H] },
        { name: `rnn.bias_ih_${sfx}`, shape: [GH] },
        { name: `rnn.bias_hh_${sfx}`, shape: [GH] },
      );
      if (spec.layerNorm)
        out.push(
          { name: `rnn.ln_ih_${sfx}.weight`, shape: [GH] },
          { name: `rnn.ln_ih_${sfx}.bias`, shape: [GH] },
          { name: `rnn.ln_hh_${sfx}.weight`, shape: [GH] },
          { name: `rnn.ln_hh_${sfx}.bias`, shape: [GH] },
        );
    }
  }
  if (spec.head.output === 'attention') out.push({ name: 'attention.weight', shape: [1, D] }, { name: 'attention.bias', shape: [1] });
  out.push({ name: 'head.weight', shape: [spec.head.size, D] }, { name: 'head.bias', shape: [spec.head.size] });
  return out;
}

/** Parameter values of a model, without building it (memory estimates). */
export function parameterCount(spec: ModelSpec): number {
  return parameterShapes(spec).reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
}

/** Throws on a spec whose shapes cannot be built (what every kind shares; transformer/params.ts checks the rest). */
export function checkSpec(spec: ModelSpec): void {
  const positiveInt = (v: number, what: string) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`model spec: ${what} must be a positive integer, got ${v}`);
  };
  if (!['rnn', 'gru', 'lstm', 'transformer'].includes(spec.cell)) throw new Error(`model spec: unknown cell "${spec.cell}"`);
  if (spec.cell === 'gru' && spec.variant !== 'resetAfter' && spec.variant !== 'resetBefore')
    throw new Error(`model spec: unknown GRU variant "${spec.variant}"`);
  if (spec.cell === 'rnn' && spec.nonlinearity !== 'tanh' && spec.nonlinearity !== 'relu')
    throw new Error(`model spec: unknown RNN nonlinearity "${spec.nonlinearity}"`);
  positiveInt(spec.hiddenSize, 'hiddenSize');
  positiveInt(spec.numLayers, 'numLayers');
  if (spec.embedding) {
    positiveInt(spec.embedding.vocabSize, 'embedding.vocabSize');
    positiveInt(spec.embedding.dim, 'embedding.dim');
  } else positiveInt(spec.inputSize, 'inputSize');
  positiveInt(spec.head.size, 'head.size');
  if (!['last', 'all', 'attention'].includes(spec.head.output)) throw new Error(`model spec: unknown head output "${spec.head.output}"`);
  if (!['none', 'sigmoid', 'softmax'].includes(spec.head.activation))
    throw new Error(`model spec: unknown head activation "${spec.head.activation}"`);
  if (!(spec.dropout >= 0 && spec.dropout < 1)) throw new Error(`model spec: dropout must be in [0, 1), got ${spec.dropout}`);
}

export function allocateParams(spec: ModelSpec, backend: Backend): Param[] {
  return allocateShapes(parameterShapes(spec), backend);
}

/** Zeroed parameters (value and gradient from the backend) of the given names and shapes, in that order. */
export function allocateShapes(shapes: ParamShape[], backend: Backend): Param[] {
  return shapes.map(({ name, shape }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return { name, shape, value: backend.alloc(n), grad: backend.alloc(n) };
  });
}

/** A parameter by its state_dict name; the error names the ones there are. */
export function paramLookup(params: Param[]): (name: string) => Param {
  const byName = new Map(params.map((p) => [p.name, p]));
  return (name) => {
    const p = byName.get(name);
    if (!p) throw new Error(`model has no parameter "${name}" (it has: ${params.map((q) => q.name).join(', ')})`);
    return p;
  };
}
