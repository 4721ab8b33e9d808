// Checkpoints beyond the latest: "best" (lowest validation loss so far), readers that skip a damaged checkpoint, and
// parameter files that must hold floating-point tensors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInit } from '../../src/runner/checkpoints';
import { InputError } from '../../src/runner/diagnostics';
import type { EvalRecord } from '../../src/runner/events';
import { loadExperiments } from '../../src/runner/experiment';
import { predictFile } from '../../src/runner/predict';
import { resumeRun, startRun } from '../../src/runner/run';
import { readJsonl } from '../../src/runner/runDir';
import { encodeSafetensors, readSafetensors } from '../../src/runner/safetensors';
import { sampleRun } from '../../src/runner/sample';
import { loadTrainedModel } from '../../src/runner/savedRun';
import { tempWorkspace } from '../helpers/workspace';

const ROWS = Array.from({ length: 40 }, (_, i) => JSON.stringify({ x: [[i / 40, 1], [1 - i / 40, 0], [0.5, i % 2]], y: [(i % 7) / 7] })).join('\n') + '\n';
const CONFIG = {
  seed: 2,
  data: { source: 'jsonl', path: 'd.jsonl', validation: 0.25 },
  model: { cell: 'gru', hiddenSize: 6 },
  // A rate high enough that the validation loss goes up and down, so the best step is not simply the last.
  train: { steps: 12, batchSize: 8, evalEvery: 2, checkpointEvery: 2, optimizer: { type: 'sgd', lr: 0.9, momentum: 0.9 } },
  instrumentation: { gradFlowEvery: 0, gatesEvery: 0 },
};

const workspace = () => tempWorkspace({ 'd.jsonl': ROWS, 'new.jsonl': '{"x": [[0.1, 1], [0.2, 0]]}\n', 'r.seqlab.json': CONFIG }, 'seqlab-ckpt-');
const tensors = (file: string) => Object.entries(readSafetensors(file).tensors).map(([k, t]) => [k, Array.from(t.data)]);

test('checkpoints/best holds the parameters of the lowest validation loss so far, also across a stop and resume', async () => {
  const dir = workspace();
  const [exp] = loadExperiments(join(dir, 'r.seqlab.json'));
  const straight = await startRun(exp, { outDir: join(dir, 'a') });
  const evals = readJsonl<EvalRecord>(join(straight.runDir, 'metrics.jsonl')).filter((r) => r.kind === 'eval');
  const best = evals.reduce((b, r) => (r.valLoss < b.valLoss ? r : b));
  assert.notEqual(best.step, 12, `the best step should not be the last: ${evals.map((e) => e.valLoss)}`);
  const file = join(straight.runDir, 'checkpoints/best.safetensors');
  assert.deepEqual(JSON.parse(readSafetensors(file).metadata.best), { step: best.step, valLoss: best.valLoss });
  assert.deepEqual(tensors(file), tensors(join(straight.runDir, `checkpoints/step-${best.step}.safetensors`)));

  let step = 0;
  const stopped = await startRun(exp, { outDir: join(dir, 'b'), hooks: { onRecord: (r) => { if (r.kind === 'step') step = r.step; }, shouldStop: () => step >= best.step + 1 } });
  await resumeRun(stopped.runDir);
  const resumed = join(stopped.runDir, 'checkpoints/best.safetensors');
  assert.deepEqual(tensors(resumed), tensors(file));
  assert.equal(readSafetensors(resumed).metadata.best, readSafetensors(file).metadata.best);
});

test('predict and sample use the newest checkpoint or "best", and say which; a damaged one is skipped with a warning', async () => {
  const dir = workspace();
  const [exp] = loadExperiments(join(dir, 'r.seqlab.json'));
  const run = await startRun(exp, { outDir: join(dir, 'run') });
  const logs: string[] = [];
  const onLog = (level: string, m: string) => logs.push(`${level}: ${m}`);
  const latest = predictFile(run.runDir, join(dir, 'new.jsonl'), { onLog });
  assert.deepEqual(logs, [`info: using checkpoint final (step 12) of ${run.runDir}`]);
  logs.length = 0;
  const best = loadTrainedModel(run.runDir, { checkpoint: 'best', onLog });
  assert.match(logs[0], new RegExp(`^info: using checkpoint best \\(step ${best.checkpoint.step}, validation loss [\\d.e-]+\\) of `));
  assert.notDeepEqual(predictFile(run.runDir, join(dir, 'new.jsonl'), { checkpoint: 'best' }), latest);

  const final = join(run.runDir, 'checkpoints/final.safetensors');
  truncateSync(final, statSync(final).size - 8);
  logs.length = 0;
  predictFile(run.runDir, join(dir, 'new.jsonl'), { onLog });
  assert.match(logs[0], /^warning: checkpoint final cannot be used: .*final\.safetensors: not a valid safetensors file: .*truncated file\?\); trying the one before it$/);
  assert.equal(logs[1], `info: using checkpoint step-12 (step 12) of ${run.runDir}`);

  for (const f of ['final', 'step-2', 'step-4', 'step-6', 'step-8', 'step-10', 'step-12']) writeFileSync(join(run.runDir, `checkpoints/${f}.safetensors`), 'garbage');
  assert.throws(() => predictFile(run.runDir, join(dir, 'new.jsonl')), (e) => e instanceof InputError && /error: the run has no usable checkpoint/.test(e.message));
  assert.throws(() => sampleRun(run.runDir, { checkpoint: 'best' }), /sample needs a run trained on text data/);
});

test('a parameter file with integer tensors (float bits relabelled I32) is refused by --init and by readers', async () => {
  const dir = workspace();
  const [exp] = loadExperiments(join(dir, 'r.seqlab.json'));
  const run = await startRun(exp, { outDir: join(dir, 'run') });
  const good = readSafetensors(join(run.runDir, 'checkpoints/final.safetensors'));
  const relabelled = Object.fromEntries(Object.entries(good.tensors).map(([k, t]) =>
    [k, { shape: t.shape, data: k === 'head.bias' ? new Int32Array(new Float32Array(t.data).buffer) : t.data }]));
  const file = join(dir, 'int.safetensors');
  writeFileSync(file, encodeSafetensors(relabelled, good.metadata));
  const { model } = loadTrainedModel(run.runDir);
  assert.throws(() => loadInit(model, file), (e) => e instanceof InputError
    && /int\.safetensors:1:1: error: --init: .*int\.safetensors: not a valid safetensors file: tensor head\.bias has dtype I32; parameters must be floating point \(F32 or F64\)/.test(e.message));
  writeFileSync(join(run.runDir, 'checkpoints/final.safetensors'), readFileSync(file));
  const logs: string[] = [];
  loadTrainedModel(run.runDir, { onLog: (_, m) => logs.push(m) });
  assert.match(logs[0], /checkpoint final cannot be used: .*tensor head\.bias has dtype I32/);
});
