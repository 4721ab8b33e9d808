// 'auto' decides by timing one training step on the CPU backend it would start and on a GPU with a hardware adapter.
// No hardware adapter is here, so a stand-in GPU (the reference backend under another name) with injected step times
// checks the decision; on SwiftShader, a real run's auto keeps wasm and says the adapter is software.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Backend } from '../../../src/engine/backend';
import { createReferenceBackend } from '../../../src/engine/backends/reference';
import type { GpuCandidate } from '../../../src/runner/backends/autoMeasure';
import { AUTO_ORDER, createBackend } from '../../../src/runner/backends/registry';
import type { AdapterReport } from '../../../src/runner/backends/webgpuAdapter';
import { loadExperiments } from '../../../src/runner/experiment';
import { startRun } from '../../../src/runner/run';
import { stepTimer } from '../../../src/runner/stepTiming';
import { skipWithoutWebGpu, useSoftwareVulkan } from '../../helpers/vulkan';
import { tempWorkspace } from '../../helpers/workspace';

useSoftwareVulkan();

const HARDWARE: AdapterReport = { vendor: 'acme', architecture: 'tile', device: 'Acme X1', description: 'Acme X1', software: false };

/** A GPU candidate on `adapter` that starts a reference backend named fake-gpu, and records starts and destroys. */
function fakeGpu(adapter: AdapterReport) {
  const seen = { started: 0, destroyed: 0, backend: null as Backend | null };
  const candidate: GpuCandidate = {
    name: 'fake-gpu',
    probe: () => ({ available: true, adapter, reason: null }),
    start: () => {
      seen.started++;
      const backend: Backend = Object.assign(createReferenceBackend('float32'), { destroy: () => void seen.destroyed++ });
      seen.backend = backend;
      return { backend, adapter };
    },
  };
  return { candidate, seen };
}

/** Step times by backend: the GPU stand-in takes gpuMs, any other (the CPU backend's fresh copy) cpuMs. */
function timer(seen: { backend: Backend | null }, cpuMs: number, gpuMs: number) {
  const timed: Backend[] = [];
  const timeStep = (b: Backend) => {
    timed.push(b);
    return b === seen.backend ? gpuMs : cpuMs;
  };
  return { timeStep, timed };
}

test('auto picks a hardware GPU that times faster than the CPU backend, and notes both step times', () => {
  const { candidate, seen } = fakeGpu(HARDWARE);
  const { timeStep, timed } = timer(seen, 12.34, 2.5);
  const { backend, notes } = createBackend('auto', { fallback: [], timeStep, gpu: candidate });
  assert.equal(backend, seen.backend);
  assert.deepEqual(notes, [`auto chose fake-gpu: one step 2.5 ms on fake-gpu on Acme X1 (tile) vs 12.3 ms on ${AUTO_ORDER[0]}`]);
  // The CPU side is timed on a fresh backend of its own, not on the one auto started.
  assert.equal(timed.length, 2);
  assert.notEqual(timed[0], backend);
  assert.equal(seen.destroyed, 0);
});

test('auto keeps the CPU backend when the hardware GPU times slower, notes both times and ends the GPU backend', () => {
  const { candidate, seen } = fakeGpu(HARDWARE);
  const { timeStep } = timer(seen, 3, 85.06);
  const { backend, notes } = createBackend('auto', { fallback: [], timeStep, gpu: candidate });
  assert.equal(backend.info.name, AUTO_ORDER[0]);
  assert.deepEqual(notes, [`auto chose ${AUTO_ORDER[0]}: one step 3.0 ms vs 85.1 ms on fake-gpu on Acme X1 (tile)`]);
  assert.equal(seen.destroyed, 1);
});

test('auto neither starts nor times a software adapter, and says why', () => {
  const { candidate, seen } = fakeGpu({ ...HARDWARE, description: 'SwiftShader Device', software: true });
  const { timeStep, timed } = timer(seen, 3, 1);
  const { backend, notes } = createBackend('auto', { fallback: [], timeStep, gpu: candidate });
  assert.equal(backend.info.name, AUTO_ORDER[0]);
  assert.equal(seen.started, 0);
  assert.deepEqual(timed, []);
  assert.match(notes[0], /^auto chose \S+: fake-gpu has a software adapter only \(SwiftShader Device .*software adapter.*\), which auto neither times nor picks$/);
});

test('without a step timer (listings, predict) auto starts the first of AUTO_ORDER and probes no GPU', () => {
  const { candidate, seen } = fakeGpu(HARDWARE);
  const { notes } = createBackend('auto', { fallback: [], gpu: candidate });
  assert.deepEqual(notes, [`auto chose ${AUTO_ORDER[0]}`]);
  assert.equal(seen.started, 0);
});

const CONFIG = {
  seed: 3,
  data: { source: 'adding', length: 10, trainSize: 24, validationSize: 8 },
  model: { cell: 'gru', hiddenSize: 8 },
  train: { steps: 3, batchSize: 8, evalEvery: 3, checkpointEvery: 3 },
};

test("stepTimer times one step of the run's model on any backend it is given: a positive time on each", () => {
  const [exp] = loadExperiments(join(tempWorkspace({ 'a.seqlab.json': CONFIG }, 'seqlab-steptime-'), 'a.seqlab.json'));
  const time = stepTimer(exp);
  const ms = [time(createReferenceBackend('float32')), time(createReferenceBackend('float64'))];
  for (const t of ms) assert.ok(Number.isFinite(t) && t > 0, `step time ${t}`);
});

test('on SwiftShader a run with backend auto keeps wasm and its note says the adapter is software', async (t) => {
  if (skipWithoutWebGpu(t)) return;
  const [exp] = loadExperiments(join(tempWorkspace({ 'a.seqlab.json': { ...CONFIG, backend: { name: 'auto' } } }, 'seqlab-autogpu-'), 'a.seqlab.json'));
  const infos: string[] = [];
  const r = await startRun(exp, { threads: 1, hooks: { onLog: (level, m) => { if (level === 'info') infos.push(m); } } });
  assert.equal(r.summary.backend.split('/')[0], 'wasm');
  assert.ok(infos.some((m) => /^auto chose wasm: gpu\.js:webgpu has a software adapter only \(SwiftShader.*\), which auto neither times nor picks$/.test(m)), infos.join('\n'));
});
