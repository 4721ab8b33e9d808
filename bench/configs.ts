// What `npm run bench` measures: the reference configurations (all systems), the LSTM scaling sweep, and a Transformer
// step (SeqLab and torch.nn.TransformerEncoder).
import type { CellType } from '../src/engine/spec';

export type RecurrentCell = Exclude<CellType, 'transformer'>;

export interface BenchConfig {
  /** Stable key in results.json, e.g. "lstm B32 T64 I16 H128". */
  id: string;
  cell: CellType;
  B: number;
  T: number;
  I: number;
  /** Hidden size; the Transformer's d_model. */
  H: number;
  /** Truncated BPTT chunk (SeqLab and the memory check only); null: full BPTT. */
  tbptt: number | null;
  /** The Transformer's shape (cell "transformer" only): relu, post-norm, sinusoidal positions, causal (a head on every step). */
  transformer: { heads: number; layers: number; feedForward: number } | null;
}

export function config(cell: RecurrentCell, T: number, H: number, tbptt: number | null = null): BenchConfig {
  const B = 32, I = 16;
  return { id: `${cell} B${B} T${T} I${I} H${H}${tbptt ? ` tbptt${tbptt}` : ''}`, cell, B, T, I, H, tbptt, transformer: null };
}

/** Batch 32, T=64, 16 inputs, d_model 128, 4 heads, 2 layers, feed-forward 512 (4 × d_model): SeqLab and PyTorch. */
export const TRANSFORMER: BenchConfig = {
  id: 'transformer B32 T64 I16 d128 h4 L2 ff512', cell: 'transformer', B: 32, T: 64, I: 16, H: 128, tbptt: null,
  transformer: { heads: 4, layers: 2, feedForward: 512 },
};

/** The recurrent cell of a configuration TF.js and brain.js run (they have no Transformer to compare with here). */
export function recurrentCell(c: BenchConfig): RecurrentCell {
  if (c.cell === 'transformer') throw new Error(`${c.id}: only SeqLab and PyTorch run the Transformer configuration`);
  return c.cell;
}

/** Batch 32, 64 steps, 16 inputs, 128 hidden: every system runs these. */
export const REFERENCE: BenchConfig[] = [config('lstm', 64, 128), config('gru', 64, 128), config('rnn', 64, 128)];

/** LSTM scaling over T (at H=128), SeqLab and PyTorch; plus T=1024 with truncated BPTT. */
export const SWEEP: BenchConfig[] = [
  ...[16, 256, 1024].map((T) => config('lstm', T, 128)),
  config('lstm', 1024, 128, 64),
];

/** Hidden sizes of the size sweep (bench/sizes.ts), at T=64: both wasm kernel flavours and PyTorch, back to back per size. */
export const SIZES = [64, 128, 256, 512, 1024];

/** The size sweep's configurations for these cells (npm run bench: LSTM; `--cells lstm,gru,rnn` for more). */
export function sizeConfigs(cells: readonly RecurrentCell[]): BenchConfig[] {
  return cells.flatMap((cell) => SIZES.map((H) => config(cell, 64, H)));
}

/** Hidden sizes of the GPU sweep (bench/gpuSizes.ts) on a hardware adapter: the CPU sweep's and 2048. */
export const GPU_SIZES = [...SIZES, 2048];

/** Gates per cell: the recurrent matrices are G·H rows. */
const GATES: Record<RecurrentCell, number> = { lstm: 4, gru: 3, rnn: 1 };

/**
 * Floating-point operations in the matrix products of one training step of a one-layer recurrent model: forward
 * (x·W_ihᵀ and h·W_hhᵀ), the backward's dh·W_hh, and the two weight gradients, 2·T·B·G·H·(I+H) each, less the input
 * gradient the first layer does not compute (2·T·B·G·H·I). The head's H×1 products and the cell's pointwise work are
 * left out (under 1% of the products at H ≥ 64).
 */
export function matmulFlops(c: BenchConfig): number {
  const G = GATES[recurrentCell(c)];
  const pass = 2 * c.T * c.B * G * c.H;
  return 3 * pass * (c.I + c.H) - pass * c.I;
}

export type GemmShape = { name: string; transA: boolean; transB: boolean; m: number; n: number; k: number };

/** The products of one LSTM layer's training step at hidden size H, forward and backward. */
export function lstmGemmShapes(H: number, B = 32, T = 64, I = 16): GemmShape[] {
  return [
    { name: 'h·W_hhᵀ', transA: false, transB: true, m: B, n: 4 * H, k: H },
    { name: 'dpre·W_hh', transA: false, transB: false, m: B, n: H, k: 4 * H },
    { name: 'X·W_ihᵀ', transA: false, transB: true, m: B * T, n: 4 * H, k: I },
    { name: 'dW_hh', transA: true, transB: false, m: 4 * H, n: H, k: B * T },
  ];
}
