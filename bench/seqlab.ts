// SeqLab's real training step (Model + Trainer: zeroGrad, forward, backward, clip, Adam) on one backend.
import type { Backend } from '../src/engine/backend';
import type { WasmBackend } from '../src/engine/backends/wasm';
import { createBackend } from '../src/runner/backends/registry';
import { initialize } from '../src/engine/init';
import { createModel, type Batch } from '../src/engine/model';
import { Rng } from '../src/engine/rng';
import type { ModelSpec, TrainSpec } from '../src/engine/spec';
import { Trainer } from '../src/engine/trainer';
import type { BenchConfig } from './configs';
import { timeSteps, type Timing } from './timing';

export interface SeqLabResult extends Timing {
  backend: string;
  /** WebAssembly memory in use after the run (wasm backend only), bytes. */
  wasmMemoryBytes: number | null;
  /** Threads the backend's matrix products ran on (the calling thread included). */
  threads: number;
}


export function modelSpec(c: BenchConfig): ModelSpec {
  const t = c.transformer;
  return {
    cell: c.cell, variant: 'resetAfter', nonlinearity: 'tanh', inputSize: c.I, hiddenSize: c.H, numLayers: t ? t.layers : 1,
    // A head on every step makes the Transformer's mask causal, as next-step prediction needs.
    transformer: t && {
      heads: t.heads, feedForward: t.feedForward, activation: 'relu', normFirst: false, positional: 'sinusoidal', maxLength: c.T, causal: true,
    },
    bidirectional: false, dropout: 0, residual: false, layerNorm: false, embedding: null,
    // A dense head on every step, as the TF.js, brain.js and PyTorch models.
    head: { output: 'all', size: 1, activation: 'none' },
  };
}

export const TRAIN: TrainSpec = {
  loss: 'mse',
  optimizer: { type: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
  schedule: { type: 'constant' },
  clip: { maxNorm: null, maxValue: null },
  tbptt: null,
};

/** One training step of the config's model on `be`, over a fixed batch of uniform(−1, 1) inputs and targets (seed 1). */
export function trainingStep(c: BenchConfig, be: Backend): () => void {
  const spec = modelSpec(c);
  const model = createModel(spec, be);
  const rng = new Rng(1);
  initialize(model.params, spec, { scheme: 'pytorch', forgetBias: null }, rng);
  const trainer = new Trainer<Batch>(model, { ...TRAIN, tbptt: c.tbptt }, rng.fork('dropout'));
  const x = be.alloc(c.B * c.T * c.I);
  const y = be.alloc(c.B * c.T);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform() * 2 - 1;
  for (let i = 0; i < y.length; i++) y[i] = rng.uniform() * 2 - 1;
  const batch: Batch = { B: c.B, T: c.T, x, tokens: null, lengths: null, y };
  return () => void trainer.step(batch);
}

/**
 * The median time of the step `makeStep` builds on the named backend. `threads`: the wasm backend's thread team as a
 * run's --threads sets it (0: every core); absent: one thread. The helpers are awaited before timing and stopped after,
 * so one worker can measure many backends in turn.
 */
export async function measureStep(backendName: string, makeStep: (be: Backend) => () => void, budgetMs: number, warmup: number,
  minSteps: number, threads?: number): Promise<SeqLabResult> {
  const be = createBackend(backendName, { fallback: [], threads }).backend;
  const team = be.info.threads ?? 1;
  if ('threadStats' in be) while ((be as WasmBackend).threadStats().ready < team) await new Promise((r) => setTimeout(r, 5));
  try {
    const timing = await timeSteps(makeStep(be), { warmup, minSteps, maxSteps: 30, budgetMs });
    const wasmMemoryBytes = 'memoryBytes' in be && typeof be.memoryBytes === 'function' ? (be.memoryBytes as () => number)() : null;
    return { ...timing, backend: `${be.info.name}:${be.info.mode}`, wasmMemoryBytes, threads: team };
  } finally {
    be.destroy?.();
  }
}

/** The recurrent or Transformer step of a config, as measureStep times it. */
export function measureSeqLab(backendName: string, c: BenchConfig, budgetMs: number, warmup = 2, minSteps = 3, threads?: number): Promise<SeqLabResult> {
  return measureStep(backendName, (be) => trainingStep(c, be), budgetMs, warmup, minSteps, threads);
}
