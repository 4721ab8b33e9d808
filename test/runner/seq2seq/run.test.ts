// A sequence-to-sequence run end to end: training on the reversal task, its records (attention.jsonl, metrics,
// translations, beams, gradient flow over the source) and attention that learns the known alignment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlignmentRecord, EvalRecord, RunSummary, TaskRecord } from '../../../src/runner/events';
import { loadExperiments } from '../../../src/runner/experiment';
import { startRun } from '../../../src/runner/run';
import { readJsonl } from '../../../src/runner/runDir';
import { readSnapshot } from '../../../src/runner/snapshot';
import { tempWorkspace } from '../../helpers/workspace';

const REVERSE = {
  seed: 3,
  data: { source: 'reverse', minLength: 4, maxLength: 8, symbols: 8, trainSize: 2000, validationSize: 60 },
  model: { cell: 'gru', hiddenSize: 32, bidirectional: true, embedding: { dim: 16 }, decoder: { attention: 'additive', embedding: { dim: 16 } } },
  train: { steps: 300, batchSize: 32, optimizer: { type: 'adam', lr: 0.005 }, evalEvery: 150, checkpointEvery: 0 },
  instrumentation: { gatesEvery: 100, gradFlowEvery: 100, probes: [0, 1, 2] },
  decode: { beam: 3, maxLength: 12, examples: 5 },
};

test('a reversal run records alignments for every probe, learns the anti-diagonal, and scores its decodings', async () => {
  const dir = tempWorkspace({ 'rev.seqlab.json': REVERSE });
  const [exp] = loadExperiments(join(dir, 'rev.seqlab.json'));
  const r = await startRun(exp);
  const summary = JSON.parse(readFileSync(join(r.runDir, 'summary.json'), 'utf8')) as RunSummary;
  assert.equal(summary.status, 'completed');
  assert.ok(summary.metrics.exactMatch >= 0.8, `exactMatch ${summary.metrics.exactMatch}`);
  assert.ok(summary.metrics.tokenAccuracy >= 0.9 && summary.metrics.bleu >= 85, JSON.stringify(summary.metrics));

  const evals = readJsonl<EvalRecord>(join(r.runDir, 'metrics.jsonl')).filter((m) => m.kind === 'eval');
  assert.deepEqual(evals.map((e) => e.step), [150, 300]);
  const al = readJsonl<AlignmentRecord>(join(r.runDir, 'attention.jsonl'));
  assert.deepEqual([...new Set(al.map((a) => a.step))], [0, 100, 200, 300], 'before training and every gatesEvery steps');
  assert.deepEqual(al.filter((a) => a.step === 300).map((a) => a.probe), [0, 1, 2]);
  let onDiagonal = 0, rows = 0;
  for (const a of al.filter((x) => x.step === 300)) {
    const n = a.source.length;
    assert.ok(a.weights.every((w) => w.length === n && Math.abs(w.reduce((s, v) => s + v, 0) - 1) < 1e-4 + 1e-5 * n));
    assert.equal(a.target[a.target.length - 1], '</s>');
    assert.deepEqual(a.target.slice(0, -1), [...a.source].reverse(), 'the probe is reversed');
    a.weights.slice(0, n).forEach((w, i) => { rows++; if (w.indexOf(Math.max(...w)) === n - 1 - i) onDiagonal++; });
  }
  assert.ok(onDiagonal / rows >= 0.8, `attention on the anti-diagonal in ${onDiagonal}/${rows} rows`);

  const tasks = readJsonl<TaskRecord>(join(r.runDir, 'tasks.jsonl'));
  const tr = tasks.filter((t): t is Extract<TaskRecord, { kind: 'translations' }> => t.kind === 'translations').pop()!;
  assert.equal(tr.examples.length, 5);
  for (const e of tr.examples) {
    assert.equal(e.reference, [...e.source].reverse().join(''));
    assert.ok(e.greedyBleu >= 0 && e.greedyBleu <= 100 && typeof e.beam === 'string');
  }
  const beams = tasks.filter((t): t is Extract<TaskRecord, { kind: 'beams' }> => t.kind === 'beams').pop()!;
  assert.equal(beams.hypotheses.length, 3);
  assert.ok(beams.hypotheses[0].score >= beams.hypotheses[1].score && beams.hypotheses[1].score >= beams.hypotheses[2].score);
  const flow = readJsonl<{ norms: number[] }>(join(r.runDir, 'gradflow.jsonl'));
  assert.ok(flow.length === 3 && flow.every((f) => f.norms.length >= 4 && f.norms.length <= 8 && f.norms.every((v) => v >= 0)), 'encoder steps of the batch');
  // The dashboard's reader picks the alignment records up with the others.
  assert.equal(readSnapshot('x', r.runDir).records.filter((x) => x.kind === 'alignment').length, al.length);
});

test('attention "none" trains too and records no weights', async () => {
  const dir = tempWorkspace({ 'rev.seqlab.json': { ...REVERSE, model: { ...REVERSE.model, decoder: { attention: 'none' } }, train: { ...REVERSE.train, steps: 20 } } });
  const r = await startRun(loadExperiments(join(dir, 'rev.seqlab.json'))[0]);
  const al = readJsonl<AlignmentRecord>(join(r.runDir, 'attention.jsonl'));
  assert.ok(al.length > 0 && al.every((a) => a.weights.length === 0));
  assert.equal((JSON.parse(readFileSync(join(r.runDir, 'summary.json'), 'utf8')) as RunSummary).status, 'completed');
});
