// model.py of an export, one Python module per model kind. Each defines `Model(spec)`, an nn.Module with SeqLab's
// parameter names and: forward(inputs, lengths, start, state, want_flow) -> (logits, rows with a loss term, state,
// the tensors whose gradient is the gradient flow — per direction, one per step — or None); initial_state(B);
// supports_tbptt (whether state carries between chunks of steps); probe(inputs, lengths) -> what SeqLab records for
// the probe sequences (records without kind and step, "sequence" for the probe's index), of the record kind
// probe_record ("gates": gate traces; "selfattention": attention maps). The heads (python/heads.ts) follow every
// kind. A new kind (sequence-to-sequence) adds its module under python/ and a case here.
import type { ModelKind } from './manifest';
import { HEADS_PY } from './python/heads';
import { RECURRENT_PY } from './python/recurrent';
import { TRANSFORMER_PY } from './python/transformer';

export function modelPython(kind: ModelKind): string {
  switch (kind) {
    case 'recurrent':
      return RECURRENT_PY + HEADS_PY;
    case 'transformer':
      return TRANSFORMER_PY + HEADS_PY;
  }
}
