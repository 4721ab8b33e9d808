// The sequence ops of gpu.js:webgpu (a recurrent direction's whole forward or backward pass, input projection and
// parameter gradients included, as one GPU.js pipeline on the GPU thread), on a software Vulkan driver: the same model
// on the same device, once with them and once op by op (the backend with its sequence ops taken away), must give the
// same loss, gradients and gradient flow through time, bit for bit, since both run the same kernels' sums in the same
// order; and with them a training step must cost a number of GPU-thread round trips that does not grow with the
// sequence length.
// Accuracy against the float64 reference is test/engine/backends/gpujs-parity.test.ts (its webgpu models run here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GPU } from 'gpu.js';
import type { Backend } from '../../../../src/engine/backend';
import { implementOps, SEQUENCE_OPS } from '../../../../src/engine/backendOps';
import { SequenceRunner } from '../../../../src/engine/backends/gpujs/sequence';
import { createModel } from '../../../../src/engine/model';
import { startWebGpuBackend } from '../../../../src/runner/backends/webgpu';
import { skipWithoutWebGpu, useSoftwareVulkan } from '../../../helpers/vulkan';
import { makeBatch, makeModel, makeSpec, type SpecOverrides } from '../../helpers/models';

useSoftwareVulkan();

const CASES: SpecOverrides[] = [
  { cell: 'lstm', hiddenSize: 5, numLayers: 2, bidirectional: true },
  { cell: 'gru', hiddenSize: 6, bidirectional: true },
  { cell: 'rnn', hiddenSize: 4, numLayers: 2 },
  { cell: 'rnn', nonlinearity: 'relu', hiddenSize: 5, bidirectional: true },
  // A head on every step: every dh_t is a sum of the gradient from above and the carry.
  { cell: 'gru', hiddenSize: 4, numLayers: 2, head: { output: 'all' } },
];

/** The backend's ops, counting each call (each is a GPU-thread round trip on gpu.js:webgpu); sequence ops kept or not. */
function counted(be: Backend, withSequence: boolean): { backend: Backend; calls: () => number } {
  let n = 0;
  const count = <F extends (...a: never[]) => void>(f: F) => ((...a: never[]) => {
    n++;
    return f(...a);
  }) as F;
  const ops = implementOps((op) => count((be[op.name as keyof Backend] as (...a: never[]) => void).bind(be)));
  const sequence = withSequence && be.sequence
    ? Object.fromEntries(Object.entries(be.sequence).map(([k, f]) => [k, count((f as (...a: never[]) => void).bind(be.sequence))]))
    : undefined;
  return { backend: { info: be.info, alloc: (m) => be.alloc(m), ...ops, sequence } as Backend, calls: () => n };
}

function step(be: Backend, over: SpecOverrides, T: number) {
  const spec = makeSpec({ inputSize: 3, ...over });
  const init = makeModel(spec, 11, 0.6, 'float32');
  const model = createModel(spec, be);
  model.params.forEach((p, i) => p.value.set(init.params[i].value));
  const lengths = [T, T - 2, T, 1, T - 1];
  const b = makeBatch(spec, 'mse', 5, T, 5, lengths);
  const batch = { ...b, x: Float32Array.from(b.x!), y: Float32Array.from(b.y as Float64Array) };
  model.zeroGrad();
  const { loss, gradFlow } = model.forwardBackward(batch, 'mse', { train: false, tbptt: null, gradFlow: true });
  return { loss, gradFlow: Array.from(gradFlow ?? []), grads: model.params.map((p) => Array.from(p.grad)) };
}

test('gpu.js:webgpu: whole-sequence ops give bit-identical results to the step-by-step path, in a fixed number of round trips', async (t) => {
  if (skipWithoutWebGpu(t)) return;
  const started = startWebGpuBackend();
  assert.ok('backend' in started, JSON.stringify(started));
  const be = started.backend;
  try {
    assert.ok(be.sequence, 'gpu.js:webgpu offers sequence ops');
    for (const over of CASES) {
      await t.test(JSON.stringify(over), () => {
        const seq = counted(be, true);
        const steps = counted(be, false);
        const a = step(seq.backend, over, 6);
        const b = step(steps.backend, over, 6);
        assert.ok(a.gradFlow.length > 0 && a.gradFlow.some((v) => v > 0), 'the gradient flow was recorded');
        assert.deepEqual(a, b);
        const short = seq.calls();
        step(seq.backend, over, 12);
        // Twice the steps: the same round trips with sequence ops, about twice as many without.
        assert.equal(seq.calls() - short, short, 'round trips with sequence ops do not grow with T');
        assert.ok(steps.calls() > 2 * short, `step by step: ${steps.calls()} round trips for T = 6, with sequence ops ${short}`);
      });
    }
  } finally {
    be.destroy();
  }
});

test('a sequence longer than float32 kernel indexing reaches (2^24 values in one buffer) is refused, naming the op', async () => {
  // Refused before any GPU work: the runner needs no device for this.
  const runner = new SequenceRunner({} as GPU, new Map());
  const [B, T, H, I] = [4097, 4096, 1, 1];
  const f = (n: number) => new Float32Array(n);
  await assert.rejects(runner.run(SEQUENCE_OPS.rnnSequenceForward, ['tanh', B, T, H, T + 1, I, false, f(B * T * I), f(1), f(1), f(1), f(1),
    f(B * T), f(1)]),
    /^RangeError: gpu\.js rnnSequenceForward: 16781312 values exceed 2\^24/);
});

test('the GPU thread keeps a bounded number of pipelines, releasing the least recently used one', async () => {
  // A stand-in GPU.js: kernels that are never run and pipelines that return zeros, each remembering its release.
  let T = 1;
  const made: number[] = [];
  const released: number[] = [];
  const gpu = {
    createKernel: () => ({ setLoopMaxIterations: () => () => null }),
    createPipeline: () => {
      const id = made.length;
      made.push(T);
      const steps = T;
      return Object.assign(async () => Array.from({ length: steps }, () => new Float32Array(2)), {
        backend: 'webgpu', fallbackReason: null, destroy: async () => { released.push(id); },
      });
    },
  } as unknown as GPU;
  const runner = new SequenceRunner(gpu, new Map(), 2);
  const run = async (steps: number) => {
    T = steps;
    const f = (n: number) => new Float32Array(n);
    await runner.run(SEQUENCE_OPS.rnnSequenceForward, ['tanh', 1, steps, 2, steps + 1, 1, false, f(steps), f(2), f(2), f(4), f(2), f(steps), f(2 * (steps + 1))]);
  };
  await run(1);
  await run(2);
  await run(3); // a third shape: the first goes
  assert.deepEqual({ size: runner.size, made, released }, { size: 2, made: [1, 2, 3], released: [0] });
  await run(2); // reused, and now the most recent
  await run(1); // traced again; T = 3 is the least recently used
  assert.deepEqual({ size: runner.size, made, released }, { size: 2, made: [1, 2, 3, 1], released: [0, 2] });
  await runner.clear();
  assert.equal(runner.size, 0);
});
