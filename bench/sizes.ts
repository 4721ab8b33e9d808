// The hidden-size sweep of `npm run bench` (and `--sizes` alone): a recurrent step (LSTM; `--cells` for GRU, RNN) at
// T=64 for H = 64 … 1024 on the wasm backend — relaxed-SIMD kernels on one thread and on the thread team a training
// run gets (every core), baseline-SIMD kernels on one thread — and in PyTorch, back to back per size so the machine's
// load drifts little within a row. GFLOP/s counts the step's matrix products (configs.ts matmulFlops); "% peak" divides
// it by the measured 128-bit WASM SIMD peak of that flavour (bench/simdPeak.ts), times the threads used.
import { matmulFlops, type BenchConfig } from './configs';
import type { SeqLabResult } from './seqlab';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** The SeqLab variants of a row: backend name and thread cap (0: every core, as a training run's default). */
export const VARIANTS = [
  { key: 'relaxed', backend: 'wasm:relaxed-simd', threads: 1 },
  { key: 'relaxed team', backend: 'wasm:relaxed-simd', threads: 0 },
  { key: 'simd128', backend: 'wasm:simd128', threads: 1 },
] as const;
type VariantKey = (typeof VARIANTS)[number]['key'];

export interface SizeRow {
  config: BenchConfig;
  seqlab: Record<VariantKey, Outcome<SeqLabResult>>;
  /** PyTorch's ms per step by thread count (absent: not measured). */
  torch: Record<number, number | undefined>;
}

/** Measured one-thread peaks, GFLOP/s, of the two kernel flavours (bench/simdPeak.ts). */
export interface Peaks { relaxed: number; simd128: number }

export async function measureSizes(
  configs: BenchConfig[],
  seqlab: (backend: string, c: BenchConfig, threads: number) => Promise<Outcome<SeqLabResult>>,
  torch: (c: BenchConfig, threads: number) => Promise<number | undefined>,
): Promise<SizeRow[]> {
  const rows: SizeRow[] = [];
  for (const config of configs) {
    const results = {} as SizeRow['seqlab'];
    for (const v of VARIANTS) results[v.key] = await seqlab(v.backend, config, v.threads);
    rows.push({ config, seqlab: results, torch: { 1: await torch(config, 1), 2: await torch(config, 2) } });
  }
  return rows;
}

const pad = (s: string, n: number): string => s.padStart(n);
const ms = (v: number | undefined): string => (v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** The team's thread count (from the first row that measured it). */
function teamThreads(rows: SizeRow[]): number | undefined {
  for (const r of rows) {
    const team = r.seqlab['relaxed team'];
    if (team.ok) return team.value.threads;
  }
  return undefined;
}

export function sizesTable(rows: SizeRow[], peaks: Peaks): string[] {
  const team = teamThreads(rows);
  const out = [
    `Over hidden size (B=32, T=64, I=16): SeqLab wasm, relaxed-simd (FMA) on 1 thread and on ${team ?? '?'} threads (every core), simd128 on 1 thread, vs PyTorch.`,
    `GFLOP/s = the step's matrix-product flops / ms; % pk = of the measured 128-bit WASM SIMD peak (relaxed ${peaks.relaxed.toFixed(1)}, simd128 ${peaks.simd128.toFixed(1)} GFLOP/s per thread, × threads); × = PyTorch best ms / SeqLab ms:`,
    ['cell H', 'GFLOP', 'rel 1t', 'GFLOP/s', '% pk', `rel ${team ?? '?'}t`, 'GFLOP/s', '% pk', 'simd 1t', 'GFLOP/s', '% pk', 'torch 1t', 'torch 2t', 'GFLOP/s', '× rel 1t', `× rel ${team ?? '?'}t`]
      .map((h, i) => pad(h, i === 0 ? 9 : i === 4 || i === 7 || i === 10 ? 5 : 8)).join(' '),
  ];
  for (const r of rows) {
    const gflop = matmulFlops(r.config) / 1e9;
    const [rel, relTeam, simd] = VARIANTS.map((v) => { const o = r.seqlab[v.key]; return o.ok ? o.value : undefined; });
    const best = [r.torch[1], r.torch[2]].filter((x): x is number => x !== undefined).reduce((a, b) => Math.min(a, b), Infinity);
    const torchBest = Number.isFinite(best) ? best : undefined;
    const rate = (t: number | undefined) => (t === undefined ? undefined : gflop / (t / 1000));
    const fmt = (g: number | undefined) => (g === undefined ? '—' : g.toFixed(1));
    const pct = (s: SeqLabResult | undefined, peak: number) => (s === undefined ? '—' : `${((100 * rate(s.ms)!) / (peak * s.threads)).toFixed(0)}%`);
    const x = (t: number | undefined) => (t === undefined || torchBest === undefined ? '—' : `${(torchBest / t).toFixed(2)}×`);
    const cells = [`${r.config.cell} ${r.config.H}`, gflop.toFixed(2), ms(rel?.ms), fmt(rate(rel?.ms)), pct(rel, peaks.relaxed),
      ms(relTeam?.ms), fmt(rate(relTeam?.ms)), pct(relTeam, peaks.relaxed), ms(simd?.ms), fmt(rate(simd?.ms)), pct(simd, peaks.simd128),
      ms(r.torch[1]), ms(r.torch[2]), fmt(rate(torchBest)), x(rel?.ms), x(relTeam?.ms)];
    out.push(cells.map((v, i) => pad(v, i === 0 ? 9 : i === 4 || i === 7 || i === 10 ? 5 : 8)).join(' '));
  }
  return out;
}
