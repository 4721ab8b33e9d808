// What a claim's checks can measure of a finished run: each measure reads the records the run streamed (the same
// lines its run folder holds), its summary, or, for sizes, the model its experiment builds.
import type { EvalRecord, GradFlowRecord, RunSummary, StepRecord } from '../events';
import type { Experiment } from '../experiment';
import { trainingFootprint, type Footprint } from './footprint';

/** A finished run of one of a claim's experiments and the records it produced. */
export interface MeasuredRun {
  exp: Experiment;
  runDir: string;
  summary: RunSummary;
  steps: StepRecord[];
  evals: EvalRecord[];
  gradFlow: GradFlowRecord[];
}

/** A measure's parameters, from its check. */
export interface MeasureOptions {
  /** For "metric": the evaluation metric's name. */
  metric: string;
  /** For "stepsTo": the fraction of the baseline loss to reach. */
  level: number;
}

interface Measure {
  /** How the table names it. */
  label(o: MeasureOptions): string;
  of(run: MeasuredRun, o: MeasureOptions): number;
}

export const MEASURES = {
  valLoss: { label: () => 'final validation loss', of: (r) => r.summary.finalValLoss ?? NaN },
  valLossOverBaseline: { label: () => 'final validation loss ÷ baseline', of: (r) => (r.summary.finalValLoss ?? NaN) / baseline(r) },
  metric: { label: (o) => `final ${o.metric}`, of: (r, o) => r.summary.metrics[o.metric] ?? NaN },
  trainLoss: { label: () => 'training loss (last 10% of steps)', of: (r) => median(lateLosses(r)) },
  lossDrop: { label: () => 'first training loss ÷ last', of: (r) => median(r.steps.slice(0, 10).map((s) => s.loss)) / median(lateLosses(r)) },
  diverged: { label: () => 'diverged (1) or not (0)', of: (r) => (r.summary.status === 'failed' ? 1 : 0) },
  maxGradNorm: { label: () => 'largest gradient norm', of: (r) => Math.max(...r.steps.map((s) => (Number.isFinite(s.gradNorm) ? s.gradNorm : Infinity))) },
  gradFlowStart: { label: () => '‖∂L/∂h₁‖ ÷ ‖∂L/∂h_T‖ at the start', of: (r) => (r.gradFlow.length ? flowRatio(r.gradFlow[0]) : NaN) },
  gradFlowEnd: { label: () => '‖∂L/∂h₁‖ ÷ ‖∂L/∂h_T‖ late in training', of: (r) => median(lastQuarter(r.gradFlow).map(flowRatio)) },
  layerGradRatio: { label: () => '‖∇ bottom layer‖ ÷ ‖∇ top layer‖', of: layerGradRatio },
  stepsTo: { label: (o) => `steps to validation loss ≤ ${o.level} × baseline`, of: stepsTo },
  msPerStep: { label: () => 'ms per training step', of: (r) => 1000 * median(r.steps.slice(1).map((s, i) => s.time - r.steps[i].time)) },
  graphBytes: { label: () => 'bytes held for backprop per step', of: (r) => footprint(r).graphBytes },
  params: { label: () => 'parameters', of: (r) => footprint(r).params },
} satisfies Record<string, Measure>;

export const MEASURE_NAMES = Object.keys(MEASURES) as (keyof typeof MEASURES)[];

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The loss a model without memory gets (always predicting the mean, or the unigram distribution). */
function baseline(r: MeasuredRun): number {
  const m = r.summary.metrics;
  return m.baselineMse ?? m.baselineCrossEntropy ?? NaN;
}

function lateLosses(r: MeasuredRun): number[] {
  return r.steps.slice(-Math.max(1, Math.floor(r.steps.length / 10))).map((s) => s.loss);
}

function lastQuarter<T>(xs: T[]): T[] {
  return xs.slice(-Math.max(1, Math.floor(xs.length / 4)));
}

/** How much of the loss's gradient reaches the first step, relative to the last (the dashboard's flow verdict). */
function flowRatio(g: GradFlowRecord): number {
  return g.norms[0] / g.norms[g.norms.length - 1];
}

/** Median over steps of the bottom layer's input-weight gradient norm relative to the top layer's. */
function layerGradRatio(r: MeasuredRun): number {
  const top = r.exp.model.numLayers - 1;
  return median(r.steps.map((s) => s.paramGradNorms['rnn.weight_ih_l0'] / s.paramGradNorms[`rnn.weight_ih_l${top}`]));
}

/** The first evaluated step whose validation loss is at most level × baseline; Infinity when none is. */
function stepsTo(r: MeasuredRun, o: MeasureOptions): number {
  const hit = r.evals.find((e) => e.valLoss <= o.level * (e.metrics.baselineMse ?? e.metrics.baselineCrossEntropy ?? NaN));
  return hit ? hit.step : Infinity;
}

const footprints = new WeakMap<MeasuredRun, Footprint>();

function footprint(r: MeasuredRun): Footprint {
  let f = footprints.get(r);
  if (!f) footprints.set(r, (f = trainingFootprint(r.exp)));
  return f;
}
