// The one order runs are listed in (tree, pickers, the live view's fallback): newest first.
import type { RunEntry } from './treeModel';

type Dated = Pick<RunEntry, 'runId' | 'summary'>;

/** Runs are named and started in time order, so startedAt (then id) orders them; runs without a summary go last. */
export function newestFirst(a: Dated, b: Dated): number {
  const ta = a.summary?.startedAt ?? '';
  const tb = b.summary?.startedAt ?? '';
  if (ta !== tb) return ta < tb ? 1 : -1;
  return a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0;
}

/** A sorted copy, newest first. */
export function byNewest<T extends Dated>(runs: readonly T[]): T[] {
  return [...runs].sort(newestFirst);
}
