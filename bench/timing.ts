// Timing helpers shared by every measured system: warm up, then the median of repeated steps.

export interface Timing {
  /** Median milliseconds per step. */
  ms: number;
  /** Steps measured (after warmup). */
  steps: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs `warmup` unmeasured steps, then measured ones until both `minSteps` and `budgetMs` are reached
 * (or `maxSteps`), so slow systems still finish in bounded time.
 */
export async function timeSteps(step: () => unknown | Promise<unknown>, opts: { warmup: number; minSteps: number; maxSteps: number; budgetMs: number }): Promise<Timing> {
  for (let i = 0; i < opts.warmup; i++) await step();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < opts.maxSteps && (times.length < opts.minSteps || performance.now() - start < opts.budgetMs)) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), steps: times.length };
}
