// What a line chart draws of a long run: a canvas a thousand pixels wide shows no more than a few points per pixel, and
// drawing 50 000 steps of eight curves on every update would take the page's main thread (and, in a browser-hosted
// editor, the editor's too). Per bucket of x, the first and last points and each curve's lowest and highest are kept,
// so the drawn envelope, spikes included, is the same; the visible x range gets `buckets` buckets of its own, so a
// zoomed view keeps its detail.

export type Aligned = (number | null)[][];

export interface DecimateOptions {
  /** Buckets across the whole x range, and again across [from, to]. */
  buckets: number;
  from?: number;
  to?: number;
}

/** The x bucket of each point: fine ones inside [from, to], coarse ones outside (numbered after the fine ones). */
function bucketOf(xs: readonly number[], o: DecimateOptions): (x: number) => number {
  const x0 = xs[0], x1 = xs[xs.length - 1];
  const from = o.from ?? x0, to = o.to ?? x1;
  const coarse = (x1 - x0) / o.buckets || 1, fine = (to - from) / o.buckets || 1;
  return (x) => (x >= from && x <= to ? Math.floor((x - from) / fine) : o.buckets + 1 + Math.floor((x - x0) / coarse));
}

/** Row indices to keep of aligned chart data whose x (data[0]) is sorted. */
export function keptRows(data: Aligned, o: DecimateOptions): number[] {
  const xs = data[0] as number[];
  const n = xs.length;
  if (n <= 4 * o.buckets) return Array.from({ length: n }, (_, i) => i);
  const bucket = bucketOf(xs, o);
  const keep: number[] = [];
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && bucket(xs[i]) === bucket(xs[start])) continue;
    const rows = new Set([start, i - 1]);
    for (let s = 1; s < data.length; s++) extremes(data[s], start, i, rows);
    keep.push(...[...rows].sort((a, b) => a - b));
    start = i;
  }
  return keep;
}

/** Adds the rows of the column's lowest and highest non-null values in [start, end). */
function extremes(col: readonly (number | null)[], start: number, end: number, rows: Set<number>): void {
  let lo = -1, hi = -1;
  for (let i = start; i < end; i++) {
    const v = col[i];
    if (v === null) continue;
    if (lo < 0 || v < (col[lo] as number)) lo = i;
    if (hi < 0 || v > (col[hi] as number)) hi = i;
  }
  if (lo >= 0) rows.add(lo).add(hi);
}

export function decimate(data: Aligned, o: DecimateOptions): Aligned {
  const rows = keptRows(data, o);
  if (rows.length === data[0].length) return data;
  return data.map((col) => rows.map((i) => col[i]));
}
