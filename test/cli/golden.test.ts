// One SGD step from PyTorch's initial parameters (test/runner/fixtures/golden-<cell>: two bidirectional layers of 8,
// head "last", MSE, lr 0.1; the transformer: torch.nn.TransformerEncoder of 2 pre-norm gelu layers with learned positions)
// must reproduce PyTorch's step exactly: a state_dict PyTorch wrote loads with --init and continues identically.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { DEFAULT_MAX_THREADS } from '../../src/runner/backends/gemmPool';
import { readSafetensors } from '../../src/runner/safetensors';
import { skipWithoutWebGpu, useSoftwareVulkan } from '../helpers/vulkan';
import { tempDir } from '../helpers/workspace';
import { cli } from './helpers';

const fixtures = join(__dirname, '../runner/fixtures');

// The config's default backend ("auto", which picks wasm and, on Node 20 with the flag the CLI sets, its relaxed-SIMD
// kernels), wasm's baseline-SIMD kernels, the reference backend and GPU.js's webgpu kernels on the GPU thread (a software
// Vulkan driver here) must all land on PyTorch's step.
const backends = [
  { flag: [], label: 'wasm/relaxed-simd' }, { flag: ['--backend', 'wasm:simd128'], label: 'wasm/simd128' },
  { flag: ['--backend', 'reference'], label: 'reference/float32' }, { flag: ['--backend', 'gpu.js:webgpu'], label: 'gpu.js/webgpu' },
];
useSoftwareVulkan();

for (const cell of ['rnn', 'gru', 'lstm', 'transformer']) for (const backend of backends) {
  test(`${cell} on ${backend.label}: one SGD step from --init matches PyTorch 1.13 (loss, gradNorm, final parameters)`, (t) => {
    if (backend.label === 'gpu.js/webgpu' && skipWithoutWebGpu(t)) return;
    const dir = tempDir();
    cpSync(join(fixtures, `golden-${cell}`), dir, { recursive: true });
    const r = cli(['run', 'one-sgd-step.seqlab.json', '--init', 'w.safetensors', '--out', 'run', ...backend.flag], dir);
    assert.equal(r.code, 0, r.stderr);
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { loss: number; gradNorm: number };
    const first = JSON.parse(readFileSync(join(dir, 'run/metrics.jsonl'), 'utf8').split('\n')[0]) as { kind: string; step: number; loss: number; gradNorm: number };
    assert.equal(first.kind, 'step');
    assert.equal(first.step, 1);
    assert.ok(Math.abs(first.loss - expected.loss) <= 1e-5 * Math.abs(expected.loss), `loss ${first.loss} vs ${expected.loss}`);
    assert.ok(Math.abs(first.gradNorm - expected.gradNorm) <= 1e-4 * expected.gradNorm, `gradNorm ${first.gradNorm} vs ${expected.gradNorm}`);

    const ours = readSafetensors(join(dir, 'run/checkpoints/final.safetensors')).tensors;
    const torch = readSafetensors(join(dir, 'final.safetensors')).tensors;
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(torch).sort());
    for (const [name, t] of Object.entries(torch)) {
      assert.deepEqual(ours[name].shape, t.shape, name);
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < t.data.length; i++) {
        worst = Math.max(worst, Math.abs(ours[name].data[i] - t.data[i]));
        scale = Math.max(scale, Math.abs(t.data[i]));
      }
      assert.ok(worst <= 1e-4 * scale, `${name}: max difference ${worst} exceeds 1e-4 × ${scale}`);
    }
    const summary = JSON.parse(readFileSync(join(dir, 'run/summary.json'), 'utf8')) as { status: string; steps: number; backend: string };
    assert.equal(summary.status, 'completed');
    assert.equal(summary.steps, 1);
    // The wasm backend splits its products over every core (up to 8), with the same bits.
    const threads = Math.min(DEFAULT_MAX_THREADS, availableParallelism());
    assert.equal(summary.backend, backend.label + (backend.label.startsWith('wasm/') && threads > 1 ? ` ×${threads} threads` : ''));
  });
}
