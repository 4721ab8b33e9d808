// The time index of a CSV series (a date, year or timestamp column): it orders the rows rather than describing them,
// so it is no input by default, and its values are the x-axis a forecast is drawn against.

/** The time column's values as numbers: as written, or for ISO dates milliseconds since 1970 (UTC). */
export interface TimeAxis { column: string; kind: 'number' | 'date'; values: number[] }

/** Words that name a time column, alone or as part of the name ("order_date", "Timestamp"). */
const TIME_WORDS = new Set(['date', 'time', 'year', 'timestamp', 'datetime', 'day', 'month', 'week', 'hour', 'minute', 'period']);

/** 2020, 2020-03, 2020-03-01, 2020-03-01T10:00, 2020-03-01 10:00:05.5Z, 2020-03-01T10:00+02:00 */
const ISO_DATE = /^\d{4}-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?$/;

export function looksLikeTimeName(name: string): boolean {
  return name.toLowerCase().split(/[^a-z]+/).some((w) => TIME_WORDS.has(w));
}

/** An ISO date or date-time as milliseconds since 1970; one without a zone is read as UTC, so the axis is the same everywhere. */
function parseIsoDate(text: string): number {
  if (!ISO_DATE.test(text)) return NaN;
  const t = text.replace(' ', 'T');
  return Date.parse(/T/.test(t) && !/(Z|[+-]\d{2}:?\d{2})$/.test(t) ? t + 'Z' : t);
}

/** The column's values as a time axis, or null when they are not all numbers or all ISO dates. */
function axisOf(column: string, cells: string[]): TimeAxis | null {
  const numbers = cells.map((c) => (c === '' ? NaN : Number(c)));
  if (numbers.every(Number.isFinite)) return { column, kind: 'number', values: numbers };
  const dates = cells.map(parseIsoDate);
  return dates.every(Number.isFinite) ? { column, kind: 'date', values: dates } : null;
}

const increasing = (v: number[]) => v.every((x, i) => i === 0 || x > v[i - 1]);

/**
 * The series' time column: the first one named like time (date, year, timestamp…) whose values are numbers or ISO
 * dates in order, else the first column of ISO dates, else the first column whose numbers strictly increase by a constant step
 * (a row index). Null when there is none.
 */
export function findTimeColumn(names: string[], cellsOf: (j: number) => string[]): TimeAxis | null {
  const axes = names.map((n, j) => axisOf(n, cellsOf(j)));
  const named = axes.find((a, j) => a && looksLikeTimeName(names[j]) && a.values.every((x, i) => i === 0 || x >= a.values[i - 1]));
  if (named) return named;
  const dated = axes.find((a) => a?.kind === 'date' && increasing(a.values));
  if (dated) return dated;
  return axes.find((a) => a !== null && a.values.length > 1 && increasing(a.values) && evenlySpaced(a.values)) ?? null;
}

function evenlySpaced(v: number[]): boolean {
  const step = v[1] - v[0];
  return v.every((x, i) => i === 0 || Math.abs(x - v[i - 1] - step) <= 1e-9 * Math.max(1, Math.abs(step)));
}
