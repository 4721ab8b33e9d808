import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { loadExperiments } from '../../src/runner/experiment';
import { DEFAULT_MAX_THREADS, threadPlan } from '../../src/runner/backends/gemmPool';
import { resumeRun, startRun } from '../../src/runner/run';
import { readJsonl } from '../../src/runner/runDir';
import { readSafetensors } from '../../src/runner/safetensors';
import type { RunRecord, RunSummary, StepRecord } from '../../src/runner/events';
import { startWorker, type WorkerMessage } from '../../src/runner/workerClient';
import { tempWorkspace } from '../helpers/workspace';

const CONFIG = {
  seed: 7,
  data: { source: 'adding', length: 12, trainSize: 40, validationSize: 10 },
  model: { cell: 'lstm', hiddenSize: 6, numLayers: 2, dropout: 0.3 },
  train: { steps: 8, batchSize: 16, evalEvery: 4, checkpointEvery: 3, optimizer: { type: 'adam', lr: 0.01 } },
  instrumentation: { gradFlowEvery: 2, gatesEvery: 4, probes: [0, 1] },
};

const workspace = (config: object = CONFIG) => tempWorkspace({ 'adding.seqlab.json': config }, 'seqlab-run-');

const stripTime = (r: RunRecord) => ({ ...r, time: 0, stepsPerSec: 0 });

test('a run writes its folder: config, records, checkpoints and a completed summary with the baseline metric', async () => {
  const dir = workspace();
  const [exp] = loadExperiments(join(dir, 'adding.seqlab.json'));
  const seen: RunRecord[] = [];
  const r = await startRun(exp, { hooks: { onRecord: (x) => seen.push(x) } });
  assert.equal(resolve(r.runDir, '../..'), join(dir, '.seqlab'));
  const metrics = readJsonl<RunRecord>(join(r.runDir, 'metrics.jsonl'));
  assert.deepEqual(metrics.filter((m) => m.kind === 'step').map((m) => m.step), [1, 2, 3, 4, 5, 6, 7, 8]);
  const evals = metrics.filter((m) => m.kind === 'eval');
  assert.deepEqual(evals.map((m) => m.step), [4, 8]);
  assert.ok(Math.abs((evals[0] as { metrics: Record<string, number> }).metrics.baselineMse - 1 / 6) < 0.1);
  assert.deepEqual(readJsonl<RunRecord>(join(r.runDir, 'gradflow.jsonl')).map((g) => g.step), [2, 4, 6, 8]);
  const flow = readJsonl<{ norms: number[] }>(join(r.runDir, 'gradflow.jsonl'))[0];
  assert.equal(flow.norms.length, 12);
  // Gates before training and every 4 steps: 2 probes × 2 layers × 1 direction each time.
  const gates = readJsonl<{ step: number; values: Record<string, number[]>; T: number; H: number }>(join(r.runDir, 'gates.jsonl'));
  assert.equal(gates.length, 3 * 4);
  assert.deepEqual(Object.keys(gates[0].values).sort(), ['c', 'f', 'g', 'h', 'i', 'o']);
  assert.equal(gates[0].values.h.length, 12 * 6);
  assert.deepEqual(seen.length, metrics.length + 4 + 12);
  for (const f of ['step-3', 'step-6', 'final']) {
    assert.ok(existsSync(join(r.runDir, 'checkpoints', `${f}.safetensors`)), f);
    assert.ok(existsSync(join(r.runDir, 'checkpoints', `${f}.state.safetensors`)), f);
  }
  const params = readSafetensors(join(r.runDir, 'checkpoints/final.safetensors'));
  assert.ok('rnn.weight_ih_l0' in params.tensors && 'head.weight' in params.tensors);
  assert.equal(params.metadata.step, '8');
  const summary = JSON.parse(readFileSync(join(r.runDir, 'summary.json'), 'utf8')) as RunSummary;
  assert.equal(summary.status, 'completed');
  assert.equal(summary.steps, 8);
  // The default "auto" picks the WASM backend, relaxed SIMD on Node 20, its products on every core (up to 8).
  const threads = Math.min(DEFAULT_MAX_THREADS, availableParallelism());
  assert.equal(summary.backend, `wasm/relaxed-simd${threads > 1 ? ` ×${threads} threads` : ''}`);
  assert.ok(summary.endedAt !== null && summary.finalValLoss !== null);
  const cfg = JSON.parse(readFileSync(join(r.runDir, 'config.json'), 'utf8')) as { model: { hiddenSize: number; bidirectional: boolean } };
  assert.equal(cfg.model.hiddenSize, 6);
  assert.equal(cfg.model.bidirectional, false); // defaults filled in
});

