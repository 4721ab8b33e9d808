// What `npm run bench` measures: the reference configurations (all systems), the LSTM scaling sweep, and a Transformer
// step (SeqLab and torch.nn.TransformerEncoder).
import type { CellType } from '../src/engine/spec';

export type RecurrentCell = Exclude<CellType, 'transformer'>;

export interface BenchConfig {
  /** Stable key in results.json, e.g. "lstm B32 T64 I16 H128". */
  id: string;
  cell: CellType;
  B: number;
  T: number;
  I: number;
  /** Hidden size; the Transformer's d_model. */
  H: number;
  /** Truncated BPTT chunk (SeqLab and the memory check only); null: full BPTT. */
  tbptt: number | null;
  /** The Transformer's shape (cell "transformer" only): relu, post-norm, sinusoidal positions, causal (a head on every step). */
  transformer: { heads: number; layers: number; feedForward: number } | null;
}

export function config(cell: RecurrentCell, T: number, H: number, tbptt: number | null = null): BenchConfig {
  const B = 32, I = 16;
  return { id: `${cell} B${B} T${T} I${I} H${H}${tbptt ? ` tbptt${tbptt}` : ''}`, cell, B, T, I, H, tbptt, transformer: null };
}

/** Batch 32, T=64, 16 inputs, d_model 128, 4 heads, 2 layers, feed-forward 512 (4 × d_model): SeqLab and PyTorch. */
export const TRANSFORMER: BenchConfig = {
  id: 'transformer B32 T64 I16 d128 h4 L2 ff512', cell: 'transformer', B: 32, T: 64, I: 16, H: 128, tbptt: null,
  transformer: { heads: 4, layers: 2, feedForward: 512 },
};

/** The recurrent cell of a configuration TF.js and brain.js run (they have no Transformer to compare with here). */
export function recurrentCell(c: BenchConfig): RecurrentCell {
  if (c.cell === 'transformer') throw new Error(`${c.id}: only SeqLab and PyTorch run the Transformer configuration`);
  return c.cell;
}

/** Batch 32, 64 steps, 16 inputs, 128 hidden: every system runs these. */
export const REFERENCE: BenchConfig[] = [config('lstm', 64, 128), config('gru', 64, 128), config('rnn', 64, 128)];

/** LSTM scaling over T (at H=128) and over H (at T=64), SeqLab and PyTorch; plus T=1024 with truncated BPTT. */
export const SWEEP: BenchConfig[] = [
  ...[16, 256, 1024].map((T) => config('lstm', T, 128)),
  ...[32, 512].map((H) => config('lstm', 64, H)),
  config('lstm', 1024, 128, 64),
];
