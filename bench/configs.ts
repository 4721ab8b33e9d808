// What `npm run bench` measures: the reference configurations (all systems) and the LSTM scaling sweep.
import type { CellType } from '../src/engine/spec';

export interface BenchConfig {
  /** Stable key in results.json, e.g. "lstm B32 T64 I16 H128". */
  id: string;
  cell: CellType;
  B: number;
  T: number;
  I: number;
  H: number;
  /** Truncated BPTT chunk (SeqLab and the memory check only); null: full BPTT. */
  tbptt: number | null;
}

export function config(cell: CellType, T: number, H: number, tbptt: number | null = null): BenchConfig {
  const B = 32, I = 16;
  return { id: `${cell} B${B} T${T} I${I} H${H}${tbptt ? ` tbptt${tbptt}` : ''}`, cell, B, T, I, H, tbptt };
}

/** Batch 32, 64 steps, 16 inputs, 128 hidden: every system runs these. */
export const REFERENCE: BenchConfig[] = [config('lstm', 64, 128), config('gru', 64, 128), config('rnn', 64, 128)];

/** LSTM scaling over T (at H=128) and over H (at T=64), SeqLab and PyTorch; plus T=1024 with truncated BPTT. */
export const SWEEP: BenchConfig[] = [
  ...[16, 256, 1024].map((T) => config('lstm', T, 128)),
  ...[32, 512].map((H) => config('lstm', 64, H)),
  config('lstm', 1024, 128, 64),
];
