// The Transformer wherever a cell goes: every data source, sweeps over cells, resume, predict and sample, its attention
// maps and gradient flow in the run folder, and config errors for what has no meaning for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic, InputError, UnusableInputError } from '../../src/runner/diagnostics';
import { loadExperiments } from '../../src/runner/experiment';
import { predictFile } from '../../src/runner/predict';
import { resumeRun, startRun } from '../../src/runner/run';
import { readJsonl } from '../../src/runner/runDir';
import { readSafetensors } from '../../src/runner/safetensors';
import { sampleRun } from '../../src/runner/sample';
import type { SelfAttentionRecord, StepRecord } from '../../src/runner/events';
import { tempWorkspace } from '../helpers/workspace';

const MODEL = { cell: 'transformer', hiddenSize: 8, numLayers: 2, heads: 2, feedForward: 16 };
const QUIET = { gradFlowEvery: 0, gatesEvery: 0 };

const text = 'the quick brown fox jumps over the lazy dog. '.repeat(12);
const csv = 'month,passengers\n' + Array.from({ length: 60 }, (_, i) => `${i},${(100 + 20 * Math.sin(i / 2) + i).toFixed(2)}`).join('\n') + '\n';
const regression = Array.from({ length: 24 }, (_, i) => JSON.stringify({ x: Array.from({ length: 3 + (i % 4) }, (_, t) => [Math.sin(i + t), t / 6]), y: [i % 3 === 0 ? 1 : 0] })).join('\n') + '\n';

const sources: Record<string, object> = {
  adding: { source: 'adding', length: 10, trainSize: 40, validationSize: 8 },
  copy: { source: 'copy', delay: 3, copyLength: 3, symbols: 4, trainSize: 40, validationSize: 8 },
  sine: { source: 'sine', length: 12, horizon: 2, trainSize: 40, validationSize: 8 },
  multisine: { source: 'multisine', length: 12, trainSize: 40, validationSize: 8 },
  parity: { source: 'parity', length: 6, trainSize: 40, validationSize: 8 },
  text: { source: 'text', path: 'tiny.txt', seqLength: 16, validation: 0.2, sample: { every: 0, length: 12, temperature: 0.8, prime: 'the' } },
  csv: { source: 'csv', path: 'series.csv', window: 8, validation: 0.2 },
  'jsonl (ragged)': { source: 'jsonl', path: 'ragged.jsonl', validation: 0.25 },
};

for (const [name, data] of Object.entries(sources))
  test(`a transformer trains on ${name} data: finite losses, an evaluation, a checkpoint in PyTorch names`, async () => {
    const dir = tempWorkspace({
      'tiny.txt': text, 'series.csv': csv, 'ragged.jsonl': regression,
      'x.seqlab.json': { seed: 3, data, model: MODEL, train: { steps: 4, batchSize: 8, evalEvery: 4 }, instrumentation: QUIET },
    });
    const [exp] = loadExperiments(join(dir, 'x.seqlab.json'));
    assert.equal(exp.model.transformer?.causal, exp.model.head.output === 'all', 'causal exactly when targets are per step');
    const r = await startRun(exp, { outDir: join(dir, 'run') });
    assert.equal(r.summary.status, 'completed', r.summary.reason);
    const steps = readJsonl<StepRecord>(join(r.runDir, 'metrics.jsonl')).filter((s) => s.kind === 'step');
    assert.equal(steps.length, 4);
    assert.ok(steps.every((s) => Number.isFinite(s.loss) && s.gradNorm > 0));
    assert.ok(r.summary.finalValLoss !== null && Number.isFinite(r.summary.finalValLoss));
    const names = Object.keys(readSafetensors(join(r.runDir, 'checkpoints/final.safetensors')).tensors);
    assert.ok(names.includes('transformer.layers.1.self_attn.in_proj_weight') && names.includes('head.weight'), names.join(', '));
    assert.ok(names.includes(exp.dataset.input.kind === 'tokens' ? 'embedding.weight' : 'input_proj.weight'));
  });

