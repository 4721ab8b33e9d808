// Sequences → engine batches (padded, with lengths, when lengths differ), and the epoch order of training rows.
import type { Buf, DType } from '../../engine/backend';
import type { Batch } from '../../engine/batch';
import { Rng } from '../../engine/rng';
import type { Dataset, Sequence } from './types';

export interface BatchOptions {
  dtype: DType;
  /** Token input without an embedding layer enters as one-hot vectors over the vocabulary. */
  oneHot: boolean;
}

function alloc(dtype: DType, n: number): Buf {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** Width of one step of model input. */
export function inputWidth(ds: Dataset, oneHot: boolean): number {
  return ds.input.kind === 'float' ? ds.input.size : oneHot ? ds.input.vocab.length : 1;
}

export function makeBatch(seqs: Sequence[], ds: Dataset, opts: BatchOptions): Batch {
  const B = seqs.length;
  const T = Math.max(...seqs.map((s) => s.T));
  const ragged = seqs.some((s) => s.T !== T);
  const lengths = ragged ? Int32Array.from(seqs, (s) => s.T) : null;
  let x: Buf | null = null;
  let tokens: Int32Array | null = null;
  if (ds.input.kind === 'float') {
    const I = ds.input.size;
    x = alloc(opts.dtype, B * T * I);
    seqs.forEach((s, b) => x!.set(s.x as Float32Array, b * T * I));
  } else if (opts.oneHot) {
    const V = ds.input.vocab.length;
    x = alloc(opts.dtype, B * T * V);
    seqs.forEach((s, b) => (s.tokens as Int32Array).forEach((id, t) => { x![(b * T + t) * V + id] = 1; }));
  } else {
    tokens = new Int32Array(B * T);
    seqs.forEach((s, b) => tokens!.set(s.tokens as Int32Array, b * T));
  }
  let y: Buf | Int32Array;
  const tg = ds.target;
  if (tg.kind === 'sequence') return { B, T, x, tokens, lengths, ...targetSequences(seqs) };
  if (tg.kind === 'class') {
    y = new Int32Array(tg.perStep ? B * T : B);
    seqs.forEach((s, b) => y.set(s.y, tg.perStep ? b * T : b));
  } else {
    const size = tg.size;
    y = alloc(opts.dtype, tg.perStep ? B * T * size : B * size);
    seqs.forEach((s, b) => y.set(s.y, tg.perStep ? b * T * size : b * size));
  }
  return { B, T, x, tokens, lengths, y };
}

/** Target token sequences (each ending with the end token) as B×steps ids padded with <pad> (id 0), and their lengths. */
function targetSequences(seqs: Sequence[]): Pick<Batch, 'y' | 'target'> {
  const steps = Math.max(...seqs.map((s) => s.y.length));
  const y = new Int32Array(seqs.length * steps);
  seqs.forEach((s, b) => y.set(s.y, b * steps));
  const ragged = seqs.some((s) => s.y.length !== steps);
  return { y, target: { steps, lengths: ragged ? Int32Array.from(seqs, (s) => s.y.length) : null } };
}

/** Where the training stream is: enough to continue it exactly after a resume. */
export interface StreamState { epoch: number; cursor: number }

/**
 * Training rows in batches, epoch after epoch. With shuffle the order of each epoch comes from the seed and the
 * epoch number alone; without it, file order. The last batch of an epoch may be smaller (as PyTorch's
 * DataLoader without drop_last), and a batch size beyond the data gives one batch of all rows.
 */
export class BatchStream {
  private order: number[] = [];
  constructor(
    private readonly rows: Sequence[], private readonly batchSize: number,
    private readonly shuffle: boolean, private readonly seed: number, private state: StreamState = { epoch: 0, cursor: 0 },
  ) {
    this.order = this.epochOrder(this.state.epoch);
  }

  private epochOrder(epoch: number): number[] {
    const order = this.rows.map((_, i) => i);
    return this.shuffle ? new Rng(this.seed).fork(`shuffle:${epoch}`).shuffle(order) : order;
  }

  next(): Sequence[] {
    if (this.state.cursor >= this.rows.length) {
      this.state = { epoch: this.state.epoch + 1, cursor: 0 };
      this.order = this.epochOrder(this.state.epoch);
    }
    const end = Math.min(this.rows.length, this.state.cursor + this.batchSize);
    const out = this.order.slice(this.state.cursor, end).map((i) => this.rows[i]);
    this.state = { ...this.state, cursor: end };
    return out;
  }

  getState(): StreamState {
    return { ...this.state };
  }
}

/** Consecutive slices of at most `size` rows (evaluation batches). */
export function chunks<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
