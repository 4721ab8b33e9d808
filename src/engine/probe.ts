// What the views show of a few sequences: gate activations and states of recurrent cells (the dashboard's gate
// heatmaps; GateRecord in src/runner/events.ts adds the step and probe index), and the Transformer's attention weights
// (its attention maps; SelfAttentionRecord), and what a sequence-to-sequence decoder attended to (AlignmentRecord).

import type { CellType } from './spec';

export interface ProbeTrace {
  /** Index of the sequence in the probed batch. */
  sequence: number;
  layer: number;
  direction: 'forward' | 'reverse';
  cell: CellType;
  /** The sequence's valid length (its padded steps are left out). */
  T: number;
  H: number;
  /** Gate name → T×H row-major by time: LSTM i,f,g,o,h,c; GRU r,z,n,h; RNN h. */
  values: Record<string, number[]>;
}

/** Sequence-to-sequence: what the decoder attended to while decoding one probe sequence greedily. */
export interface Alignment {
  /** Index of the sequence in the probed batch. */
  sequence: number;
  /** Its source token ids (valid steps only). */
  source: number[];
  /** The greedily decoded target token ids, the end token included when it was produced. */
  target: number[];
  /** target × source: row i is the attention distribution while producing target[i] (empty without attention). */
  weights: number[][];
}

/** The self-attention weights of one sequence in one Transformer layer, every head. */
export interface AttentionMap {
  /** Index of the sequence in the probed batch. */
  sequence: number;
  layer: number;
  /** The sequence's valid length (its padded steps are left out). */
  T: number;
  /** Per head, T×T row-major: weights[h][i·T + j] is how much step i attends to step j (each row sums to 1). */
  weights: number[][];
}

export interface ProbeResult {
  /** Ordered by sequence, then layer, then direction (forward first); a sequence-to-sequence model's encoder. */
  traces: ProbeTrace[];
  /** Sequence-to-sequence only: one alignment per probe sequence. */
  alignments?: Alignment[];
  /** The Transformer's attention maps, ordered by sequence, then layer. */
  attention?: AttentionMap[];
}
