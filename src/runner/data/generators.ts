// Built-in synthetic tasks. Each is generated from its own seeded stream, so a seed gives the same data everywhere.
import { Rng } from '../../engine/rng';
import type { DataConfig } from '../config/schema';
import type { Dataset, Sequence } from './types';

type Gen<S extends DataConfig['source']> = Extract<DataConfig, { source: S }>;

function many(n: number, make: () => Sequence): Sequence[] {
  return Array.from({ length: n }, make);
}

/** The adding problem: x_t = (value, marker); the target is the sum of the two marked values. */
export function addingProblem(c: Gen<'adding'>, rng: Rng): Dataset {
  const T = c.length;
  const make = (): Sequence => {
    const x = new Float32Array(T * 2);
    for (let t = 0; t < T; t++) x[t * 2] = rng.uniform();
    // One marker in each half, as in Hochreiter & Schmidhuber: the model must remember across ~T/2 steps.
    const half = Math.floor(T / 2);
    const a = rng.int(half);
    const b = half + rng.int(T - half);
    x[a * 2 + 1] = 1;
    x[b * 2 + 1] = 1;
    return { T, x, tokens: null, y: Float64Array.of(x[a * 2] + x[b * 2]) };
  };
  const train = many(c.trainSize, make);
  const validation = many(c.validationSize, make);
  const scored = validation.length ? validation : train;
  // Always predicting 1 (the mean of the target) scores Var(a+b) = 1/6 in expectation.
  const baselineMse = scored.reduce((s, q) => s + (q.y[0] - 1) ** 2, 0) / scored.length;
  return { input: { kind: 'float', size: 2 }, target: { kind: 'regression', size: 1, perStep: false }, train, validation, baselines: { baselineMse }, warnings: [] };
}

/**
 * The copy task: symbols 1..S, then `delay` blanks, a recall marker, and copyLength blank steps during which
 * the target is the symbols in order. Inputs are one-hot over S symbols + blank + marker; the target class is 0
 * (blank) except in the recall window.
 */
export function copyTask(c: Gen<'copy'>, rng: Rng): Dataset {
  const L = c.copyLength;
  const S = c.symbols;
  const T = L + c.delay + 1 + L;
  const I = S + 2;
  const make = (): Sequence => {
    const x = new Float32Array(T * I);
    const y = new Int32Array(T);
    const syms = Array.from({ length: L }, () => 1 + rng.int(S));
    for (let t = 0; t < T; t++) {
      if (t < L) x[t * I + syms[t] - 1] = 1;
      else if (t === L + c.delay) x[t * I + S + 1] = 1;
      else x[t * I + S] = 1;
      if (t > L + c.delay) y[t] = syms[t - L - c.delay - 1];
    }
    return { T, x, tokens: null, y };
  };
  const labels = ['blank', ...Array.from({ length: S }, (_, i) => `s${i + 1}`)];
  return {
    input: { kind: 'float', size: I }, target: { kind: 'class', labels, perStep: true },
    train: many(c.trainSize, make), validation: many(c.validationSize, make),
    // A memoryless model that gets the blanks right and guesses the symbols uniformly.
    baselines: { baselineCrossEntropy: (L * Math.log(S)) / T }, warnings: [],
  };
}

function forecastWindows(length: number, horizon: number, signal: (t: number, clean: boolean) => number): Sequence {
  const x = new Float32Array(length);
  for (let t = 0; t < length; t++) x[t] = signal(t, false);
  const y = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) y[h] = signal(length + h, true);
  return { T: length, x, tokens: null, y };
}

export function sineTask(c: Gen<'sine'>, rng: Rng): Dataset {
  const make = (): Sequence => {
    const w = 0.1 + 0.4 * rng.uniform();
    const phi = 2 * Math.PI * rng.uniform();
    return forecastWindows(c.length, c.horizon, (t) => Math.sin(w * t + phi));
  };
  return regressionSet(c.horizon, many(c.trainSize, make), many(c.validationSize, make));
}

export function multisineTask(c: Gen<'multisine'>, rng: Rng): Dataset {
  const make = (): Sequence => {
    const parts = Array.from({ length: c.components }, () => ({
      a: (0.5 + rng.uniform()) / c.components, w: 0.05 + 0.5 * rng.uniform(), phi: 2 * Math.PI * rng.uniform(),
    }));
    const noise = Array.from({ length: c.length }, () => rng.normal() * c.noise);
    return forecastWindows(c.length, c.horizon, (t, clean) =>
      parts.reduce((s, p) => s + p.a * Math.sin(p.w * t + p.phi), 0) + (clean ? 0 : noise[t]));
  };
  return regressionSet(c.horizon, many(c.trainSize, make), many(c.validationSize, make));
}

function regressionSet(size: number, train: Sequence[], validation: Sequence[]): Dataset {
  const scored = validation.length ? validation : train;
  // Predicting the last input value for every future value: the "persistence" forecast.
  let se = 0;
  let n = 0;
  for (const q of scored) {
    for (let h = 0; h < size; h++) { se += (q.y[h] - (q.x as Float32Array)[q.T - 1]) ** 2; n++; }
  }
  return {
    input: { kind: 'float', size: 1 }, target: { kind: 'regression', size, perStep: false },
    train, validation, baselines: { baselineMse: se / n }, warnings: [],
  };
}

export function parityTask(c: Gen<'parity'>, rng: Rng): Dataset {
  const make = (): Sequence => {
    const x = new Float32Array(c.length);
    let ones = 0;
    for (let t = 0; t < c.length; t++) { x[t] = rng.int(2); ones += x[t]; }
    return { T: c.length, x, tokens: null, y: Int32Array.of(ones % 2) };
  };
  return {
    input: { kind: 'float', size: 1 }, target: { kind: 'class', labels: ['even', 'odd'], perStep: false },
    train: many(c.trainSize, make), validation: many(c.validationSize, make),
    baselines: { baselineAccuracy: 0.5 }, warnings: [],
  };
}
