// The hidden-size sweep of `npm run bench` (and `--sizes` alone): a recurrent step (LSTM; `--cells` for GRU, RNN) at
// T=64 for H = 64 … 1024 on both wasm
// kernel flavours and in PyTorch, back to back per size so the machine's load drifts little within a row; GFLOP/s
// counts the step's matrix products (configs.ts matmulFlops).
import { matmulFlops, type BenchConfig } from './configs';
import type { SeqLabResult } from './seqlab';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** The wasm backend names measured: the flavour 'wasm' picks here (relaxed-simd on Node 20 via the registry), then baseline. */
export const FLAVOURS = ['wasm:relaxed-simd', 'wasm:simd128'] as const;

export interface SizeRow {
  config: BenchConfig;
  seqlab: Record<(typeof FLAVOURS)[number], Outcome<SeqLabResult>>;
  /** PyTorch's ms per step by thread count (absent: not measured). */
  torch: Record<number, number | undefined>;
}

export async function measureSizes(
  configs: BenchConfig[],
  seqlab: (backend: string, c: BenchConfig) => Promise<Outcome<SeqLabResult>>,
  torch: (c: BenchConfig, threads: number) => Promise<number | undefined>,
): Promise<SizeRow[]> {
  const rows: SizeRow[] = [];
  for (const config of configs) {
    const relaxed = await seqlab(FLAVOURS[0], config);
    const simd128 = await seqlab(FLAVOURS[1], config);
    rows.push({ config, seqlab: { [FLAVOURS[0]]: relaxed, [FLAVOURS[1]]: simd128 }, torch: { 1: await torch(config, 1), 2: await torch(config, 2) } });
  }
  return rows;
}

const pad = (s: string, n: number): string => s.padStart(n);
const ms = (v: number | undefined): string => (v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(1));

export function sizesTable(rows: SizeRow[]): string[] {
  const out = [
    'Over hidden size (B=32, T=64, I=16): SeqLab wasm, relaxed-simd (FMA) and simd128 kernels, vs PyTorch; GFLOP/s = the step\'s matrix-product flops / ms; × = PyTorch best ms / SeqLab ms:',
    ['cell H', 'GFLOP', 'relaxed', 'GFLOP/s', 'simd128', 'GFLOP/s', 'rel/simd', 'torch 1t', 'torch 2t', 'GFLOP/s', '× relaxed', '× simd128'].map((h, i) => pad(h, i === 0 ? 6 : 9)).join(' '),
  ];
  for (const r of rows) {
    const gflop = matmulFlops(r.config) / 1e9;
    const [relaxed, simd] = FLAVOURS.map((f) => (r.seqlab[f].ok ? r.seqlab[f].value.ms : undefined));
    const best = [r.torch[1], r.torch[2]].filter((x): x is number => x !== undefined).reduce((a, b) => Math.min(a, b), Infinity);
    const torchBest = Number.isFinite(best) ? best : undefined;
    const rate = (t: number | undefined) => (t === undefined ? '—' : (gflop / (t / 1000)).toFixed(1));
    const x = (t: number | undefined) => (t === undefined || torchBest === undefined ? '—' : `${(torchBest / t).toFixed(2)}×`);
    out.push([`${r.config.cell} ${r.config.H}`, gflop.toFixed(2), ms(relaxed), rate(relaxed), ms(simd), rate(simd),
      relaxed !== undefined && simd !== undefined ? `${(simd / relaxed).toFixed(2)}×` : '—',
      ms(r.torch[1]), ms(r.torch[2]), rate(torchBest), x(relaxed), x(simd)].map((v) => pad(v, 9)).join(' '));
  }
  return out;
}
