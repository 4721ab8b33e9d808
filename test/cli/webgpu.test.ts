// `seqlab run --backend gpu.js:webgpu` on a software Vulkan driver: RNN, GRU, LSTM, a Transformer and a
// sequence-to-sequence model with additive attention train with the losses of the float64 reference to float32
// tolerance, a resume from a middle checkpoint continues on the GPU thread to the same losses, and the CLI exits when
// the run ends (the GPU thread keeps nothing alive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { skipWithoutWebGpu, useSoftwareVulkan } from '../helpers/vulkan';
import { tempWorkspace } from '../helpers/workspace';
import { cli } from './helpers';

useSoftwareVulkan();

const STEPS = 12;
const ADDING = { source: 'adding', length: 8, trainSize: 32, validationSize: 8 };
/** Each model kind, small: the software driver is slow. */
const MODELS: Record<string, { data: object; model: object; decode?: object }> = {
  rnn: { data: ADDING, model: { cell: 'rnn', hiddenSize: 6 } },
  gru: { data: ADDING, model: { cell: 'gru', hiddenSize: 6 } },
  lstm: { data: ADDING, model: { cell: 'lstm', hiddenSize: 6 } },
  transformer: { data: ADDING, model: { cell: 'transformer', hiddenSize: 8, numLayers: 1, heads: 2 } },
  'seq2seq with additive attention': {
    data: { source: 'reverse', minLength: 3, maxLength: 5, symbols: 5, trainSize: 32, validationSize: 8 },
    model: { cell: 'gru', hiddenSize: 6, embedding: { dim: 4 }, decoder: { attention: 'additive', embedding: { dim: 4 } } },
    decode: { beam: 1, maxLength: 7, examples: 2 },
  },
};
const config = (kind: string) => ({
  name: 'webgpu',
  seed: 3,
  ...MODELS[kind],
  train: { steps: STEPS, batchSize: 8, evalEvery: 6, checkpointEvery: 6, optimizer: { type: 'adam', lr: 0.01 } },
  instrumentation: { gradFlowEvery: 3, gatesEvery: 6, probes: [0] },
});

function stepLosses(runDir: string): number[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    .filter((r) => r.kind === 'step').map((r) => r.loss as number);
}

/** Every step's loss within 1e-5 relative of the float64 reference's (about 5e-7 was measured). */
function assertLossesMatch(got: number[], want: number[], what: string): void {
  assert.equal(got.length, STEPS, `${what}: ${got.length} step records`);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= 1e-5 * Math.abs(want[i]), `${what}: step ${i + 1} loss ${g}, reference64 ${want[i]}`));
}

function run(args: string[], dir: string): string {
  const r = cli(args, dir);
  assert.equal(r.code, 0, `seqlab ${args.join(' ')}: ${r.stderr}`);
  return r.stdout + r.stderr;
}


for (const cell of Object.keys(MODELS)) {
  test(`seqlab run --backend gpu.js:webgpu trains a ${cell} with the reference's losses, and resumes to them`, (t) => {
    if (skipWithoutWebGpu(t)) return;
    const dir = tempWorkspace({ 'c.seqlab.json': config(cell) }, 'seqlab-webgpu-');
    const out = run(['run', 'c.seqlab.json', '--out', 'gpu', '--backend', 'gpu.js:webgpu'], dir);
    assert.match(out, /run gpu \(gpu\.js\/webgpu\)/);
    assert.match(out, /warning: gpu\.js:webgpu runs on .*software adapter: not a GPU speed/);
    run(['run', 'c.seqlab.json', '--out', 'ref', '--backend', 'reference64'], dir);
    const want = stepLosses(join(dir, 'ref'));
    assertLossesMatch(stepLosses(join(dir, 'gpu')), want, `${cell} on gpu.js:webgpu`);

    // The same run cut back to its step-6 checkpoint, resumed on gpu.js:webgpu.
    cpSync(join(dir, 'gpu'), join(dir, 'cut'), { recursive: true });
    const checkpoints = join(dir, 'cut', 'checkpoints');
    for (const f of readdirSync(checkpoints).filter((n) => !n.startsWith('step-6.'))) rmSync(join(checkpoints, f));
    const resumed = run(['run', '--resume', 'cut', '--backend', 'gpu.js:webgpu'], dir);
    assert.match(resumed, /resuming .* from step 6/);
    assertLossesMatch(stepLosses(join(dir, 'cut')), want, `${cell} resumed on gpu.js:webgpu`);
    const summary = JSON.parse(readFileSync(join(dir, 'cut', 'summary.json'), 'utf8'));
    assert.deepEqual([summary.status, summary.steps, summary.backend], ['completed', STEPS, 'gpu.js/webgpu']);
  });
}
