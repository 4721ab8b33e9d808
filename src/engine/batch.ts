// A batch as the model takes it (batch-first, like PyTorch's batch_first=True) and its validation.

import type { Buf } from './backend';
import { inputWidth } from './params';
import type { LossType, ModelSpec } from './spec';

export interface Batch {
  B: number;
  T: number;
  /** B×T×inputSize, batch-first; null when the model embeds tokens. */
  x: Buf | null;
  /** B×T token ids when spec.embedding is set. */
  tokens: Int32Array | null;
  /** Valid steps per sequence (1..T); null means all T. Padding is at the end. */
  lengths: Int32Array | null;
  /**
   * mse/bce: float targets, B×size ("last"/"attention") or B×T×size ("all");
   * cross_entropy: class ids, B ("last"/"attention") or B×T ("all").
   */
  y: Buf | Int32Array;
  /**
   * Sequence-to-sequence only: the target side. y then holds B×steps target token ids, batch-first: each sequence's
   * tokens and its end token (lengths[b] of them, end token included), the rest any valid id (padding).
   */
  target?: { steps: number; lengths: Int32Array | null };
}

export function sequenceLength(batch: Batch, b: number): number {
  return batch.lengths ? batch.lengths[b] : batch.T;
}

/** Throws naming the first inconsistency between the batch and the model (and loss, when given). */
export function checkBatch(batch: Batch, spec: ModelSpec, loss: LossType | null): void {
  const { B, T } = batch;
  if (!Number.isInteger(B) || B < 1) throw new Error(`batch: B must be a positive integer, got ${B}`);
  if (!Number.isInteger(T) || T < 1) throw new Error(`batch: T must be a positive integer, got ${T}`);
  if (spec.embedding) {
    const { vocabSize } = spec.embedding;
    if (!batch.tokens) throw new Error('batch: the model has an embedding, so the batch needs tokens');
    if (batch.tokens.length !== B * T) throw new Error(`batch: tokens has ${batch.tokens.length} ids, expected B·T = ${B * T}`);
    for (let i = 0; i < batch.tokens.length; i++) {
      const v = batch.tokens[i];
      if (v < 0 || v >= vocabSize)
        throw new Error(`batch: token ${v} at sequence ${Math.floor(i / T)}, step ${i % T} is outside the vocabulary 0..${vocabSize - 1}`);
    }
  } else {
    const I = inputWidth(spec);
    if (!batch.x) throw new Error('batch: x is missing (the model has no embedding)');
    if (batch.x.length !== B * T * I) throw new Error(`batch: x has ${batch.x.length} values, expected B·T·inputSize = ${B * T * I}`);
  }
  if (batch.lengths) {
    if (batch.lengths.length !== B) throw new Error(`batch: lengths has ${batch.lengths.length} entries, expected B = ${B}`);
    batch.lengths.forEach((L, b) => {
      if (L < 1 || L > T) throw new Error(`batch: lengths[${b}] = ${L} is outside 1..T = ${T}`);
    });
  }
  if (loss === null) return;
  const rows = spec.head.output === 'all' ? B * T : B;
  const shape = spec.head.output === 'all' ? 'B·T' : 'B';
  if (loss === 'cross_entropy') {
    if (!(batch.y instanceof Int32Array)) throw new Error('batch: cross_entropy needs y as an Int32Array of class ids');
    if (batch.y.length !== rows) throw new Error(`batch: y has ${batch.y.length} class ids, expected ${shape} = ${rows}`);
  } else {
    if (batch.y instanceof Int32Array) throw new Error(`batch: ${loss} needs float targets in y, got an Int32Array`);
    const n = rows * spec.head.size;
    if (batch.y.length !== n) throw new Error(`batch: y has ${batch.y.length} values, expected ${shape}·size = ${n}`);
  }
}

/** Sequences b0..b1−1 of a batch as a batch of their own (views, no copies; every per-sequence array is cut alike). */
export function sliceBatch(batch: Batch, b0: number, b1: number): Batch {
  const cut = <A extends Buf | Int32Array>(a: A): A => {
    const per = a.length / batch.B;
    return a.subarray(b0 * per, b1 * per) as A;
  };
  return {
    B: b1 - b0, T: batch.T, x: batch.x && cut(batch.x), tokens: batch.tokens && cut(batch.tokens),
    lengths: batch.lengths && cut(batch.lengths), y: cut(batch.y),
  };
}
