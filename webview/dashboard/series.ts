// Turns runs into the aligned arrays uPlot draws: one shared x (training step) and one y array per series,
// with null where a series has no value at that step (evaluations happen every N steps).
import type { ConfigDifference } from './configDiff';
import { runLabel } from './configDiff';
import { lossUnit } from '../../src/shared/metrics';
import { runName, type RunData } from './model';

export interface SeriesSpec {
  label: string;
  /** Index into the palette's series colors. */
  color: number;
  dash?: boolean;
  /** Drawn thin and translucent (the raw curve behind a smoothed one). */
  faint?: boolean;
  /** Draw only markers (anomalies), no line. */
  pointsOnly?: boolean;
}

export interface ChartData {
  series: SeriesSpec[];
  /** [x, y1, y2, …] */
  data: (number | null)[][];
}

/**
 * Exponential moving average with TensorBoard's debiasing, so the smoothed curve starts at the first value
 * rather than at 0. weight 0 returns the values unchanged.
 */
export function ema(values: readonly number[], weight: number): number[] {
  if (weight <= 0) return values.slice();
  let acc = 0;
  let n = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    acc = acc * weight + (1 - weight) * v;
    n++;
    return acc / (1 - weight ** n);
  });
}

/** Aligns several (x → y) point lists on the sorted union of their x values. */
export function align(lists: readonly { x: readonly number[]; y: readonly number[] }[]): (number | null)[][] {
  const xs = [...new Set(lists.flatMap((l) => l.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const out: (number | null)[][] = [xs];
  for (const l of lists) {
    const col: (number | null)[] = new Array(xs.length).fill(null);
    l.x.forEach((x, i) => { const v = l.y[i]; col[index.get(x) as number] = Number.isFinite(v) ? v : null; });
    out.push(col);
  }
  return out;
}

export interface CompareContext { diffs: ConfigDifference[] }

function labelOf(runs: readonly RunData[], i: number, ctx: CompareContext): string {
  return runs.length > 1 ? runLabel(ctx.diffs, i, runName(runs[i])) : runName(runs[i]);
}

export function lossChart(runs: readonly RunData[], smoothing: number, ctx: CompareContext): ChartData {
  const series: SeriesSpec[] = [];
  const lists: { x: number[]; y: number[] }[] = [];
  runs.forEach((run, i) => {
    const x = run.steps.map((s) => s.step);
    const raw = run.steps.map((s) => s.loss);
    const name = runs.length > 1 ? `${labelOf(runs, i, ctx)} ` : '';
    const color = runs.length > 1 ? i : 0;
    if (runs.length === 1 && smoothing > 0) {
      series.push({ label: 'train (raw)', color, faint: true });
      lists.push({ x, y: raw });
    }
    series.push({ label: `${name}train`, color });
    lists.push({ x, y: ema(raw, smoothing) });
    series.push({ label: `${name}validation`, color: runs.length > 1 ? i : 1, dash: runs.length > 1 });
    lists.push({ x: run.evals.map((e) => e.step), y: run.evals.map((e) => e.valLoss) });
  });
  return { series, data: align(lists) };
}

// Palette slots for per-parameter curves: everything but blue (global norm) and red (after clipping).
const paramColors = [1, 2, 3, 5, 6, 7];

export function gradNormChart(runs: readonly RunData[], ctx: CompareContext): ChartData {
  if (runs.length > 1) {
    return {
      series: runs.map((_, i) => ({ label: `${labelOf(runs, i, ctx)} ‖g‖`, color: i })),
      data: align(runs.map((r) => ({ x: r.steps.map((s) => s.step), y: r.steps.map((s) => s.gradNorm) }))),
    };
  }
  const run = runs[0];
  const x = run.steps.map((s) => s.step);
  const params = [...new Set(run.steps.flatMap((s) => Object.keys(s.paramGradNorms)))];
  const series: SeriesSpec[] = [
    { label: 'global ‖g‖ before clipping', color: 0 },
    { label: 'global ‖g‖ after clipping', color: 4, dash: true },
    ...params.map((p, k) => ({ label: p, color: paramColors[k % paramColors.length] })),
  ];
  const lists = [
    { x, y: run.steps.map((s) => s.gradNorm) },
    { x, y: run.steps.map((s) => s.gradNormClipped) },
    ...params.map((p) => ({ x, y: run.steps.map((s) => s.paramGradNorms[p] ?? NaN) })),
  ];
  return { series, data: align(lists) };
}

/** What the loss chart's values are in, said once when the runs agree, per run when they do not. */
export function lossUnitText(runs: readonly RunData[]): string {
  const units = runs.map((r) => (r.lossInfo ? lossUnit(r.lossInfo) : null));
  const known = [...new Set(units.filter((u): u is string => u !== null))];
  if (known.length === 0) return '';
  if (known.length === 1 && units.every((u) => u !== null)) return `Loss in ${known[0]}.`;
  return `Losses in different units: ${runs.map((r, i) => `${runName(r)}: ${units[i] ?? 'not recorded'}`).join('; ')}.`;
}
