// Datasets as the runner sees them: lists of sequences with a known input and target shape.
import type { Diagnostic } from '../diagnostics';
import type { TimeAxis } from './timeColumn';

export interface Sequence {
  T: number;
  /** T×inputSize floats, row-major by time; null for token input. */
  x: Float32Array | null;
  /** T token ids; null for float input. */
  tokens: Int32Array | null;
  /** Regression targets (size, or T×size per step), class ids (1, or T per step), or target token ids (sequence). */
  y: Float64Array | Int32Array;
}

export type Target =
  | { kind: 'regression'; size: number; perStep: boolean }
  | { kind: 'class'; labels: string[]; perStep: boolean }
  /** A token sequence per source (sequence-to-sequence): y holds its ids and the end token; vocab starts with pairs.ts's specials. */
  | { kind: 'sequence'; vocab: string[]; tokens: 'char' | 'word' };

export type Input = { kind: 'float'; size: number } | { kind: 'tokens'; vocab: string[] };

/** Per-column z-score statistics of a CSV series, computed on the training rows only. */
export interface Normalization { columns: string[]; mean: number[]; std: number[] }

export interface Dataset {
  input: Input;
  target: Target;
  train: Sequence[];
  validation: Sequence[];
  /** Trivial-predictor scores recorded as eval metrics (e.g. baselineMse = 1/6 for the adding problem). */
  baselines: Record<string, number>;
  warnings: Diagnostic[];
  /** CSV series: what is needed to map predictions back to original units and to plot the whole series. */
  series?: {
    /** Of the target columns: model outputs × std + mean are in the data's units. */
    normalization: Normalization;
    /** Of the input columns: what new inputs are scaled with before they reach the model. */
    inputNormalization: Normalization;
    targetColumns: string[];
    /** The time column (not an input unless named in data.columns), for the forecast's x-axis; null when there is none. */
    time: TimeAxis | null;
    /** All windows in time order (train then validation) and the index of each window's target row. */
    windows: Sequence[];
    targetRows: number[];
    /** Original-unit target values by row (targets × rows, row-major by row). */
    values: number[][];
  };
  /** Token data: how many distinct tokens were rarer than data.minFreq and are read as <unk>. */
  rareTokens?: number;
  /** Character text: the training text, for priming samples. */
  text?: string;
}

/** Largest magnitude accepted in data files: bigger values are almost always a units mistake and make training diverge. */
export const MAX_ABS_VALUE = 1e6;
