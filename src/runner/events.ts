// The records a run produces, as they appear in its folder and as they stream to the dashboard.
// metrics.jsonl holds StepRecord and EvalRecord lines; gradflow.jsonl holds GradFlowRecord lines;
// gates.jsonl holds GateRecord lines; attention.jsonl AlignmentRecord lines; selfattention.jsonl SelfAttentionRecord lines;
// tasks.jsonl holds TaskRecord lines. src/shared/protocol.ts re-exports these
// types for the webview unchanged. Fields the engine already reports are declared once, on its types.

import type { AttentionMap, ProbeTrace } from '../engine/probe';
import type { LossType } from '../engine/spec';
import type { StepResult } from '../engine/trainer';
import type { TimeAxis } from './data/timeColumn';

/** One training step, measured on that step's batch before its update (gradient flow goes to GradFlowRecord). */
export interface StepRecord extends Omit<StepResult, 'step' | 'gradFlow'> {
  kind: 'step';
  /** 1-based count of optimizer updates done, including this one. */
  step: number;
  /** Wall-clock seconds since the run started. */
  time: number;
  /** Training throughput over the recent window. */
  stepsPerSec: number;
}

export interface EvalRecord {
  kind: 'eval';
  step: number;
  valLoss: number;
  /** Task metrics by name: accuracy, baselineMse, perplexity… */
  metrics: Record<string, number>;
  time: number;
}

/**
 * Gradient flow through time: for every time step t, ‖∂L/∂h_t‖_F over the batch for the top recurrent layer (of the
 * encoder, for a sequence-to-sequence model: its source steps); for the Transformer (model.cell "transformer"),
 * ‖∂L/∂x_t‖_F at the input of its encoder stack, the gradient reaching position t.
 */
export interface GradFlowRecord {
  kind: 'gradflow';
  step: number;
  /** Length T. For a bidirectional top layer, the norm of both directions' gradient together. */
  norms: number[];
}

/** Gate activations and states of one probe sequence, for one layer and direction. */
export interface GateRecord extends Omit<ProbeTrace, 'sequence'> {
  kind: 'gates';
  step: number;
  /** Index of the probe sequence in the run's probe set. */
  probe: number;
}

/**
 * Sequence-to-sequence: what the decoder attended to while decoding one probe pair greedily (attention.jsonl), every
 * gatesEvery steps.
 */
export interface AlignmentRecord {
  kind: 'alignment';
  step: number;
  /** Index of the probe pair in the run's probe set. */
  probe: number;
  source: string[];
  /** The decoded tokens, "</s>" last when the decoder ended the sequence. */
  target: string[];
  /** target × source attention weights (empty for attention "none"). */
  weights: number[][];
}

/** A Transformer layer's self-attention weights for one probe sequence, every head (T×T per head, query rows). */
export interface SelfAttentionRecord extends Omit<AttentionMap, 'sequence'> {
  kind: 'selfattention';
  step: number;
  /** Index of the probe sequence in the run's probe set. */
  probe: number;
}

export type RunRecord = StepRecord | EvalRecord | GradFlowRecord | GateRecord | AlignmentRecord | SelfAttentionRecord;

export type RunStatus = 'running' | 'completed' | 'stopped' | 'failed';

/** summary.json, rewritten atomically as the run progresses and at its end. */
export interface RunSummary {
  runId: string;
  name: string;
  status: RunStatus;
  /** Why a failed run failed, naming the step and parameter for numerical failures. */
  reason?: string;
  steps: number;
  finalLoss: number | null;
  finalValLoss: number | null;
  metrics: Record<string, number>;
  wallTimeSec: number;
  /** The backend that ran, e.g. "reference/float32" or "gpu.js/webasm". */
  backend: string;
  startedAt: string;
  endedAt: string | null;
}

/** Task views (text samples, forecasts, confusion matrices, per-step labels), one line each in tasks.jsonl. */
export type TaskRecord =
  | { kind: 'sample'; step: number; temperature: number; text: string }
  /** time: the series' time column (row r at time.values[r]), absent when it has none. */
  | { kind: 'forecast'; step: number; actual: number[]; predicted: number[]; anomalies: number[]; threshold: number; time?: TimeAxis }
  | { kind: 'confusion'; step: number; labels: string[]; matrix: number[][] }
  | { kind: 'labels'; step: number; tokens: string[]; predicted: string[]; actual: string[] }
  | { kind: 'translations'; step: number; examples: TranslationExample[] }
  | { kind: 'beams'; step: number; probe: number; source: string; hypotheses: BeamHypothesis[] };

/** One validation pair decoded two ways, with each output's sentence BLEU (0-100). */
export interface TranslationExample {
  source: string;
  reference: string;
  greedy: string;
  beam: string;
  greedyBleu: number;
  beamBleu: number;
}

/** A beam search hypothesis: its text, log-probability and the score beam search ranks by. */
export interface BeamHypothesis { text: string; logProb: number; score: number; finished: boolean }

/** Everything a dashboard needs to draw a run from scratch, read back from its folder. */
/** What a run's losses are measured in (from run.json): its loss function, and whether targets are z-scored (CSV). */
export interface LossInfo {
  loss: LossType;
  normalized: boolean;
}

export interface RunSnapshot {
  runId: string;
  /** The resolved config, as written to the run folder. */
  config: unknown;
  /** Absent or null when run.json does not say. */
  lossInfo?: LossInfo | null;
  summary: RunSummary | null;
  records: RunRecord[];
  /** Text samples, forecasts, confusion matrices and other task views, by kind. */
  taskRecords: TaskRecord[];
}
