// The forecast chart's x axis: the CSV's time column when the record carries one, and where validation begins.
import type { TaskRecord } from '../../src/shared/protocol';
import { configValue } from './model';

/**
 * A forecast record, with the series' time column (row r at time.values[r]; dates as milliseconds since 1970, UTC)
 * that CSV runs record on it (src/runner/data/timeColumn.ts).
 */
export type ForecastRecord = Extract<TaskRecord, { kind: 'forecast' }> & {
  time?: { column: string; kind: 'number' | 'date'; values: number[] };
};

export interface ForecastAxis {
  label: string;
  xs: number[];
  format?: (x: number) => string;
}

export function forecastAxis(f: ForecastRecord): ForecastAxis {
  const t = f.time;
  if (!t || t.values.length !== f.actual.length) return { label: 'time index', xs: f.actual.map((_, i) => i) };
  if (t.kind === 'number') return { label: t.column, xs: t.values };
  const withTime = t.values.some((ms) => ms % 86_400_000 !== 0);
  return { label: t.column, xs: t.values, format: (ms) => dateLabel(ms, withTime) };
}

/** A UTC date, with the time of day for series that have one (not every row at midnight). */
export function dateLabel(ms: number, withTime: boolean): string {
  if (!Number.isFinite(ms)) return '';
  const iso = new Date(ms).toISOString();
  return withTime ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

/**
 * The first row of a CSV series' validation part, split as src/runner/data/csv.ts splits it (the last
 * data.validation of the rows, after at least one window), or null when the config has no such split.
 */
export function validationStartRow(config: unknown, rows: number): number | null {
  const [source, validation, window, horizon] = ['source', 'validation', 'window', 'horizon'].map((k) => configValue(config, `data.${k}`));
  if (source !== 'csv' || typeof validation !== 'number' || typeof window !== 'number' || typeof horizon !== 'number' || validation <= 0) return null;
  const start = Math.max(window + horizon, Math.round(rows * (1 - validation)));
  return start < rows ? start : null;
}
