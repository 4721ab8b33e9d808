// Axis ticks for the charts and heatmaps.

/** Evenly spaced "nice" ticks (1, 2, 5 × 10^k) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  // The 1-2-5 step nearest to the raw step (on a log scale), so a range never ends up with a single tick.
  const step = [1, 2, 5, 10].map((m) => m * mag).reduce((best, s) => (Math.abs(Math.log(s / raw)) < Math.abs(Math.log(best / raw)) ? s : best));
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Powers of ten covering [min, max] (min > 0), thinned to at most `count` ticks. */
export function logTicks(min: number, max: number, count = 6): number[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const every = Math.max(1, Math.ceil((hi - lo + 1) / count));
  const out: number[] = [];
  for (let e = lo; e <= hi; e += every) out.push(10 ** e);
  return out;
}
