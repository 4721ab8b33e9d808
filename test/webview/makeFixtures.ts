// Generates the recorded-run fixtures the webview tests load: run folders as the runner writes them
// (config.json, summary.json, metrics.jsonl, gradflow.jsonl, gates.jsonl, selfattention.jsonl) plus tasks.jsonl for
// task views. The numbers are synthetic but shaped like real training: loss decays with noise, gradients are clipped,
// the RNN's gradient vanishes over T = 50 while the LSTM's keeps flowing, gates saturate as training proceeds, and the
// Transformer's heads learn to attend to the two marked steps.
// Run: npx tsx test/webview/makeFixtures.ts   (writes test/fixtures/runs/webview-*)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvalRecord, GateRecord, GradFlowRecord, RunSummary, SelfAttentionRecord, StepRecord, TaskRecord } from '../../src/shared/protocol';
import { TestRandom } from '../engine/helpers/random';
import { fixturesDir as outDir } from './fixtureRuns';

const r4 = (v: number) => Number(v.toPrecision(4));
const r3 = (v: number) => Number(v.toPrecision(3));
const r2 = (v: number) => Math.round(v * 100) / 100;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

interface RunPlan {
  id: string;
  cell: 'rnn' | 'gru' | 'lstm' | 'transformer';
  task: 'adding' | 'copy' | 'multisine';
  steps: number;
  hidden: number;
  layers: number;
  /** Loss at step 1, plateau it decays to, and the decay time constant (steps). */
  loss: [number, number, number];
  /** Per-step gradient decay factor going back in time, at the start and the end of training. */
  flow: [number, number];
  /** Gate records (recurrent cells) or attention maps (the Transformer) every 100 steps. */
  gates: boolean;
  /** instrumentation.stepEvery: a step line every this many steps (keeps the fixture small). */
  stepEvery: number;
}

function paramNames(cell: RunPlan['cell'], layers: number): string[] {
  if (cell === 'transformer') {
    const layer = (l: number) => ['self_attn.in_proj_weight', 'self_attn.out_proj.weight', 'linear1.weight', 'linear2.weight'].map((n) => `transformer.layers.${l}.${n}`);
    return ['input_proj.weight', ...Array.from({ length: layers }, (_, l) => layer(l)).flat(), 'head.weight', 'head.bias'];
  }
  const names: string[] = [];
  for (let l = 0; l < layers; l++) names.push(`rnn.weight_ih_l${l}`, `rnn.weight_hh_l${l}`, `rnn.bias_ih_l${l}`, `rnn.bias_hh_l${l}`);
  void cell;
  return [...names, 'head.weight', 'head.bias'];
}

