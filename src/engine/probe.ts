// Gate activations and states of a few sequences, the raw material of the dashboard's gate heatmaps
// (GateRecord in src/runner/events.ts adds the step and probe index).

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

export interface ProbeResult {
  /** Ordered by sequence, then layer, then direction (forward first); a sequence-to-sequence model's encoder. */
  traces: ProbeTrace[];
  /** Sequence-to-sequence only: one alignment per probe sequence. */
  alignments?: Alignment[];
}
