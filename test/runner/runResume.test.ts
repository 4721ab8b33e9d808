// Resuming runs that were killed early, left temporary files, or had already finished.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { InputError } from '../../src/runner/diagnostics';
import type { GateRecord, RunSummary, StepRecord } from '../../src/runner/events';
import { loadExperiments } from '../../src/runner/experiment';
import { resumeRun, startRun, type RunResult } from '../../src/runner/run';
import { readJsonl } from '../../src/runner/runDir';
import { readSafetensors } from '../../src/runner/safetensors';
import { tempWorkspace } from '../helpers/workspace';

const CONFIG = {
  seed: 5,
  data: { source: 'sine', length: 8, trainSize: 24, validationSize: 6 },
  model: { cell: 'lstm', hiddenSize: 4, numLayers: 2, dropout: 0.2 },
  train: { steps: 6, batchSize: 8, evalEvery: 3, checkpointEvery: 4 },
  instrumentation: { gradFlowEvery: 0, gatesEvery: 3 },
};

function setup(): { dir: string; exp: ReturnType<typeof loadExperiments>[0] } {
  const dir = tempWorkspace({ 's.seqlab.json': CONFIG }, 'seqlab-resume-');
  return { dir, exp: loadExperiments(join(dir, 's.seqlab.json'))[0] };
}

function assertSameWeights(a: RunResult, b: RunResult): void {
  const x = readSafetensors(join(a.runDir, 'checkpoints/final.safetensors')).tensors;
  const y = readSafetensors(join(b.runDir, 'checkpoints/final.safetensors')).tensors;
  for (const k of Object.keys(x)) assert.deepEqual(Array.from(y[k].data), Array.from(x[k].data), k);
}

/** What a kill before the first checkpoint leaves: records and a "running" summary, no checkpoint. */
function killedBeforeFirstCheckpoint(runDir: string): void {
  rmSync(join(runDir, 'checkpoints'), { recursive: true });
  const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as RunSummary;
  writeFileSync(join(runDir, 'summary.json'), JSON.stringify({ ...summary, status: 'running', endedAt: null }));
}

test('a run killed before its first checkpoint resumes from step 0, with the records of the lost steps dropped', async () => {
  const { dir, exp } = setup();
  const straight = await startRun(exp, { outDir: join(dir, 'a') });
  const run = await startRun(exp, { outDir: join(dir, 'b') });
  killedBeforeFirstCheckpoint(run.runDir);
  const logs: string[] = [];
  const resumed = await resumeRun(run.runDir, { hooks: { onLog: (level, m) => logs.push(`${level}: ${m}`) } });
  assert.ok(logs.includes('info: b has no checkpoint yet: starting it again from step 0 (same config and seed)'), logs.join('\n'));
  assert.equal(resumed.summary.status, 'completed');
  assertSameWeights(straight, resumed);
  const steps = readJsonl<StepRecord>(join(run.runDir, 'metrics.jsonl')).filter((r) => r.kind === 'step').map((r) => r.step);
  assert.deepEqual(steps, [1, 2, 3, 4, 5, 6]);
  const gates = readJsonl<GateRecord>(join(run.runDir, 'gates.jsonl')).map((g) => g.step);
  assert.deepEqual(gates, readJsonl<GateRecord>(join(straight.runDir, 'gates.jsonl')).map((g) => g.step));
});

test('resume removes the temporary files a killed run left behind, and says so', async () => {
  const { dir, exp } = setup();
  const run = await startRun(exp, { outDir: join(dir, 'r') });
  killedBeforeFirstCheckpoint(run.runDir);
  const deadPid = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
  writeFileSync(join(run.runDir, `summary.json.tmp-${deadPid}`), '{"half');
  writeFileSync(join(run.runDir, `config.json.tmp-${process.pid}`), '{');
  const logs: string[] = [];
  await resumeRun(run.runDir, { hooks: { onLog: (_, m) => logs.push(m) } });
  assert.deepEqual(readdirSync(run.runDir).filter((f) => f.includes('.tmp-')), []);
  assert.ok(logs.some((l) => l.startsWith('removed temporary files a killed run left: ') && l.includes(`summary.json.tmp-${deadPid}`)), logs.join('\n'));
});

test('resuming a completed run does nothing and says so', async () => {
  const { dir, exp } = setup();
  const run = await startRun(exp, { outDir: join(dir, 'done') });
  const before = ['metrics.jsonl', 'tasks.jsonl', 'summary.json', 'checkpoints/final.safetensors'].map((f) => readFileSync(join(run.runDir, f)));
  const logs: string[] = [];
  const again = await resumeRun(run.runDir, { hooks: { onLog: (_, m) => logs.push(m) } });
  assert.equal(again.alreadyComplete, true);
  assert.equal(again.summary.status, 'completed');
  assert.deepEqual(logs, ['done is already complete (6 steps); nothing to do']);
  assert.deepEqual(['metrics.jsonl', 'tasks.jsonl', 'summary.json', 'checkpoints/final.safetensors'].map((f) => readFileSync(join(run.runDir, f))), before);
});

test('a run killed after its final checkpoint but before its summary finishes without recording anything again', async () => {
  const { dir, exp } = setup();
  const run = await startRun(exp, { outDir: join(dir, 'late') });
  const metrics = readFileSync(join(run.runDir, 'metrics.jsonl'));
  const summary = JSON.parse(readFileSync(join(run.runDir, 'summary.json'), 'utf8')) as RunSummary;
  writeFileSync(join(run.runDir, 'summary.json'), JSON.stringify({ ...summary, status: 'running', endedAt: null }));
  const resumed = await resumeRun(run.runDir);
  assert.equal(resumed.summary.status, 'completed');
  assert.deepEqual(readFileSync(join(run.runDir, 'metrics.jsonl')), metrics);
});

test('a run started from --init saves those parameters as step-0, so it resumes from them; without them it refuses clearly', async () => {
  const { dir, exp } = setup();
  const source = await startRun(exp, { outDir: join(dir, 'source') });
  const init = join(source.runDir, 'checkpoints/final.safetensors');
  const straight = await startRun(exp, { outDir: join(dir, 'straight'), init });
  assert.ok(readdirSync(join(straight.runDir, 'checkpoints')).includes('step-0.safetensors'));
  const run = await startRun(exp, { outDir: join(dir, 'killed'), init });
  for (const f of readdirSync(join(run.runDir, 'checkpoints'))) if (!f.startsWith('step-0.')) rmSync(join(run.runDir, 'checkpoints', f));
  const resumed = await resumeRun(run.runDir);
  assertSameWeights(straight, resumed);
  rmSync(join(run.runDir, 'checkpoints'), { recursive: true });
  await assert.rejects(resumeRun(run.runDir), (e) => e instanceof InputError
    && /no usable checkpoint; the run started from --init .*final\.safetensors, so it cannot start again from its seed: start a new run/.test(e.message));
});
