// The memory training a model takes, estimated from its spec and the data's shapes before anything is allocated, so
// validation refuses a model the machine cannot hold, naming the field to change, instead of crashing on the first
// allocation. Counted: parameter values and gradients, optimizer state, and every buffer of the unrolled graphs the
// run builds (training batches, evaluation batches, probes), as network.ts and cells/ allocate them.
import { totalmem } from 'node:os';
import { gateCount, inputWidth, layerWidth, parameterCount } from '../engine/params';
import { graphSteps } from '../engine/recurrentModel';
import type { ModelSpec, OptimizerSpec } from '../engine/spec';

/** The share of the machine's memory one run may plan to use: the editor, its extension host and the system need the rest. */
export const MEMORY_FRACTION = 0.5;

export interface MemoryEstimate {
  parameters: number;
  gradients: number;
  optimizer: number;
  activations: number;
  total: number;
}

/** Optimizer state per parameter value (SGD's momentum buffer, Adam's two moments, RMSprop's square average, momentum and mean). */
const OPTIMIZER_SLOTS: Record<OptimizerSpec['type'], number> = { sgd: 1, adagrad: 1, rmsprop: 3, adam: 2, adamw: 2 };

/** Values per (step, sequence) row of one unrolled graph. */
function valuesPerRow(spec: ModelSpec): number {
  const H = spec.hiddenSize;
  const G = gateCount(spec.cell);
  const D = layerWidth(spec);
  const dirs = spec.bidirectional ? 2 : 1;
  // Per direction: hidden states and their gradients, input and recurrent projections with gradients, gates, cell
  // states or reset products; layer norm keeps the raw projections and their gradients too.
  const direction = H * (4 * G + 4 + (spec.layerNorm ? 4 * G : 0));
  // Per layer: outputs, their gradients, dropout outputs, masks and input gradients.
  const layer = dirs * direction + 5 * D;
  return spec.numLayers * layer + 2 * inputWidth(spec) + 2 * spec.head.size + (spec.head.output === 'attention' ? 3 : 0) + 1;
}

/**
 * Bytes to train `spec` with `optimizer` on graphs of the given shapes (B sequences of up to T steps each), with
 * values of `bytesPerValue` bytes.
 */
export function estimateTrainingMemory(
  spec: ModelSpec, optimizer: OptimizerSpec['type'], graphs: { B: number; T: number }[], bytesPerValue: number,
): MemoryEstimate {
  const P = parameterCount(spec) * bytesPerValue;
  const rows = graphs.reduce((n, g) => n + g.B * graphSteps(g.T), 0);
  const est = { parameters: P, gradients: P, optimizer: OPTIMIZER_SLOTS[optimizer] * P, activations: rows * valuesPerRow(spec) * bytesPerValue };
  return { ...est, total: est.parameters + est.gradients + est.optimizer + est.activations };
}

/** What this machine (or the container it runs in) has. */
export function machineMemory(): number {
  // 0 or a huge number when no container limit applies.
  const limit = process.constrainedMemory?.() ?? 0;
  return limit > 0 ? Math.min(totalmem(), limit) : totalmem();
}

function formatBytes(n: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let u = 0;
  while (n >= 1000 && u < units.length - 1) { n /= 1000; u++; }
  return `${u === 0 ? n : n.toPrecision(3)} ${units[u]}`;
}

/**
 * A config field to change and a message when the estimate is above MEMORY_FRACTION of `available`; null when it fits.
 * The field is what dominates: the batch size for activations, the embedding or the hidden size for parameters.
 */
export function memoryProblem(spec: ModelSpec, est: MemoryEstimate, available: number): { path: string[]; message: string } | null {
  const allowed = available * MEMORY_FRACTION;
  if (est.total <= allowed) return null;
  const embedding = spec.embedding ? spec.embedding.vocabSize * spec.embedding.dim : 0;
  const path = est.activations > est.total / 2 ? ['train', 'batchSize']
    : embedding > parameterCount(spec) / 2 ? ['model', 'embedding', 'dim'] : ['model', 'hiddenSize'];
  const parts = `parameters ${formatBytes(est.parameters)}, gradients ${formatBytes(est.gradients)}, optimizer state ${formatBytes(est.optimizer)}, activations ${formatBytes(est.activations)}`;
  return {
    path,
    message: `training this model needs about ${formatBytes(est.total)} (${parts}), more than a run may use on this machine: `
      + `${MEMORY_FRACTION * 100}% of its ${formatBytes(available)} of memory (${formatBytes(allowed)}). `
      + 'Use a smaller model.hiddenSize, model.numLayers or train.batchSize',
  };
}
