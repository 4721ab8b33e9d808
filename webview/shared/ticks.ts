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

/**
 * Labelled ticks of a log axis `heightPx` tall: powers of ten only, every one or every n-th so labels stay `minGapPx`
 * apart. A range inside one decade gets its 1-2-5 steps instead, so it still has labels.
 */
export function decadeTicks(min: number, max: number, heightPx: number, minGapPx = 22): number[] {
  if (!(min > 0) || !(max > min)) return [];
  const lmin = Math.log10(min), lmax = Math.log10(max);
  const every = Math.max(1, Math.ceil(minGapPx / (heightPx / (lmax - lmin))));
  const out: number[] = [];
  for (let e = Math.ceil(Math.ceil(lmin - 1e-9) / every) * every; e <= lmax + 1e-9; e += every) out.push(Number((10 ** e).toPrecision(12)));
  if (out.length >= 2) return out;
  const steps = [1, 2, 5].flatMap((m) => [Math.floor(lmin), Math.ceil(lmax)].map((e) => m * 10 ** e)).filter((v) => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9));
  const sorted = [...new Set(steps.map((v) => Number(v.toPrecision(12))))].sort((a, b) => a - b);
  return sorted.length >= 2 ? sorted : niceTicks(min, max, Math.max(2, Math.floor(heightPx / minGapPx)));
}

/** The unlabelled 2…9 × 10^k lines of a log axis, only where a decade is tall enough (`minDecadePx`) to keep them apart. */
export function minorLogTicks(min: number, max: number, heightPx: number, minDecadePx = 60): number[] {
  if (!(min > 0) || !(max > min)) return [];
  const lmin = Math.log10(min), lmax = Math.log10(max);
  if (heightPx / (lmax - lmin) < minDecadePx) return [];
  const out: number[] = [];
  for (let e = Math.floor(lmin); e <= Math.ceil(lmax); e++) {
    for (let m = 2; m <= 9; m++) { const v = m * 10 ** e; if (v >= min && v <= max) out.push(Number(v.toPrecision(12))); }
  }
  return out;
}

/** A colour at `alpha` opacity: #rgb and #rrggbb become #rrggbbaa; other CSS colours are mixed with transparent. */
export function withAlpha(color: string, alpha: number): string {
  const a = Math.round(Math.min(1, Math.max(0, alpha)) * 255).toString(16).padStart(2, '0');
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(color);
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}${a}`;
  if (/^#[0-9a-f]{6}$/i.test(color)) return `${color}${a}`;
  return `color-mix(in srgb, ${color} ${Math.round(alpha * 100)}%, transparent)`;
}
