// The offline report's data, packed: a JSON snapshot spells every float with 17 digits and every step record's keys,
// which made a three-run comparison of 1500 steps 4.9 MB. Here step records become columns, curves float32 in
// base64 (what the engine computes, so the charts lose nothing), heatmaps 8-bit (a colour cell shows no more), and a
// run longer than STEP_BUDGET steps keeps, per bucket of steps, the ones where a drawn curve reaches its minimum or
// maximum, so spikes stay visible; task views keep only the records they draw, a long forecast its extremes. The full
// data stays in the run folder's jsonl files (the report links metrics.jsonl). webview/dashboard/unpack.ts turns this
// back into a RunSnapshot.
import type { EvalRecord, LossInfo, RunRecord, RunSnapshot, RunSummary, StepRecord, TaskRecord } from './events';

/**
 * Numbers in base64 (float32 little-endian, or 8-bit steps between lo and hi), as decimals (times and rates, which
 * float32 would turn into 0.009999999776), one value n times (a constant learning rate), or n evenly spaced values.
 */
export type PackedNumbers =
  | { f32: string } | { u8: string; lo: number; hi: number } | { dec: number[] } | { same: number; n: number } | { from: number; step: number; n: number };

/** A run's step records as columns, one value per kept step. */
export interface PackedSteps {
  /** Step records in the run; more than the kept ones when the run was decimated. */
  total: number;
  kept: number;
  columns: Record<'step' | 'loss' | 'gradNorm' | 'gradNormClipped' | 'lr' | 'time' | 'stepsPerSec', PackedNumbers>;
  /** Per-parameter gradient norms, by state_dict name (NaN where a step lacks the parameter). */
  params: Record<string, PackedNumbers>;
}

/** A packed field: one array, a list of arrays (attention rows or heads), or arrays by name (gates). */
export type PackedField = PackedNumbers | PackedNumbers[] | Record<string, PackedNumbers>;

/** An evaluation as it is, or a record whose number arrays moved, packed, to `packed` under their field names. */
export type PackedRecord = EvalRecord | { kind: Exclude<RunRecord['kind'], 'step' | 'eval'>; packed: Record<string, PackedField>; [field: string]: unknown };

export interface PackedSnapshot {
  runId: string;
  config: unknown;
  lossInfo?: LossInfo;
  summary: RunSummary | null;
  steps: PackedSteps;
  records: PackedRecord[];
  /** What the task views draw: every text sample, and the latest record of each other kind. */
  taskRecords: PackedTask[];
  /** Where the full records are, relative to the report (set by the caller that knows both places). */
  metricsHref?: string;
}

type Forecast = Extract<TaskRecord, { kind: 'forecast' }>;

/**
 * A forecast with its series packed: values float32, the time column (dates in ms need every digit) exact. A series
 * longer than FORECAST_BUDGET rows keeps each stretch's extremes and every anomaly: `rowIndex` names the kept rows
 * (anomalies and the time column then count in kept rows), `rows` how many the series had.
 */
export type PackedForecast = Omit<Forecast, 'actual' | 'predicted'> & {
  packed: { actual: PackedNumbers; predicted: PackedNumbers };
  rows?: number;
  rowIndex?: PackedNumbers;
};

/** Rows of a forecast series kept in a report (about; a stretch keeps up to five). */
export const FORECAST_BUDGET = 20_000;

export type PackedTask = Exclude<TaskRecord, Forecast> | PackedForecast;

/** Step records per run a report keeps, at most (a run with more is decimated to about this many). */
export const STEP_BUDGET = 4000;

/** JSON has no NaN: a record read back holds null where the run had none (a row no window predicts), kept as NaN. */
export function packFloat32(values: readonly (number | null)[]): PackedNumbers {
  return { f32: Buffer.from(Float32Array.from(values, (v) => v ?? NaN).buffer).toString('base64') };
}

/** Exact numbers: start and step when they are evenly spaced (a row index, daily dates), else decimals. */
export function packExact(values: readonly number[]): PackedNumbers {
  const [a, b] = values;
  const step = b - a;
  if (values.length > 2 && values.every((v, i) => v === a + i * step)) return { from: a, step, n: values.length };
  return { dec: values.slice() };
}

/** Decimals rounded to `digits` significant digits, or one value when they are all the same. */
export function packDecimal(values: readonly number[], digits: number): PackedNumbers {
  const rounded = values.map((v) => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : v));
  if (rounded.length > 0 && rounded.every((v) => Object.is(v, rounded[0]))) return { same: rounded[0], n: rounded.length };
  return { dec: rounded };
}

/** 8-bit between the array's own finite min and max: for heatmaps, whose colour scale resolves no finer. */
export function packUint8(values: readonly number[]): PackedNumbers {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (lo > hi) { lo = 0; hi = 0; }
  const span = hi - lo;
  const bytes = Uint8Array.from(values, (v) => (Number.isFinite(v) && span > 0 ? Math.round(((v - lo) / span) * 255) : 0));
  return { u8: Buffer.from(bytes).toString('base64'), lo, hi };
}

/**
 * Indices to keep so that at most about `budget` points remain: per bucket of consecutive indices, the first and the
 * positions of each column's minimum and maximum (min/max decimation: the drawn envelope, spikes included, is kept).
 */