// The default backend (float32) and reference64: a float64 run must checkpoint at full precision to resume exactly.
for (const backend of [undefined, 'reference64']) test(`stopping and resuming gives exactly the run that never stopped (shuffle, dropout and Adam state restored), backend ${backend ?? 'default'}`, async () => {
  const dir = workspace();
  const [exp] = loadExperiments(join(dir, 'adding.seqlab.json'));
  const straight = await startRun(exp, { outDir: join(dir, 'straight'), backend });
  let steps = 0;
  const stopped = await startRun(exp, { outDir: join(dir, 'stopped'), backend, hooks: { onRecord: (r) => { if (r.kind === 'step') steps = r.step; }, shouldStop: () => steps >= 5 } });
  assert.equal(stopped.summary.status, 'stopped');
  assert.equal(stopped.summary.steps, 5);
  assert.ok(existsSync(join(dir, 'stopped/checkpoints/step-5.safetensors')));
  const resumed = await resumeRun(join(dir, 'stopped'), { backend });
  assert.equal(resumed.summary.status, 'completed');
  assert.equal(resumed.summary.steps, 8);
  const a = readSafetensors(join(straight.runDir, 'checkpoints/final.safetensors')).tensors;
  const b = readSafetensors(join(resumed.runDir, 'checkpoints/final.safetensors')).tensors;
  for (const k of Object.keys(a)) assert.deepEqual(Array.from(b[k].data), Array.from(a[k].data), k);
  // Every record agrees: the stop added no evaluation of its own.
  const lines1 = readJsonl<StepRecord>(join(straight.runDir, 'metrics.jsonl')).map(stripTime);
  const lines2 = readJsonl<StepRecord>(join(resumed.runDir, 'metrics.jsonl')).map(stripTime);
  assert.equal(lines2.filter((r) => r.kind === 'step').length, 8);
  assert.deepEqual(lines2, lines1);
});

test('a run killed mid-write resumes from its last complete checkpoint, dropping later and half-written records', async () => {
  const dir = workspace();
  const [exp] = loadExperiments(join(dir, 'adding.seqlab.json'));
  const straight = await startRun(exp, { outDir: join(dir, 'a') });
  let steps = 0;
  const run = await startRun(exp, { outDir: join(dir, 'b'), hooks: { onRecord: (r) => { if (r.kind === 'step') steps = r.step; }, shouldStop: () => steps >= 4 } });
  // Simulate a kill after step 4's records (half of its stop checkpoint lost) with a torn final line.
  rmSync(join(run.runDir, 'checkpoints/step-4.state.safetensors'));
  appendFileSync(join(run.runDir, 'metrics.jsonl'), '{"kind":"step","st');
  const logs: string[] = [];
  const resumed = await resumeRun(run.runDir, { hooks: { onLog: (_, m) => logs.push(m) } });
  assert.ok(logs.includes('resuming b from step 3'), logs.join('\n'));
  assert.equal(resumed.summary.status, 'completed');
  const a = readSafetensors(join(straight.runDir, 'checkpoints/final.safetensors')).tensors;
  const b = readSafetensors(join(resumed.runDir, 'checkpoints/final.safetensors')).tensors;
  for (const k of Object.keys(a)) assert.deepEqual(Array.from(b[k].data), Array.from(a[k].data), k);
  const s = readJsonl<StepRecord>(join(resumed.runDir, 'metrics.jsonl')).filter((r) => r.kind === 'step').map((r) => r.step);
  assert.deepEqual(s, [1, 2, 3, 4, 5, 6, 7, 8]);
});

test('a truncated checkpoint file is named in a warning on resume, which continues from the checkpoint before it', async () => {
  const dir = workspace();
  const [exp] = loadExperiments(join(dir, 'adding.seqlab.json'));
  const run = await startRun(exp, { outDir: join(dir, 'run') });
  const finalFile = join(run.runDir, 'checkpoints/final.safetensors');
  const straight = readSafetensors(finalFile).tensors;
  truncateSync(finalFile, statSync(finalFile).size - 16);
  const logs: string[] = [];
  const resumed = await resumeRun(run.runDir, { hooks: { onLog: (level, m) => logs.push(`${level}: ${m}`) } });
  const warnings = logs.filter((l) => l.startsWith('warning: '));
  assert.equal(warnings.length, 1, logs.join('\n'));
  assert.match(warnings[0], /checkpoint final cannot be used: .*final\.safetensors: not a valid safetensors file: .*truncated/);
  assert.ok(logs.includes('info: resuming run from step 6'), logs.join('\n'));
  assert.equal(resumed.summary.status, 'completed');
  const again = readSafetensors(finalFile).tensors;
  for (const k of Object.keys(straight)) assert.deepEqual(Array.from(again[k].data), Array.from(straight[k].data), k);
});