function config(p: RunPlan): unknown {
  const data = p.task === 'adding' ? { source: 'adding', length: p.cell === 'transformer' ? 20 : 50, trainSize: 2000, validationSize: 200 }
    : p.task === 'copy' ? { source: 'copy', delay: 10, copyLength: 5, symbols: 8, trainSize: 2000, validationSize: 200 }
      : { source: 'multisine', length: 60, horizon: 1, components: 3, noise: 0.1, trainSize: 2000, validationSize: 200 };
  return {
    name: p.id, description: '', seed: 7, data,
    model: {
      cell: p.cell, variant: 'resetAfter', nonlinearity: 'tanh', hiddenSize: p.hidden, numLayers: p.layers, bidirectional: false, dropout: 0, residual: false, layerNorm: false, embedding: null,
      heads: 4, feedForward: null, activation: 'relu', normFirst: false, positional: 'sinusoidal', maxLength: null, head: { output: 'auto', size: null, activation: 'none' },
    },
    train: { steps: p.steps, batchSize: 32, shuffle: true, loss: 'auto', optimizer: { type: 'adam', lr: 0.003, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, schedule: { type: 'constant' }, clip: { maxNorm: 1, maxValue: null }, init: { scheme: 'pytorch', recurrentGain: 1, forgetBias: p.cell === 'lstm' ? 1 : null }, bptt: { mode: 'full' }, evalEvery: 25, checkpointEvery: 500 },
    backend: { name: 'reference', fallback: [] },
    instrumentation: { stepEvery: p.stepEvery, gradFlowEvery: 15, gatesEvery: 100, probes: [0, 1] },
    output: { runsDir: '.seqlab/runs' }, sweep: {},
  };
}

function generate(p: RunPlan, seed: number): void {
  const random = new TestRandom(seed);
  const rand = () => random.next();
  const noise = () => rand() * 2 - 1;
  const names = paramNames(p.cell, p.layers);
  const lossAt = (s: number) => p.loss[1] + (p.loss[0] - p.loss[1]) * Math.exp(-s / p.loss[2]);
  const metrics: (StepRecord | EvalRecord)[] = [];
  const flows: GradFlowRecord[] = [];
  const gates: GateRecord[] = [];
  const attention: SelfAttentionRecord[] = [];
  const tasks: TaskRecord[] = [];
  const T = p.task === 'copy' || p.cell === 'transformer' ? 20 : 50;
  let time = 0;
  for (let step = 1; step <= p.steps; step++) {
    const progress = step / p.steps;
    const sps = 38 + 4 * noise();
    time += 1 / sps;
    const loss = lossAt(step) * (1 + 0.18 * noise());
    // Early steps have large gradients (spikes get clipped at maxNorm 1), later ones shrink.
    const gradNorm = (0.35 + 2.4 * Math.exp(-step / 40)) * (1 + 0.35 * noise()) * (rand() < 0.03 ? 4 : 1);
    const paramGradNorms: Record<string, number> = {};
    names.forEach((n, k) => { paramGradNorms[n] = r3(gradNorm * (0.15 + 0.5 / (k + 1)) * (1 + 0.2 * noise())); });
    if (step % p.stepEvery === 0) metrics.push({ kind: 'step', step, loss: r4(loss), gradNorm: r4(gradNorm), gradNormClipped: r4(Math.min(gradNorm, 1)), paramGradNorms, lr: 0.003, time: r4(time), stepsPerSec: r4(sps) });
    if (step % 25 === 0) {
      const valLoss = lossAt(step) * (1.08 + 0.05 * noise());
      const m: Record<string, number> = p.task === 'copy' ? { accuracy: r4(Math.min(1, 0.2 + 0.8 * progress + 0.03 * noise())) } : { baselineMse: 0.1667 };
      metrics.push({ kind: 'eval', step, valLoss: r4(valLoss), metrics: m, time: r4(time) });
    }
    if (step % 15 === 0 || step === 1) {
      const decay = p.flow[0] + (p.flow[1] - p.flow[0]) * progress;
      const top = gradNorm * 0.05;
      flows.push({ kind: 'gradflow', step, norms: Array.from({ length: T }, (_, t) => r3(top * decay ** (T - 1 - t) * (1 + 0.1 * noise()))) });
    }
    if (p.gates && step % 100 === 0) {
      for (let layer = 0; layer < p.layers; layer++) {
        // Both probes for the top layer; the lower layer's first probe at the first and last recording only.
        const probes = layer === p.layers - 1 ? [0, 1] : step === 100 || step === p.steps ? [0] : [];
        for (const probe of probes) {
          if (p.cell === 'transformer') attention.push(attentionRecord(p, step, probe, layer, T, rand));
          else gates.push(gateRecord(p, step, probe, layer, T, rand));
        }
      }
    }
  }
  if (p.task === 'copy') {
    const labels = ['blank', 'a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const matrix = labels.map((_, i) => labels.map((__, j) => (i === j ? 40 + Math.round(30 * rand()) : rand() < 0.3 ? Math.round(6 * rand()) : 0)));
    tasks.push({ kind: 'confusion', step: p.steps, labels, matrix });
    const tokens = ['c', 'a', 'g', 'e', 'b', ...Array<string>(10).fill('·'), '▶', '·', '·', '·', '·'];
    const actual = [...Array<string>(16).fill('blank'), 'c', 'a', 'g', 'e'].map((x) => (x === 'blank' ? '·' : x));
    const predicted = actual.map((x, i) => (i === 18 ? 'f' : x));
    tasks.push({ kind: 'labels', step: p.steps, tokens, actual, predicted });
  }
  if (p.task === 'multisine') {
    for (const step of [50, p.steps]) {
      const actual = Array.from({ length: 120 }, (_, i) => r4(Math.sin(i / 6) + 0.5 * Math.sin(i / 2.3 + 1) + 0.1 * noise() + (i === 71 ? 1.6 : 0) + (i === 96 ? -1.4 : 0)));
      const predicted = actual.map((v, i) => r4(v + (step === 50 ? 0.3 : 0.08) * noise() - (i === 71 ? 1.5 : 0) + (i === 96 ? 1.3 : 0)));
      const anomalies = actual.map((v, i) => (Math.abs(v - predicted[i]) > 0.6 ? i : -1)).filter((i) => i >= 0);
      tasks.push({ kind: 'forecast', step, actual, predicted, anomalies, threshold: 0.6 });
    }
  }
  const last = metrics.filter((m): m is StepRecord => m.kind === 'step').pop() as StepRecord;
  const lastEval = metrics.filter((m): m is EvalRecord => m.kind === 'eval').pop();
  const summary: RunSummary = {
    runId: p.id, name: p.id, status: 'completed', steps: p.steps, finalLoss: last.loss, finalValLoss: lastEval?.valLoss ?? null,
    metrics: lastEval?.metrics ?? {}, wallTimeSec: r4(time), backend: 'reference/float32', startedAt: '2026-01-05T10:00:00.000Z', endedAt: '2026-01-05T10:00:09.000Z',
  };
  const dir = join(outDir, p.id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const jsonl = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).join('\n') + (xs.length ? '\n' : '');
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(config(p), null, 2)}\n`);
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(dir, 'metrics.jsonl'), jsonl(metrics));
  writeFileSync(join(dir, 'gradflow.jsonl'), jsonl(flows));
  if (gates.length) writeFileSync(join(dir, 'gates.jsonl'), jsonl(gates));
  if (attention.length) writeFileSync(join(dir, 'selfattention.jsonl'), jsonl(attention));
  if (tasks.length) writeFileSync(join(dir, 'tasks.jsonl'), jsonl(tasks));
}

/** Gate activations for an adding-problem probe: markers at t = 7 and t = 31 open the input gate; training sharpens it. */
function gateRecord(p: RunPlan, step: number, probe: number, layer: number, T: number, rand: () => number): GateRecord {
  const H = p.hidden;
  const sharp = 0.6 + 3 * (step / p.steps);
  const marks = probe === 0 ? [7, 31] : [3, 44];
  const unitBias = Array.from({ length: H }, () => rand() * 2 - 1);
  const gate = (fn: (t: number, u: number) => number) => {
    const out: number[] = [];
    for (let t = 0; t < T; t++) for (let u = 0; u < H; u++) out.push(r2(fn(t, u)));
    return out;
  };
  const near = (t: number) => (marks.includes(t) ? 1 : 0);
  const values: Record<string, number[]> = {};
  if (p.cell === 'lstm') {
    values.i = gate((t, u) => sigmoid(sharp * (2.5 * near(t) - 1 + 0.4 * unitBias[u]) + 0.3 * (rand() - 0.5)));
    values.f = gate((_t, u) => sigmoid(1 + sharp * (0.8 + 0.5 * unitBias[u]) + 0.3 * (rand() - 0.5)));
    values.g = gate((t, u) => Math.tanh(sharp * 0.5 * unitBias[u] * (1 + near(t)) + 0.3 * (rand() - 0.5)));
    values.o = gate((t, u) => sigmoid(0.5 + sharp * 0.3 * unitBias[u] + (t > T - 5 ? sharp : 0)));
    let c = new Array<number>(H).fill(0);
    const cs: number[] = [];
    const hs: number[] = [];
    for (let t = 0; t < T; t++) {
      c = c.map((cv, u) => values.f[t * H + u] * cv + values.i[t * H + u] * values.g[t * H + u]);
      for (let u = 0; u < H; u++) { cs.push(r2(c[u])); hs.push(r2(values.o[t * H + u] * Math.tanh(c[u]))); }
    }
    values.c = cs;
    values.h = hs;
  } else if (p.cell === 'gru') {
    values.r = gate((_t, u) => sigmoid(sharp * 0.6 * unitBias[u]));
    values.z = gate((t, u) => sigmoid(sharp * (1.2 - 2.4 * near(t) + 0.3 * unitBias[u])));
    values.n = gate((t, u) => Math.tanh(sharp * 0.7 * unitBias[u] * (1 + near(t))));
    values.h = gate((t, u) => Math.tanh(0.4 * unitBias[u] * Math.min(t, 10) / 10 * sharp));
  } else {
    values.h = gate((t, u) => Math.tanh(unitBias[u] * (1 + near(t)) + 0.2 * (rand() - 0.5)));
  }
  return { kind: 'gates', step, probe, layer, direction: 'forward', cell: p.cell, T, H, values };
}

/**
 * Attention weights of an adding-problem probe, 4 heads: as training proceeds, heads 1 and 2 look at one marked step
 * each, head 3 at the step itself, head 4 stays spread out. Each row is a softmax over the keys.
 */
function attentionRecord(p: RunPlan, step: number, probe: number, layer: number, T: number, rand: () => number): SelfAttentionRecord {
  const sharp = 0.5 + 4 * (step / p.steps) * (layer + 1) / p.layers;
  const marks = probe === 0 ? [4, 13] : [2, 17];
  const score = (h: number, i: number, j: number) => (h < 2 ? (j === marks[h] ? sharp : 0) : h === 2 ? (i === j ? sharp : 0) : 0) + 0.3 * (rand() - 0.5);
  const weights = Array.from({ length: 4 }, (_, h) => {
    const w: number[] = [];
    for (let i = 0; i < T; i++) {
      const e = Array.from({ length: T }, (_, j) => Math.exp(score(h, i, j)));
      const s = e.reduce((a, b) => a + b, 0);
      w.push(...e.map((v) => r4(v / s)));
    }
    return w;
  });
  return { kind: 'selfattention', step, probe, layer, T, weights };
}

const plans: RunPlan[] = [
  { id: 'webview-lstm', cell: 'lstm', task: 'adding', steps: 300, hidden: 6, layers: 2, loss: [0.19, 0.006, 70], flow: [0.86, 0.985], gates: true, stepEvery: 3 },
  { id: 'webview-gru', cell: 'gru', task: 'adding', steps: 300, hidden: 6, layers: 2, loss: [0.19, 0.02, 110], flow: [0.86, 0.96], gates: false, stepEvery: 3 },
  { id: 'webview-rnn', cell: 'rnn', task: 'adding', steps: 300, hidden: 6, layers: 2, loss: [0.19, 0.16, 60], flow: [0.8, 0.82], gates: false, stepEvery: 3 },
  { id: 'webview-copy', cell: 'gru', task: 'copy', steps: 60, hidden: 8, layers: 1, loss: [2.1, 0.3, 30], flow: [0.9, 0.95], gates: false, stepEvery: 1 },
  { id: 'webview-sine', cell: 'lstm', task: 'multisine', steps: 60, hidden: 8, layers: 1, loss: [0.5, 0.02, 20], flow: [0.9, 0.97], gates: false, stepEvery: 1 },
  { id: 'webview-transformer', cell: 'transformer', task: 'adding', steps: 300, hidden: 8, layers: 2, loss: [0.19, 0.003, 50], flow: [0.97, 0.99], gates: true, stepEvery: 3 },
];
plans.forEach((p, i) => generate(p, 1000 + i));
console.log(`wrote ${plans.length} runs to ${outDir}`);