test('attention maps per layer and probe go to selfattention.jsonl at every gate step; gradient flow has one norm per position', async () => {
  const dir = tempWorkspace({
    'tiny.txt': text,
    'lm.seqlab.json': {
      data: { source: 'text', path: 'tiny.txt', seqLength: 12, validation: 0.2, sample: { every: 0, length: 5 } },
      model: MODEL, train: { steps: 4, batchSize: 8 }, instrumentation: { gradFlowEvery: 2, gatesEvery: 2, probes: [0, 1] },
    },
  });
  const [exp] = loadExperiments(join(dir, 'lm.seqlab.json'));
  const r = await startRun(exp, { outDir: join(dir, 'run') });
  const maps = readJsonl<SelfAttentionRecord>(join(r.runDir, 'selfattention.jsonl'));
  // Before training and after steps 2 and 4: 2 probes × 2 layers each time.
  assert.deepEqual(maps.map((m) => m.step), [0, 0, 0, 0, 2, 2, 2, 2, 4, 4, 4, 4]);
  assert.deepEqual(maps.slice(0, 4).map((m) => [m.probe, m.layer]), [[0, 0], [0, 1], [1, 0], [1, 1]]);
  for (const m of maps) {
    assert.equal(m.T, 12);
    assert.equal(m.weights.length, 2, 'one map per head');
    for (const w of m.weights) {
      assert.equal(w.length, 12 * 12);
      for (let i = 0; i < 12; i++) {
        const row = w.slice(i * 12, (i + 1) * 12);
        assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-3, `row ${i} sums to 1`);
        // Text targets are per step, so the mask is causal: no step attends to a later one.
        assert.ok(row.slice(i + 1).every((v) => v === 0), `row ${i} attends ahead`);
      }
    }
  }
  assert.equal(readFileSync(join(r.runDir, 'gates.jsonl'), 'utf8'), '', 'no gate records: the Transformer has no gates');
  const flows = readJsonl<{ step: number; norms: number[] }>(join(r.runDir, 'gradflow.jsonl'));
  assert.deepEqual(flows.map((f) => f.step), [2, 4]);
  assert.ok(flows.every((f) => f.norms.length === 12 && f.norms.every((v) => v > 0)));
});

test('stopping and resuming a transformer run with dropout gives exactly the run that never stopped', async () => {
  const dir = tempWorkspace({
    'a.seqlab.json': {
      seed: 5, data: sources.adding, model: { ...MODEL, dropout: 0.2, normFirst: true, positional: 'learned', activation: 'gelu' },
      train: { steps: 6, batchSize: 8, checkpointEvery: 2, optimizer: { type: 'adam', lr: 0.01 } }, instrumentation: QUIET,
    },
  });
  const [exp] = loadExperiments(join(dir, 'a.seqlab.json'));
  const straight = await startRun(exp, { outDir: join(dir, 'straight') });
  let done = 0;
  const stopped = await startRun(exp, { outDir: join(dir, 'stopped'), hooks: { onRecord: (r) => { if (r.kind === 'step') done = r.step; }, shouldStop: () => done >= 3 } });
  assert.equal(stopped.summary.status, 'stopped');
  const resumed = await resumeRun(stopped.runDir);
  assert.equal(resumed.summary.steps, 6);
  const a = readSafetensors(join(straight.runDir, 'checkpoints/final.safetensors')).tensors;
  const b = readSafetensors(join(resumed.runDir, 'checkpoints/final.safetensors')).tensors;
  assert.ok('pos_embedding.weight' in a && 'transformer.norm.weight' in a);
  for (const k of Object.keys(a)) assert.deepEqual(Array.from(b[k].data), Array.from(a[k].data), k);
  const losses = (d: string) => readJsonl<StepRecord>(join(d, 'metrics.jsonl')).filter((r) => r.kind === 'step').map((r) => r.loss);
  assert.deepEqual(losses(resumed.runDir), losses(straight.runDir));
});

test('a sweep over model.cell runs the three recurrent cells and the Transformer on the same data', async () => {
  const dir = tempWorkspace({
    's.seqlab.json': {
      data: sources.adding, model: { hiddenSize: 8, heads: 2 }, train: { steps: 2, batchSize: 8 }, instrumentation: QUIET,
      sweep: { 'model.cell': ['rnn', 'gru', 'lstm', 'transformer'] },
    },
  });
  const exps = loadExperiments(join(dir, 's.seqlab.json'));
  assert.deepEqual(exps.map((e) => e.model.cell), ['rnn', 'gru', 'lstm', 'transformer']);
  assert.deepEqual(exps.map((e) => e.model.transformer === null), [true, true, true, false]);
  for (const exp of exps) assert.equal((await startRun(exp)).summary.status, 'completed');
});

test('every optimizer, with a warmup-then-cosine schedule and both clippings, trains a transformer', async () => {
  const dir = tempWorkspace({
    'o.seqlab.json': {
      data: sources.adding, model: MODEL, instrumentation: QUIET,
      train: { steps: 3, batchSize: 8, clip: { maxNorm: 0.5, maxValue: 0.05 }, schedule: { type: 'warmup', warmupSteps: 1, after: { type: 'cosine' } } },
      sweep: { 'train.optimizer.type': ['sgd', 'adagrad', 'rmsprop', 'adam', 'adamw'] },
    },
  });
  for (const exp of loadExperiments(join(dir, 'o.seqlab.json'))) {
    const r = await startRun(exp);
    assert.equal(r.summary.status, 'completed', `${exp.config.train.optimizer.type}: ${r.summary.reason}`);
    const steps = readJsonl<StepRecord>(join(r.runDir, 'metrics.jsonl')).filter((s) => s.kind === 'step');
    assert.deepEqual(steps.map((s) => s.lr > 0), [false, true, true], 'warmup starts at 0');
    assert.ok(steps.every((s) => s.gradNormClipped <= 0.5 + 1e-6), exp.config.train.optimizer.type);
  }
});