export function decimationIndices(columns: readonly (readonly number[])[], length: number, budget: number): number[] {
  if (length <= budget) return Array.from({ length }, (_, i) => i);
  const per = Math.max(1, Math.floor(budget / (1 + 2 * columns.length)));
  const size = Math.ceil(length / per);
  const keep = new Set<number>();
  for (let start = 0; start < length; start += size) {
    const end = Math.min(length, start + size);
    keep.add(start);
    for (const col of columns) {
      let lo = -1, hi = -1;
      for (let i = start; i < end; i++) {
        const v = col[i];
        if (!Number.isFinite(v)) continue;
        if (lo < 0 || v < col[lo]) lo = i;
        if (hi < 0 || v > col[hi]) hi = i;
      }
      if (lo >= 0) keep.add(lo).add(hi);
    }
  }
  keep.add(length - 1);
  return [...keep].sort((a, b) => a - b);
}

export function packSteps(steps: readonly StepRecord[], budget = STEP_BUDGET): PackedSteps {
  const col = (f: (s: StepRecord) => number) => steps.map(f);
  const loss = col((s) => s.loss), gradNorm = col((s) => s.gradNorm);
  const keep = decimationIndices([loss, gradNorm, col((s) => s.gradNormClipped)], steps.length, budget);
  const kept = keep.map((i) => steps[i]);
  const pick = (f: (s: StepRecord) => number) => packFloat32(kept.map(f));
  const decimal = (f: (s: StepRecord) => number, digits: number) => packDecimal(kept.map(f), digits);
  const names = [...new Set(kept.flatMap((s) => Object.keys(s.paramGradNorms)))];
  return {
    total: steps.length,
    kept: kept.length,
    columns: {
      step: packExact(kept.map((s) => s.step)), loss: pick((s) => s.loss), gradNorm: pick((s) => s.gradNorm),
      gradNormClipped: pick((s) => s.gradNormClipped), lr: decimal((s) => s.lr, 15), time: decimal((s) => s.time, 15),
      // Shown with one decimal; the run's own records keep every digit.
      stepsPerSec: decimal((s) => s.stepsPerSec, 4),
    },
    params: Object.fromEntries(names.map((n) => [n, pick((s) => s.paramGradNorms[n] ?? NaN)])),
  };
}

/** Packs the arrays each record kind draws; evaluations are few and small, so they stay as they are. */
export function packRecord(r: Exclude<RunRecord, StepRecord>): PackedRecord {
  switch (r.kind) {
    case 'gradflow': {
      const { norms, ...rest } = r;
      return { ...rest, packed: { norms: packFloat32(norms) } };
    }
    case 'gates': {
      const { values, ...rest } = r;
      return { ...rest, packed: { values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, packUint8(v)])) } };
    }
    case 'selfattention': {
      const { weights, ...rest } = r;
      return { ...rest, packed: { weights: weights.map((w) => packUint8(w)) } };
    }
    case 'alignment': {
      const { weights, ...rest } = r;
      return { ...rest, packed: { weights: weights.map((w) => packUint8(w)) } };
    }
    case 'eval': return r;
  }
}

/** The task views draw the latest record of each kind (and up to 8 text samples): the rest stays in tasks.jsonl. */
export function packTasks(tasks: readonly TaskRecord[], forecastBudget = FORECAST_BUDGET): PackedTask[] {
  const latest = new Map<TaskRecord['kind'], number>();
  tasks.forEach((t, i) => latest.set(t.kind, i));
  return tasks.filter((t, i) => t.kind === 'sample' || latest.get(t.kind) === i)
    .map((t) => (t.kind === 'forecast' ? packForecast(t, forecastBudget) : t));
}

function packForecast(f: Forecast, budget: number): PackedForecast {
  const { actual, predicted, anomalies, time, ...rest } = f as Forecast & { time?: { values: number[] } };
  const n = actual.length;
  const predictedNumbers = predicted.map((v) => v ?? NaN);
  const keep = n <= budget ? null : [...new Set([...decimationIndices([actual, predictedNumbers], n, budget), ...anomalies])].sort((a, b) => a - b);
  const pick = <T>(xs: readonly T[]) => (keep ? keep.map((i) => xs[i]) : xs);
  const position = new Map(keep?.map((r, i) => [r, i]));
  return {
    ...rest,
    anomalies: keep ? anomalies.map((r) => position.get(r) as number) : anomalies,
    ...(time ? { time: { ...time, values: packExact(pick(time.values)) } } : {}),
    ...(keep ? { rows: n, rowIndex: packExact(keep) } : {}),
    packed: { actual: packFloat32(pick(actual)), predicted: packFloat32(pick(predictedNumbers)) },
  } as PackedForecast;
}

export function packSnapshot(s: RunSnapshot, metricsHref?: string): PackedSnapshot {
  const steps = s.records.filter((r): r is StepRecord => r.kind === 'step');
  const rest = s.records.filter((r): r is Exclude<RunRecord, StepRecord> => r.kind !== 'step');
  return {
    runId: s.runId, config: s.config, ...(s.lossInfo ? { lossInfo: s.lossInfo } : {}), summary: s.summary, steps: packSteps(steps),
    records: rest.map(packRecord), taskRecords: packTasks(s.taskRecords), ...(metricsHref ? { metricsHref } : {}),
  };
}
