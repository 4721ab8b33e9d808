// Parameter names, shapes and order of a sequence-to-sequence model: the state_dict keys of this PyTorch module
// layout (scripts/golden/seq2seq_golden.py builds it, and loads SeqLab's checkpoints with strict=True):
//
//   encoder.embedding   nn.Embedding(source vocab, E)
//   encoder.rnn         nn.RNN/GRU/LSTM(E, H, L, bidirectional, batch_first)   (+ encoder.rnn.ln_* with layer norm)
//   bridge              nn.Linear(2H, H), h0 = tanh(bridge([h→; h←])) per layer    bidirectional encoders only
//   bridge_c            nn.Linear(2H, H), c0 = bridge_c([c→; c←]) per layer         and for the LSTM's cell state
//   decoder.embedding   nn.Embedding(target vocab, Ed)
//   decoder.rnn         nn.RNN/GRU/LSTM(Ed (+ H with input feeding), H, L, batch_first)
//   decoder.attention   additive: query nn.Linear(H, H, bias=False), key nn.Linear(De, H), v nn.Linear(H, 1, bias=False)
//                       general:  key nn.Linear(De, H, bias=False);   dot: no parameters (needs De = H)
//   decoder.combine     nn.Linear(De + H, H): h̃_t = tanh(combine([c_t; h_t]))   (not with attention "none")
//   decoder.out         nn.Linear(H, target vocab) on h̃_t (on h_t without attention)
//
// De is the width of the encoder's outputs: H, or 2H when bidirectional.

import { gateCount, layerWidth, parameterShapes } from '../params';
import type { DecoderSpec, ModelSpec } from '../spec';

interface ParamShape {
  name: string;
  shape: number[];
}

/** The decoder of a spec that has one (throws otherwise). */
export function decoderOf(spec: ModelSpec): DecoderSpec {
  if (!spec.decoder) throw new Error('internal: not a sequence-to-sequence spec');
  return spec.decoder;
}

/** Width of the decoder's layer-0 input: the target embedding, and h̃_{t−1} with input feeding. */
export function decoderInputWidth(spec: ModelSpec): number {
  const d = decoderOf(spec);
  return d.embeddingDim + (d.inputFeeding ? spec.hiddenSize : 0);
}

export function seq2seqParameterShapes(spec: ModelSpec): ParamShape[] {
  const d = decoderOf(spec);
  const H = spec.hiddenSize;
  const GH = gateCount(spec.cell) * H;
  const De = layerWidth(spec);
  const encoder = parameterShapes(spec).filter((p) => !/^(head|attention)\./.test(p.name)).map((p) => ({ name: `encoder.${p.name}`, shape: p.shape }));
  const out: ParamShape[] = [...encoder];
  if (spec.bidirectional) {
    out.push({ name: 'bridge.weight', shape: [H, 2 * H] }, { name: 'bridge.bias', shape: [H] });
    if (spec.cell === 'lstm') out.push({ name: 'bridge_c.weight', shape: [H, 2 * H] }, { name: 'bridge_c.bias', shape: [H] });
  }
  out.push({ name: 'decoder.embedding.weight', shape: [d.vocabSize, d.embeddingDim] });
  for (let k = 0; k < spec.numLayers; k++) {
    out.push(
      { name: `decoder.rnn.weight_ih_l${k}`, shape: [GH, k === 0 ? decoderInputWidth(spec) : H] },
      { name: `decoder.rnn.weight_hh_l${k}`, shape: [GH, H] },
      { name: `decoder.rnn.bias_ih_l${k}`, shape: [GH] },
      { name: `decoder.rnn.bias_hh_l${k}`, shape: [GH] },
    );
  }
  if (d.attention === 'additive') {
    out.push({ name: 'decoder.attention.query.weight', shape: [H, H] }, { name: 'decoder.attention.key.weight', shape: [H, De] },
      { name: 'decoder.attention.key.bias', shape: [H] }, { name: 'decoder.attention.v.weight', shape: [1, H] });
  } else if (d.attention === 'general') out.push({ name: 'decoder.attention.key.weight', shape: [H, De] });
  if (d.attention !== 'none') out.push({ name: 'decoder.combine.weight', shape: [H, De + H] }, { name: 'decoder.combine.bias', shape: [H] });
  out.push({ name: 'decoder.out.weight', shape: [d.vocabSize, H] }, { name: 'decoder.out.bias', shape: [d.vocabSize] });
  return out;
}

/** Throws on a sequence-to-sequence spec that cannot be built, naming the field. */
export function checkSeq2SeqSpec(spec: ModelSpec): void {
  const d = decoderOf(spec);
  const positiveInt = (v: number, what: string) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`model spec: ${what} must be a positive integer, got ${v}`);
  };
  if (!spec.embedding) throw new Error('model spec: a sequence-to-sequence model needs an embedding for its source tokens');
  positiveInt(d.vocabSize, 'decoder.vocabSize');
  positiveInt(d.embeddingDim, 'decoder.embeddingDim');
  for (const [what, id] of [['startToken', d.startToken], ['endToken', d.endToken]] as const) {
    if (!Number.isInteger(id) || id < 0 || id >= d.vocabSize) throw new Error(`model spec: decoder.${what} ${id} is outside the target vocabulary 0..${d.vocabSize - 1}`);
  }
  positiveInt(d.maxLength, 'decoder.maxLength');
  if (!['additive', 'dot', 'general', 'none'].includes(d.attention)) throw new Error(`model spec: unknown attention "${d.attention}"`);
  if (d.attention === 'dot' && layerWidth(spec) !== spec.hiddenSize) {
    throw new Error(`model spec: dot attention needs encoder outputs as wide as the decoder state (${spec.hiddenSize}), but the bidirectional encoder's are ${layerWidth(spec)}; use "general" or "additive"`);
  }
  if (d.inputFeeding && d.attention === 'none') throw new Error('model spec: input feeding passes on the attentional vector, so it needs attention');
  if (spec.head.size !== d.vocabSize) throw new Error(`model spec: head.size ${spec.head.size} must equal decoder.vocabSize ${d.vocabSize}`);
}
