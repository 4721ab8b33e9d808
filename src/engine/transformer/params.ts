// The Transformer kind's parameters, in the state_dict order of the PyTorch module it mirrors:
//   input_proj (nn.Linear(inputSize, d)) or embedding (nn.Embedding(vocab, d)) → pos_embedding (nn.Embedding(maxLength, d),
//   learned positions only) → transformer (nn.TransformerEncoder of numLayers TransformerEncoderLayer, batch_first, and a
//   final LayerNorm when normFirst) → attention (nn.Linear(d, 1), attention head) → head (nn.Linear(d, size)).
import type { ParamShape } from '../params';
import type { ModelSpec, TransformerOptions } from '../spec';

/** The spec's Transformer options; throws when they are missing. */
export function optionsOf(spec: ModelSpec): TransformerOptions {
  if (spec.cell !== 'transformer' || !spec.transformer) throw new Error('model spec: cell "transformer" needs its transformer options');
  return spec.transformer;
}

/** "transformer.layers.<k>." */
export function layerPrefix(k: number): string {
  return `transformer.layers.${k}.`;
}

export function transformerParamShapes(spec: ModelSpec): ParamShape[] {
  const o = optionsOf(spec);
  const d = spec.hiddenSize;
  const out: ParamShape[] = [];
  if (spec.embedding) out.push({ name: 'embedding.weight', shape: [spec.embedding.vocabSize, d] });
  else out.push({ name: 'input_proj.weight', shape: [d, spec.inputSize] }, { name: 'input_proj.bias', shape: [d] });
  if (o.positional === 'learned') out.push({ name: 'pos_embedding.weight', shape: [o.maxLength, d] });
  for (let k = 0; k < spec.numLayers; k++) {
    const p = layerPrefix(k);
    // TransformerEncoderLayer registers self_attn, linear1, linear2, norm1, norm2 in this order.
    out.push(
      { name: `${p}self_attn.in_proj_weight`, shape: [3 * d, d] }, { name: `${p}self_attn.in_proj_bias`, shape: [3 * d] },
      { name: `${p}self_attn.out_proj.weight`, shape: [d, d] }, { name: `${p}self_attn.out_proj.bias`, shape: [d] },
      { name: `${p}linear1.weight`, shape: [o.feedForward, d] }, { name: `${p}linear1.bias`, shape: [o.feedForward] },
      { name: `${p}linear2.weight`, shape: [d, o.feedForward] }, { name: `${p}linear2.bias`, shape: [d] },
      { name: `${p}norm1.weight`, shape: [d] }, { name: `${p}norm1.bias`, shape: [d] },
      { name: `${p}norm2.weight`, shape: [d] }, { name: `${p}norm2.bias`, shape: [d] },
    );
  }
  if (o.normFirst) out.push({ name: 'transformer.norm.weight', shape: [d] }, { name: 'transformer.norm.bias', shape: [d] });
  if (spec.head.output === 'attention') out.push({ name: 'attention.weight', shape: [1, d] }, { name: 'attention.bias', shape: [1] });
  out.push({ name: 'head.weight', shape: [spec.head.size, d] }, { name: 'head.bias', shape: [spec.head.size] });
  return out;
}

/** Throws on Transformer options that cannot be built (the shared checks are params.ts's checkSpec). */
export function checkTransformerSpec(spec: ModelSpec): void {
  const o = optionsOf(spec);
  const positiveInt = (v: number, what: string) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`model spec: transformer ${what} must be a positive integer, got ${v}`);
  };
  positiveInt(o.heads, 'heads');
  positiveInt(o.feedForward, 'feedForward');
  positiveInt(o.maxLength, 'maxLength');
  if (spec.hiddenSize % o.heads !== 0) {
    throw new Error(`model spec: hiddenSize ${spec.hiddenSize} must be a multiple of heads ${o.heads} (each head gets hiddenSize / heads)`);
  }
  if (o.activation !== 'relu' && o.activation !== 'gelu') throw new Error(`model spec: unknown transformer activation "${o.activation}"`);
  if (o.positional !== 'sinusoidal' && o.positional !== 'learned') throw new Error(`model spec: unknown positional encoding "${o.positional}"`);
  if (spec.bidirectional) throw new Error('model spec: the Transformer has no direction, so bidirectional must be false');
  if (spec.embedding && spec.embedding.dim !== spec.hiddenSize) {
    throw new Error(`model spec: the Transformer's embedding width must be hiddenSize ${spec.hiddenSize}, got ${spec.embedding.dim}`);
  }
}
