// Kill-and-resume fuzzing: a short run is SIGKILLed at random moments and resumed each time. After every kill the run's
// files parse (JSON whole, JSONL lines whole but for a torn last one, checkpoints readable), and the run ends with
// exactly the weights and records of a run that was never interrupted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors } from '../../src/runner/safetensors';
import { tempWorkspace } from '../helpers/workspace';
import { CLI } from './helpers';

const CONFIG = {
  seed: 11,
  data: { source: 'adding', length: 10, trainSize: 48, validationSize: 12 },
  model: { cell: 'lstm', hiddenSize: 6, numLayers: 2, dropout: 0.25 },
  train: { steps: 400, batchSize: 16, evalEvery: 25, checkpointEvery: 9, optimizer: { type: 'adam', lr: 0.01 } },
  instrumentation: { gradFlowEvery: 7, gatesEvery: 50, probes: [0] },
};
const KILLS = 4;
const STEPS = CONFIG.train.steps;

/** A seeded generator, so a failure can be replayed with SEQLAB_FUZZ_SEED. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Step records in a run's metrics.jsonl so far (they reach the file in batches, at most 200 ms late). */
function stepsWritten(runDir: string): number {
  try {
    return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').split('"kind":"step"').length - 1;
  } catch {
    return 0;
  }
}

/**
 * Runs the CLI; with `kill`, SIGKILLs it `kill.extraMs` after metrics.jsonl of `kill.runDir` holds `kill.atStep` step
 * records (so kills land while it trains, at any point of a step, an evaluation or a checkpoint write).
 */
function runCli(args: string[], cwd: string, kill?: { runDir: string; atStep: number; extraMs: number }): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const poll = kill && setInterval(() => {
    if (stepsWritten(kill.runDir) < kill.atStep) return;
    clearInterval(poll);
    setTimeout(() => child.kill('SIGKILL'), kill.extraMs);
  }, 10);
  return new Promise((r) => child.on('exit', (code, signal) => {
    clearInterval(poll);
    r({ code, signal, stderr });
  }));
}

/** Every file a reader may open parses: the kill left nothing half-written under a real name. */
function assertFilesParse(runDir: string, context: string): void {
  for (const f of ['run.json', 'config.json', 'summary.json']) {
    if (existsSync(join(runDir, f))) assert.doesNotThrow(() => JSON.parse(readFileSync(join(runDir, f), 'utf8')), `${context}: ${f}`);
  }
  for (const f of readdirSync(runDir).filter((n) => n.endsWith('.jsonl'))) {
    const lines = readFileSync(join(runDir, f), 'utf8').split('\n');
    const whole = lines.slice(0, -1); // the part after the last newline may be torn
    for (const line of whole) assert.doesNotThrow(() => JSON.parse(line), `${context}: ${f}: ${line.slice(0, 80)}`);
  }
  const cp = join(runDir, 'checkpoints');
  for (const f of existsSync(cp) ? readdirSync(cp).filter((n) => n.endsWith('.safetensors')) : []) {
    assert.doesNotThrow(() => readSafetensors(join(cp, f)), `${context}: ${f}`);
  }
}

const records = (runDir: string, file: string) => readFileSync(join(runDir, file), 'utf8').split('\n').filter(Boolean)
  .map((l) => { const { time: _t, stepsPerSec: _s, ...rest } = JSON.parse(l) as Record<string, unknown>; return JSON.stringify(rest); });

test('a run SIGKILLed at random moments and resumed each time ends bit-identical to one never interrupted', async () => {
  const seed = Number(process.env.SEQLAB_FUZZ_SEED ?? Date.now() % 1e9);
  const next = random(seed);
  const dir = tempWorkspace({ 'f.seqlab.json': CONFIG }, 'seqlab-fuzz-');
  const straight = await runCli(['run', 'f.seqlab.json', '--out', 'straight'], dir);
  assert.equal(straight.code, 0, straight.stderr);
  const run = join(dir, 'run');
  const kills: string[] = [];
  for (let k = 0; k < KILLS; k++) {
    const started = existsSync(join(run, 'run.json'));
    // The first kill comes early (before or about the first checkpoint, at step 9), the others spread over the rest.
    const done = stepsWritten(run);
    const atStep = k === 0 ? 1 + Math.floor(next() * 12) : done + 1 + Math.floor(next() * (STEPS - done) * 0.5);
    const extraMs = Math.floor(next() * 60);
    const r = await runCli(started ? ['run', '--resume', 'run'] : ['run', 'f.seqlab.json', '--out', 'run'], dir, { runDir: run, atStep, extraMs });
    kills.push(`step ${atStep} + ${extraMs} ms`);
    const context = `seed ${seed}, kill ${k + 1} at ${kills[k]} (${r.signal ?? `exit ${r.code}`})`;
    if (r.signal === null) assert.equal(r.code, 0, `${context}: ${r.stderr}`);
    if (!existsSync(join(run, 'run.json'))) rmSync(run, { recursive: true, force: true }); // killed before the run began
    else assertFilesParse(run, context);
  }
  const last = await runCli(existsSync(join(run, 'run.json')) ? ['run', '--resume', 'run'] : ['run', 'f.seqlab.json', '--out', 'run'], dir);
  const context = `seed ${seed}, kills at ${kills.join(', ')}`;
  assert.equal(last.code, 0, `${context}: ${last.stderr}`);
  assertFilesParse(run, context);

  for (const f of ['final', 'best']) {
    const a = readSafetensors(join(dir, `straight/checkpoints/${f}.safetensors`)).tensors;
    const b = readSafetensors(join(run, `checkpoints/${f}.safetensors`)).tensors;
    for (const name of Object.keys(a)) assert.deepEqual(Array.from(b[name].data), Array.from(a[name].data), `${context}: ${f} ${name}`);
  }
  for (const f of ['metrics.jsonl', 'gradflow.jsonl', 'gates.jsonl', 'tasks.jsonl']) {
    assert.deepEqual(records(run, f), records(join(dir, 'straight'), f), `${context}: ${f}`);
  }
  const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as { status: string; steps: number };
  assert.deepEqual([summary.status, summary.steps], ['completed', STEPS], context);
});
