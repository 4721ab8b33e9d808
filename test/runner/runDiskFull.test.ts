// A disk that fills up during a run (simulated by test/helpers/fullDisk.cjs): the run stops "failed" with a clear
// reason, the files it leaves all read back, and once there is room again it resumes to the run that never failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLatestCheckpoint } from '../../src/runner/checkpoints';
import type { RunSummary, StepRecord } from '../../src/runner/events';
import { loadExperiments } from '../../src/runner/experiment';
import { resumeRun, startRun, type RunResult } from '../../src/runner/run';
import { readJsonl } from '../../src/runner/runDir';
import { readSafetensors } from '../../src/runner/safetensors';
import { installFullDisk, type FullDiskOptions } from '../helpers/fullDisk';
import { tempWorkspace } from '../helpers/workspace';

const CONFIG = {
  seed: 3,
  data: { source: 'adding', length: 10, trainSize: 40, validationSize: 10 },
  model: { cell: 'gru', hiddenSize: 5 },
  train: { steps: 8, batchSize: 16, evalEvery: 4, checkpointEvery: 3 },
  instrumentation: { gradFlowEvery: 2, gatesEvery: 4 },
};

async function runs(disk: FullDiskOptions): Promise<{ dir: string; straight: RunResult; full: RunResult }> {
  const dir = tempWorkspace({ 'a.seqlab.json': CONFIG }, 'seqlab-full-');
  const [exp] = loadExperiments(join(dir, 'a.seqlab.json'));
  const straight = await startRun(exp, { outDir: join(dir, 'straight') });
  const restore = installFullDisk(disk);
  try {
    return { dir, straight, full: await startRun(exp, { outDir: join(dir, 'full') }) };
  } finally {
    restore();
  }
}

/** Every line of every record file parses, and each file ends with a whole line. */
function assertWholeRecords(runDir: string): void {
  for (const f of ['metrics.jsonl', 'gradflow.jsonl', 'gates.jsonl', 'tasks.jsonl']) {
    const text = readFileSync(join(runDir, f), 'utf8');
    assert.ok(text === '' || text.endsWith('\n'), f);
    for (const line of text.split('\n').filter(Boolean)) assert.doesNotThrow(() => JSON.parse(line), f);
  }
}

async function assertResumesToStraight(runDir: string, straight: RunResult): Promise<void> {
  const resumed = await resumeRun(runDir);
  assert.equal(resumed.summary.status, 'completed');
  const a = readSafetensors(join(straight.runDir, 'checkpoints/final.safetensors')).tensors;
  const b = readSafetensors(join(runDir, 'checkpoints/final.safetensors')).tensors;
  for (const k of Object.keys(a)) assert.deepEqual(Array.from(b[k].data), Array.from(a[k].data), k);
  const steps = readJsonl<StepRecord>(join(runDir, 'metrics.jsonl')).filter((r) => r.kind === 'step').map((r) => r.step);
  assert.deepEqual(steps, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(readJsonl<{ step: number }>(join(runDir, 'gradflow.jsonl')).map((r) => r.step), [2, 4, 6, 8]);
}

test('a full disk while writing a checkpoint fails the run naming the file and the newest complete checkpoint, which stays the newest', async () => {
  const { full, straight } = await runs({ match: 'step-6\\.', bytes: 1000 });
  assert.equal(full.summary.status, 'failed');
  const reason = /^cannot write .*step-6\.safetensors: no space left on device \(ENOSPC\); the newest complete checkpoint is step-3\. Once there is room, continue with: seqlab run --resume .*full$/;
  assert.match(full.summary.reason ?? '', reason);
  const onDisk = JSON.parse(readFileSync(join(full.runDir, 'summary.json'), 'utf8')) as RunSummary;
  assert.deepEqual([onDisk.status, onDisk.steps], ['failed', 6]);
  assert.match(onDisk.reason ?? '', reason);
  // Nothing half-written: no step-6 file under any name.
  assert.deepEqual(readdirSync(join(full.runDir, 'checkpoints')).sort(),
    ['best.safetensors', 'best.state.safetensors', 'step-3.safetensors', 'step-3.state.safetensors']);
  const warnings: string[] = [];
  assert.equal(readLatestCheckpoint(full.runDir, (m) => warnings.push(m))?.label, 'step-3');
  assert.deepEqual(warnings, []);
  assertWholeRecords(full.runDir);
  await assertResumesToStraight(full.runDir, straight);
});

test('a full disk while appending records fails the run; the record files keep whole lines and the run resumes', async () => {
  const { full, straight } = await runs({ match: 'gradflow\\.jsonl', bytes: 300 });
  assert.equal(full.summary.status, 'failed');
  assert.match(full.summary.reason ?? '', /^cannot write .*gradflow\.jsonl: no space left on device \(ENOSPC\); (the newest complete checkpoint is step-3|no checkpoint was written yet)\./);
  assert.equal((JSON.parse(readFileSync(join(full.runDir, 'summary.json'), 'utf8')) as RunSummary).status, 'failed');
  assertWholeRecords(full.runDir);
  await assertResumesToStraight(full.runDir, straight);
});

test('short writes everywhere (each write() taking 512 bytes) still give the same, complete run', async () => {
  const { full, straight } = await runs({ match: '', chunk: 512 });
  assert.equal(full.summary.status, 'completed');
  // Every checkpoint file is complete: it parses and holds the straight run's tensors. (Byte lengths may differ: the
  // metadata records wall times and record-file lengths, which hold timings.)
  for (const f of ['final', 'final.state', 'best']) {
    const a = readSafetensors(join(straight.runDir, `checkpoints/${f}.safetensors`)).tensors;
    const b = readSafetensors(join(full.runDir, `checkpoints/${f}.safetensors`)).tensors;
    assert.deepEqual(Object.keys(b).sort(), Object.keys(a).sort(), f);
    for (const k of Object.keys(a)) assert.deepEqual(Array.from(b[k].data), Array.from(a[k].data), `${f}: ${k}`);
  }
});