test('a diverging run fails naming the step and the parameter', async () => {
  const dir = workspace({ ...CONFIG, model: { cell: 'rnn', nonlinearity: 'relu', hiddenSize: 8 }, train: { ...CONFIG.train, optimizer: { type: 'sgd', lr: 1e30 } } });
  const [exp] = loadExperiments(join(dir, 'adding.seqlab.json'));
  const r = await startRun(exp);
  assert.equal(r.summary.status, 'failed');
  assert.match(r.summary.reason ?? '', /training diverged at step \d+: (the loss is|the gradient of \S+ is not finite)/);
  const onDisk = JSON.parse(readFileSync(join(r.runDir, 'summary.json'), 'utf8')) as RunSummary;
  assert.equal(onDisk.status, 'failed');
});

test('the worker thread streams records in batches, stops gracefully on request, and reports bad input', async () => {
  const script = resolve(__dirname, '../../dist/worker.js');
  assert.ok(existsSync(script), 'build first: node scripts/build.mjs');
  const dir = workspace({ ...CONFIG, train: { ...CONFIG.train, steps: 100000, evalEvery: 0, checkpointEvery: 0 } });
  const messages: WorkerMessage[] = [];
  const run = startWorker(script, { configFile: join(dir, 'adding.seqlab.json'), workspace: dir, sweepIndex: 0 }, (m) => {
    messages.push(m);
    if (m.type === 'records' && m.records.some((r) => r.kind === 'step' && r.step >= 3)) run.stop();
  });
  const started = await run.started;
  assert.ok(started && started.totalSteps === 100000);
  // The wasm backend's helper threads start inside this worker thread, from dist/gemmWorker.js.
  const threads = Math.min(DEFAULT_MAX_THREADS, availableParallelism());
  assert.equal(started.backend, `wasm/relaxed-simd${threads > 1 ? ` ×${threads} threads` : ''}`);
  const summary = await run.done;
  assert.equal(summary?.status, 'stopped');
  assert.ok(summary!.steps >= 3);
  assert.equal(messages[messages.length - 1].type, 'done');
  assert.deepEqual(messages.filter((m) => m.type === 'log' && /gemm helper/.test(m.message)), []);
  const batches = messages.filter((m) => m.type === 'records');
  const records = batches.flatMap((m) => m.records);
  assert.ok(records.some((r) => r.kind === 'gates'));
  // Every step record arrives, in order, in far fewer messages than steps.
  const steps = records.filter((r) => r.kind === 'step').map((r) => r.step);
  assert.deepEqual(steps, Array.from({ length: summary!.steps }, (_, i) => i + 1));
  assert.ok(batches.length < Math.max(4, steps.length / 2), `${batches.length} messages for ${steps.length} steps`);
  assert.ok(existsSync(join(started!.dir, 'checkpoints', `step-${summary!.steps}.safetensors`)));

  const bad: WorkerMessage[] = [];
  const badRun = startWorker(script, { configFile: join(dir, 'missing.seqlab.json'), workspace: dir, sweepIndex: 0 }, (m) => bad.push(m));
  assert.equal(await badRun.done, null);
  const err = bad.find((m) => m.type === 'error');
  assert.ok(err && err.type === 'error' && err.kind === 'input' && /config file not found/.test(err.message));
});

test('a seeded run ends with the same parameter bytes with --threads 1 and 3 (3 is capped at the cores; LSTM and GRU large enough to split products)', async () => {
  for (const cell of ['lstm', 'gru']) {
    const config = {
      seed: 3, data: { source: 'adding', length: 32, trainSize: 64, validationSize: 0 },
      model: { cell, hiddenSize: 64 }, train: { steps: 3, batchSize: 32, evalEvery: 0, checkpointEvery: 0, optimizer: { type: 'adam', lr: 0.01 } },
    };
    const [one, three] = await Promise.all([1, 3].map(async (threads) => {
      const [exp] = loadExperiments(join(workspace(config), 'adding.seqlab.json'));
      const r = await startRun(exp, { threads, backend: 'wasm' });
      const planned = threadPlan(threads).threads; // 3 at most: no more than the cores
      assert.equal(r.summary.backend, `wasm/relaxed-simd${planned > 1 ? ` ×${planned} threads` : ''}`);
      return readSafetensors(join(r.runDir, 'checkpoints/final.safetensors')).tensors;
    }));
    for (const [name, t] of Object.entries(one)) {
      const bytes = (x: { data: ArrayBufferView }) => Buffer.from(x.data.buffer, x.data.byteOffset, x.data.byteLength);
      assert.ok(bytes(t).equals(bytes(three[name])), `${cell} ${name}`);
    }
  }
});
