// How numbers and durations read wherever SeqLab shows them: the CLI, the tree, the dashboard and the live view.
// Pure functions with no imports, so every host and the webview bundle use the same ones.

/** Compact human formatting: 4 significant digits, scientific for very small or large magnitudes; "–" for none. */
export function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(Math.max(0, digits - 2)).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return Number(v.toPrecision(digits)).toString();
}

/**
 * Seconds as "4.2s" (under 10 s), "42s", "3m 05s" or "1h 02m"; "–" when unknown. Rounded once, to the unit shown,
 * before splitting, so 119.6 s reads "2m 00s" and never "1m 60s".
 */
export function fmtDuration(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) return '–';
  if (sec < 9.95) return `${sec.toFixed(1)}s`;
  if (sec < 3599.5) {
    const s = Math.round(sec);
    return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  }
  const m = Math.round(sec / 60);
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** What a webview can export; the host asks where to save it. */
export type ExportFormat = 'png' | 'svg' | 'csv';
