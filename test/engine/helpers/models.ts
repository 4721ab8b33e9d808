// Small models, batches and a finite-difference gradient check shared by the engine tests.
import type { Buf } from '../../../src/engine/backend';
import { createReferenceBackend } from '../../../src/engine/backends/reference';
import { RecurrentModel } from '../../../src/engine/recurrentModel';
import { createModel, type Batch, type ForwardBackwardOptions, type SequenceModel } from '../../../src/engine/model';
import type { LossType, ModelSpec, TransformerOptions } from '../../../src/engine/spec';
import { TestRandom } from './random';

export type SpecOverrides = Partial<Omit<ModelSpec, 'head'>> & { head?: Partial<ModelSpec['head']> };

export function makeSpec(over: SpecOverrides = {}): ModelSpec {
  const { head, ...rest } = over;
  return {
    cell: 'lstm', transformer: null, variant: 'resetAfter', nonlinearity: 'tanh', inputSize: 3, hiddenSize: 3, numLayers: 1,
    bidirectional: false, dropout: 0, residual: false, layerNorm: false, embedding: null,
    ...rest,
    head: { output: 'last', size: 2, activation: 'none', ...head },
  };
}

export type TransformerOverrides = SpecOverrides & { options?: Partial<TransformerOptions> };

/** A small Transformer: d = 4, 2 heads, feed-forward 5, one post-norm relu layer, sinusoidal positions, head "last". */
export function makeTransformerSpec(over: TransformerOverrides = {}): ModelSpec {
  const { options, ...rest } = over;
  const spec = makeSpec({ cell: 'transformer', hiddenSize: 4, ...rest });
  spec.transformer = {
    heads: 2, feedForward: 5, activation: 'relu', normFirst: false, positional: 'sinusoidal', maxLength: 6, causal: false, ...options,
  };
  if (spec.embedding) spec.embedding = { ...spec.embedding, dim: spec.hiddenSize };
  return spec;
}

/** A float64 reference Transformer with every parameter drawn uniformly from ±scale (layer-norm gains around 1). */
export function makeTransformer(spec: ModelSpec, seed = 11, scale = 0.6, dtype: 'float32' | 'float64' = 'float64'): SequenceModel {
  const model = createModel(spec, createReferenceBackend(dtype));
  const rnd = new TestRandom(seed);
  for (const p of model.params) {
    if (/norm\d?\.weight$/.test(p.name)) rnd.fill(p.value, 0.6, 1.4);
    else rnd.fill(p.value, -scale, scale);
  }
  return model;
}

/** A float64 reference model with every parameter drawn uniformly from ±scale (LN gains around 1). */
export function makeModel(spec: ModelSpec, seed = 11, scale = 0.6, dtype: 'float32' | 'float64' = 'float64'): RecurrentModel {
  const model = new RecurrentModel(spec, createReferenceBackend(dtype));
  const rnd = new TestRandom(seed);
  for (const p of model.params) {
    if (/\.ln_(ih|hh)_l\d+(_reverse)?\.weight$/.test(p.name)) rnd.fill(p.value, 0.6, 1.4);
    else rnd.fill(p.value, -scale, scale);
  }
  return model;
}

/** A batch with inputs, lengths (when given) and targets suitable for `loss`. */
export function makeBatch(spec: ModelSpec, loss: LossType, B: number, T: number, seed = 5, lengths: number[] | null = null): Batch {
  const rnd = new TestRandom(seed);
  const x = spec.embedding ? null : rnd.fill(new Float64Array(B * T * spec.inputSize));
  const tokens = spec.embedding ? Int32Array.from({ length: B * T }, () => rnd.int(spec.embedding!.vocabSize)) : null;
  const rows = spec.head.output === 'all' ? B * T : B;
  let y: Buf | Int32Array;
  if (loss === 'cross_entropy') y = Int32Array.from({ length: rows }, () => rnd.int(spec.head.size));
  else if (loss === 'bce') y = Float64Array.from({ length: rows * spec.head.size }, () => (rnd.next() < 0.5 ? 0 : 1));
  else y = rnd.fill(new Float64Array(rows * spec.head.size));
  return { B, T, x, tokens, lengths: lengths ? Int32Array.from(lengths) : null, y };
}

/** A dropout source that repeats the same sequence on every forwardBackward call. */
export function fixedDropout(seed: number): () => () => number {
  return () => {
    const r = new TestRandom(seed);
    return () => r.next();
  };
}

export interface GradCheckResult {
  /** Worst relative error per parameter. */
  worst: Map<string, number>;
  /** ‖analytic gradient‖ per parameter (to show the check exercised something). */
  norms: Map<string, number>;
}

/**
 * Compares the model's gradients with central differences of `objective` (default: the loss returned
 * by forwardBackward) at up to `samples` elements of every parameter.
 * Relative error: |a − n| / max(|a|, |n|, 1e-4).
 */
export function gradCheck(
  model: SequenceModel, batch: Batch, loss: LossType, opts: () => ForwardBackwardOptions,
  objective: (() => number) | null = null, samples = 12, seed = 3,
): GradCheckResult {
  model.zeroGrad();
  model.forwardBackward(batch, loss, opts());
  const f = objective ?? (() => model.forwardBackward(batch, loss, opts()).loss);
  const analytic = model.params.map((p) => Float64Array.from(p.grad));
  const rnd = new TestRandom(seed);
  const worst = new Map<string, number>();
  const norms = new Map<string, number>();
  model.params.forEach((p, pi) => {
    const n = p.value.length;
    const idx = n <= samples ? Array.from({ length: n }, (_, i) => i) : [0, n - 1, ...Array.from({ length: samples - 2 }, () => rnd.int(n))];
    let w = 0;
    for (const i of idx) {
      const v = p.value[i];
      const at = (d: number) => {
        p.value[i] = v + d;
        return f();
      };
      // Fourth-order central difference: truncation O(h⁴), so rounding (~ε·|f|/h) dominates and stays far below the tolerance.
      const h = 1e-5;
      const num = (8 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12 * h);
      p.value[i] = v;
      const a = analytic[pi][i];
      w = Math.max(w, Math.abs(a - num) / Math.max(Math.abs(a), Math.abs(num), 1e-4));
    }
    worst.set(p.name, w);
    norms.set(p.name, Math.hypot(...analytic[pi]));
  });
  return { worst, norms };
}