test('predict and sample work from a transformer run; a sequence longer than its learned positions is named by file and line', async () => {
  const dir = tempWorkspace({
    'tiny.txt': text, 'ragged.jsonl': regression, 'long.jsonl': `${JSON.stringify({ x: Array.from({ length: 9 }, () => [0, 1]) })}\n`,
    'lm.seqlab.json': { data: sources.text, model: MODEL, train: { steps: 2, batchSize: 8 }, instrumentation: QUIET },
    'reg.seqlab.json': { data: sources['jsonl (ragged)'], model: { ...MODEL, positional: 'learned' }, train: { steps: 2, batchSize: 8 }, instrumentation: QUIET },
  });
  const lm = await startRun(loadExperiments(join(dir, 'lm.seqlab.json'))[0], { outDir: join(dir, 'lm') });
  const sample = sampleRun(lm.runDir, { seed: 1, length: 30, prime: 'the' });
  assert.equal(sample.length, 33);
  assert.ok([...sample].every((ch) => text.includes(ch)));
  assert.equal(sampleRun(lm.runDir, { seed: 1, length: 30, prime: 'the' }), sample, 'seeded samples repeat');
  const reg = await startRun(loadExperiments(join(dir, 'reg.seqlab.json'))[0], { outDir: join(dir, 'reg') });
  const predictions = predictFile(reg.runDir, join(dir, 'ragged.jsonl'));
  assert.equal(predictions.length, 24);
  assert.ok(predictions.every((p) => typeof p === 'number' && Number.isFinite(p)));
  assert.throws(() => predictFile(reg.runDir, join(dir, 'long.jsonl')),
    (e) => e instanceof UnusableInputError && /long\.jsonl:1: x has 9 steps; the model learned 6 positions \(model\.maxLength\)/.test(e.message));
  assert.ok(existsSync(join(reg.runDir, 'selfattention.jsonl')));
});

/** The errors (and warnings) loading a config gives, formatted as the CLI prints them. */
function problems(model: object, train: object = {}, data: object = sources.adding): string[] {
  const dir = tempWorkspace({ 'tiny.txt': text, 'bad.seqlab.json': JSON.stringify({ data, model, train }, null, 2) });
  try {
    loadExperiments(join(dir, 'bad.seqlab.json'));
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics.map((d) => formatDiagnostic(d).replace(/^.*bad\.seqlab\.json:/, ''));
    throw e;
  }
  return [];
}

test('config errors for what the Transformer cannot do name the field, at its line and column', () => {
  const bptt = problems(MODEL, { bptt: { mode: 'truncated', k: 5 } });
  assert.equal(bptt.length, 1, bptt.join('\n'));
  assert.match(bptt[0], /^\d+:\d+: error: train\.bptt: truncated BPTT has no meaning for the Transformer/);
  assert.match(problems({ ...MODEL, heads: 3 })[0], /^\d+:\d+: error: model\.heads: hiddenSize 8 is not a multiple of heads 3/);
  assert.match(problems({ ...MODEL, bidirectional: true })[0], /error: model\.bidirectional: the Transformer has no direction/);
  assert.match(problems({ ...MODEL, positional: 'learned', maxLength: 5 })[0],
    /error: model\.maxLength: the data has sequences of 10 steps, more than the 5 learned positions/);
  assert.match(problems({ ...MODEL, embedding: { dim: 4 } }, {}, sources.parity).join('\n'), /error: model\.embedding: an embedding needs token input/);
  assert.deepEqual(problems({ ...MODEL, embedding: { dim: 4 } }, {}, sources.text).map((p) => p.replace(/^\d+:\d+: /, '')),
    ['error: model.embedding.dim: the Transformer embeds tokens at its width: embedding.dim must be hiddenSize 8 (or set embedding to null)']);
  assert.deepEqual(problems({ ...MODEL, embedding: { dim: 8 } }, {}, sources.text), [], 'an embedding of width hiddenSize is fine');
});

test('a swept cell that makes the Transformer impossible is reported at the field, naming the combination', () => {
  const dir = tempWorkspace({
    's.seqlab.json': JSON.stringify({ data: sources.adding, model: { hiddenSize: 6, heads: 4 }, sweep: { 'model.cell': ['lstm', 'transformer'] } }, null, 2),
  });
  assert.throws(() => loadExperiments(join(dir, 's.seqlab.json')), (e) => e instanceof InputError
    && /:\d+:\d+: error: model\.heads: with model\.cell = "transformer": hiddenSize 6 is not a multiple of heads 4/.test(formatDiagnostic(e.diagnostics.find((d) => d.severity === 'error')!)));
});
