// The GPU rows of the size sweep: gpu.js:webgpu against SeqLab's CPU path on the same machine (wasm, relaxed SIMD, the
// thread team a run gets), back to back per size, with the adapter named. On a hardware adapter the sizes run to
// H = 2048 (configs.ts GPU_SIZES; the goal, issue 14: ≥ 10× the CPU at H ≥ 512); on a software one (SwiftShader,
// lavapipe: this CPU running the GPU's shaders) only H = 64 runs, to show the path works, and the table says it is
// not a speed figure.
import { config, matmulFlops, type BenchConfig, type RecurrentCell } from './configs';
import type { SeqLabResult } from './seqlab';
import type { Outcome } from './sizes';

export interface GpuRow {
  config: BenchConfig;
  gpu: Outcome<SeqLabResult>;
  cpu: Outcome<SeqLabResult>;
}

export interface GpuSweep {
  adapter: string;
  software: boolean;
  rows: GpuRow[];
}

export async function measureGpuSizes(
  cells: readonly RecurrentCell[], sizes: readonly number[], adapter: string, software: boolean,
  seqlab: (backend: string, c: BenchConfig, threads: number) => Promise<Outcome<SeqLabResult>>,
): Promise<GpuSweep> {
  const rows: GpuRow[] = [];
  for (const cell of cells) {
    for (const H of sizes) {
      const c = config(cell, 64, H);
      rows.push({ config: c, gpu: await seqlab('gpu.js:webgpu', c, 1), cpu: await seqlab('wasm:relaxed-simd', c, 0) });
    }
  }
  return { adapter, software, rows };
}

const pad = (s: string, n: number): string => s.padStart(n);
const ms = (o: Outcome<SeqLabResult>): string => (o.ok ? (o.value.ms >= 100 ? o.value.ms.toFixed(0) : o.value.ms.toFixed(1)) : 'failed');

export function gpuSizesTable(sweep: GpuSweep): string[] {
  const mark = sweep.software ? ' *' : '';
  const out = [
    `gpu.js:webgpu on ${sweep.adapter} vs SeqLab's CPU path (wasm relaxed-simd, every core), B=32, T=64, I=16; × = CPU ms / GPU ms:`,
    ['cell H', 'GFLOP', 'GPU ms', 'GFLOP/s', 'CPU ms', 'threads', '×'].map((h, i) => pad(h, i === 0 ? 10 : 9)).join(' '),
  ];
  for (const r of sweep.rows) {
    const gflop = matmulFlops(r.config) / 1e9;
    const rate = r.gpu.ok ? (gflop / (r.gpu.value.ms / 1000)).toFixed(1) : '—';
    const x = r.gpu.ok && r.cpu.ok ? `${(r.cpu.value.ms / r.gpu.value.ms).toFixed(2)}×${mark}` : '—';
    out.push([`${r.config.cell} ${r.config.H}`, gflop.toFixed(2), ms(r.gpu), rate, ms(r.cpu), r.cpu.ok ? String(r.cpu.value.threads) : '—', x]
      .map((v, i) => pad(v, i === 0 ? 10 : 9)).join(' '));
    for (const [what, o] of [['GPU', r.gpu], ['CPU', r.cpu]] as const) if (!o.ok) out.push(`  ${r.config.id} ${what}: ${o.error}`);
  }
  if (sweep.software) out.push('* a software adapter: the GPU\'s shaders run on this CPU, so this checks the path, not a GPU speed');
  return out;
}
