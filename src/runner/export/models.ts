// model.py of an export, one Python module per model kind. Each defines `Model(spec)`, an nn.Module with SeqLab's
// parameter names and: forward(inputs, lengths, start, state, want_flow) -> (logits, rows with a loss term, state,
// the tensors whose gradient is the gradient flow — per direction, one per step — or None); initial_state(B);
// supports_tbptt (whether state carries between chunks of steps); probe(inputs, lengths) -> what SeqLab records for
// the probe sequences (records without step, "sequence" for the probe's index, "kind" naming the record: "gates" for
// gate traces, "selfattention" for attention maps, "alignment" for a decoder's attention). The heads
// (python/heads.ts) follow the recurrent model and the Transformer; the sequence-to-sequence decoder has its own
// output layer. A new kind adds its module under python/ and a case here.
import type { ModelKind } from './manifest';
import { HEADS_PY } from './python/heads';
import { RECURRENT_PY } from './python/recurrent';
import { SEQ2SEQ_PY } from './python/seq2seq';
import { TRANSFORMER_PY } from './python/transformer';

export function modelPython(kind: ModelKind): string {
  switch (kind) {
    case 'recurrent':
      return RECURRENT_PY + HEADS_PY;
    case 'transformer':
      return TRANSFORMER_PY + HEADS_PY;
    case 'seq2seq':
      return SEQ2SEQ_PY;
  }
}
