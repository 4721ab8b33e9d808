// model.py of an export, one Python module per model kind. Each defines `Model(spec)`, an nn.Module with SeqLab's
// parameter names and: forward(inputs, lengths, start, state, want_flow) -> (logits, rows with a loss term, state,
// top-layer h_t tensors or None); initial_state(B); probe(inputs, lengths) -> gate traces (gates.jsonl records without
// kind and step); supports_tbptt (whether state carries between chunks of steps). The heads (python/heads.ts) follow every kind. A new kind (sequence-to-sequence, Transformer) adds
// its module under python/ and a case here.
import type { ModelKind } from './manifest';
import { HEADS_PY } from './python/heads';
import { RECURRENT_PY } from './python/recurrent';

export function modelPython(kind: ModelKind): string {
  switch (kind) {
    case 'recurrent':
      return RECURRENT_PY + HEADS_PY;
  }
}
