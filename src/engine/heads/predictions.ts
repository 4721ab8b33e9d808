// What every model kind derives the same way from its head: predictions in the caller's layout and the loss's count.
import type { Buf, DType } from '../backend';
import { sequenceLength, type Batch } from '../batch';
import { activateRow, termsPerRow } from '../loss';
import type { LossType, ModelSpec } from '../spec';

/**
 * Head logits Z (B rows, or T·B time-major rows for head "all") as predictions with the output activation applied,
 * batch-first: [B, size] or [B, T, size]. The result is the caller's to keep: a plain array, not backend memory
 * (which may never be freed).
 */
export function headPredictions(spec: ModelSpec, dtype: DType, Z: Buf, B: number, T: number): { data: Buf; shape: number[] } {
  const size = spec.head.size;
  const out = (n: number): Buf => (dtype === 'float32' ? new Float32Array(n) : new Float64Array(n));
  if (spec.head.output !== 'all') {
    const data = out(B * size);
    for (let b = 0; b < B; b++) activateRow(spec.head.activation, Z, b * size, size, data, b * size);
    return { data, shape: [B, size] };
  }
  const data = out(B * T * size);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) activateRow(spec.head.activation, Z, (t * B + b) * size, size, data, (b * T + t) * size);
  return { data, shape: [B, T, size] };
}

/** How many terms the batch's loss averages over (valid steps for head "all"). */
export function lossTerms(spec: ModelSpec, batch: Batch, loss: LossType): number {
  let rows = batch.B;
  if (spec.head.output === 'all') {
    rows = 0;
    for (let b = 0; b < batch.B; b++) rows += sequenceLength(batch, b);
  }
  return rows * termsPerRow(loss, spec.head.size);
}
