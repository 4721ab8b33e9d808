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

/** How a column's values run, fed one at a time: in order, strictly increasing, evenly spaced. */
class Run {
  n = 0;
  nondecreasing = true;
  increasing = true;
  even = true;
  private prev = 0;
  private step = 0;
  add(x: number): void {
    if (this.n > 0) {
      if (!(x >= this.prev)) this.nondecreasing = false;
      if (!(x > this.prev)) this.increasing = false;
      if (this.n === 1) this.step = x - this.prev;
      else if (!(Math.abs(x - this.prev - this.step) <= 1e-9 * Math.max(1, Math.abs(this.step)))) this.even = false;
    }
    this.prev = x;
    this.n++;
  }
}

/**
 * One column's cells fed in order (a line at a time, or all at once): whether they are all numbers or all ISO dates,
 * and how they run. It keeps the dates while every cell is one; the numbers are the loader's own.
 */
export class AxisScan {
  private numbers: Run | null = new Run();
  private dateRun: Run | null = new Run();
  private dates: number[] | null = [];

  /** A cell's text and its value as a number (NaN for an empty cell), as the loader reads it. */
  add(text: string, value: number): void {
    if (this.numbers) {
      if (Number.isFinite(value)) this.numbers.add(value);
      else this.numbers = null;
    }
    if (this.dateRun) {
      const t = parseIsoDate(text);
      if (Number.isFinite(t)) {
        this.dateRun.add(t);
        this.dates!.push(t);
      } else {
        this.dateRun = null;
        this.dates = null;
      }
    }
  }

  /** The column's kind of time axis and how its values run, or null when its cells are not all numbers or all dates. */
  get axis(): { kind: 'number' | 'date'; run: Run } | null {
    if (this.numbers) return { kind: 'number', run: this.numbers };
    return this.dateRun ? { kind: 'date', run: this.dateRun } : null;
  }

  values(numbers: () => ArrayLike<number>): number[] {
    return this.numbers ? Array.from(numbers()) : this.dates!;
  }
}

/**
 * The series' time column: the first one named like time (date, year, timestamp…) whose values are numbers or ISO
 * dates in order, else the first column of ISO dates, else the first column whose numbers strictly increase by a constant step
 * (a row index). Null when there is none. `numbersOf`: a column's cells as numbers.
 */
export function chooseTimeColumn(names: string[], scans: AxisScan[], numbersOf: (j: number) => ArrayLike<number>): TimeAxis | null {
  const axes = scans.map((s) => s.axis);
  let j = axes.findIndex((a, j) => a && looksLikeTimeName(names[j]) && a.run.nondecreasing);
  if (j < 0) j = axes.findIndex((a) => a?.kind === 'date' && a.run.increasing);
  if (j < 0) j = axes.findIndex((a) => a !== null && a.run.n > 1 && a.run.increasing && a.run.even);
  return j < 0 ? null : { column: names[j], kind: axes[j]!.kind, values: scans[j].values(() => numbersOf(j)) };
}

/** chooseTimeColumn over columns given whole, as text. */
export function findTimeColumn(names: string[], cellsOf: (j: number) => string[]): TimeAxis | null {
  const numbers = names.map((_, j) => cellsOf(j).map((c) => (c === '' ? NaN : Number(c))));
  const scans = names.map((_, j) => {
    const scan = new AxisScan();
    cellsOf(j).forEach((c, r) => scan.add(c, numbers[j][r]));
    return scan;
  });
  return chooseTimeColumn(names, scans, (j) => numbers[j]);
}
