// Joining a snapshot read from disk with records streamed from the worker: the worker writes a record to the run
// folder and posts it to the host, so a record can be in both. Per record kind, only steps after the newest one
// already shown pass. Gate records are per probe/layer/direction, alignment records per probe and attention maps per
// probe/layer, so they are keyed by those too.
import type { RunRecord } from '../../runner/events';

function streamKey(r: RunRecord): string {
  if (r.kind === 'gates') return `gates:${r.probe}:${r.layer}:${r.direction}`;
  if (r.kind === 'alignment') return `alignment:${r.probe}`;
  return r.kind === 'selfattention' ? `selfattention:${r.probe}:${r.layer}` : r.kind;
}

export class StreamCursor {
  private readonly last = new Map<string, number>();

  /** Marks everything in `records` (a snapshot) as already shown. */
  seen(records: readonly RunRecord[]): void {
    for (const r of records) {
      const k = streamKey(r);
      if (r.step > (this.last.get(k) ?? -Infinity)) this.last.set(k, r.step);
    }
  }

  /** The records not yet shown, in their order, marking them shown. */
  fresh(records: readonly RunRecord[]): RunRecord[] {
    const out: RunRecord[] = [];
    for (const r of records) {
      const k = streamKey(r);
      if (r.step <= (this.last.get(k) ?? -Infinity)) continue;
      this.last.set(k, r.step);
      out.push(r);
    }
    return out;
  }
}
