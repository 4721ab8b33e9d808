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

export interface ProbeResult {
  /** Ordered by sequence, then layer, then direction (forward first). */
  traces: ProbeTrace[];
}
