// The forecast chart's x axis: the CSV's time column when the record carries one, and where validation begins.
import type { TaskRecord } from '../../src/shared/protocol';
import { configValue } from './model';

/**
 * A forecast record (with the CSV's time column when it has one: dates as milliseconds since 1970, UTC). In a report
 * of a long series only some rows are kept (src/runner/reportPack.ts): `rowIndex` names them and `rows` counts the
 * series' rows.
 */
export type ForecastRecord = Extract<TaskRecord, { kind: 'forecast' }> & { rows?: number; rowIndex?: number[] };

export interface ForecastAxis {
  label: string;
  xs: number[];
  format?: (x: number) => string;
  /** Where validation starts, on this axis; null when the config has no train/validation split of the series. */
  splitX: number | null;
}

export function forecastAxis(f: ForecastRecord, config: unknown): ForecastAxis {
  const split = validationStartRow(config, f.rows ?? f.actual.length);
  const at = split === null ? -1 : f.rowIndex ? f.rowIndex.findIndex((r) => r >= split) : split;
  const t = f.time;
  const withX = (label: string, xs: number[], format?: (x: number) => string): ForecastAxis => ({ label, xs, format, splitX: at >= 0 ? xs[at] : null });
  if (!t || t.values.length !== f.actual.length) return withX('time index', f.rowIndex ?? f.actual.map((_, i) => i));
  if (t.kind === 'number') return withX(t.column, t.values);
  const withTime = t.values.some((ms) => ms % 86_400_000 !== 0);
  return withX(t.column, t.values, (ms) => dateLabel(ms, withTime));
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
