// A backend whose every call is timed, gemm split by transpose flags and shape with its FLOPs: where a training step
// spends its time, op by op (bench/ops-by-size.ts, bench/seq2seq-ops.ts).
import type { Backend } from '../src/engine/backend';

export interface OpStats { calls: number; ms: number; flops: number }

export function timedBackend(be: Backend): { backend: Backend; stats: Map<string, OpStats> } {
  const stats = new Map<string, OpStats>();
  const timed = { ...be } as Record<string, unknown>;
  for (const [name, f] of Object.entries(be)) {
    if (typeof f !== 'function' || name === 'alloc') continue;
    timed[name] = (...a: unknown[]) => {
      const t0 = performance.now();
      (f as (...x: unknown[]) => void)(...a);
      const ms = performance.now() - t0;
      const gemm = name === 'gemm';
      const key = gemm ? `gemm ${a[0] ? 'T' : 'N'}${a[1] ? 'T' : 'N'} ${a[2]}×${a[3]}×${a[4]}` : name;
      const s = stats.get(key) ?? { calls: 0, ms: 0, flops: 0 };
      s.calls++;
      s.ms += ms;
      if (gemm) s.flops += 2 * (a[2] as number) * (a[3] as number) * (a[4] as number);
      stats.set(key, s);
    };
  }
  return { backend: timed as unknown as Backend, stats };
}
