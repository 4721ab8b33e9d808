// model.py of an export, one Python module per model kind. Each defines `Model(spec)`, an nn.Module with SeqLab's
// parameter names and: forward(inputs, lengths, start, state, want_flow) -> (logits, rows with a loss term, state,
// top-layer h_t tensors or None); initial_state(B); probe(inputs, lengths) -> gate traces; supports_tbptt. The heads
// (python/heads.ts) follow every kind. A new kind (sequence-to-sequence, Transformer) adds its module here.
import type { ModelSpec } from '../../engine/spec';
import { HEADS_PY } from './python/heads';
import { RECURRENT_PY } from './python/recurrent';

export function modelPython(_spec: ModelSpec): string {
  return RECURRENT_PY + HEADS_PY;
}
