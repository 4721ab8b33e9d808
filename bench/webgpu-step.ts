// gpu.js:webgpu against wasm on the real training step (bench/seqlab.ts's model and Trainer, Adam), back to back in one
// process, with the WebGPU adapter named; gpu.js:webgpu twice: with its sequence ops (each direction's pass one
// pipeline on the GPU) and op by op (the same backend with them taken away, as before they existed). On a software driver (SwiftShader, lavapipe) the figure says what the GPU
// thread's per-op copies and waits cost, not what a GPU does; bench/README.md records it only as that.
//   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json npx tsx bench/webgpu-step.ts [H …]   (default H: 32)
// Small LSTM: B=8, T=16, 4 inputs.
import { createBackend } from '../src/runner/backends/registry';
import { probeWebGpu } from '../src/runner/backends/webgpu';
import { describeAdapter } from '../src/runner/backends/webgpuAdapter';
import type { BenchConfig } from './configs';
import { trainingStep } from './seqlab';
import { timeSteps } from './timing';

async function main(): Promise<void> {
  const probe = probeWebGpu();
  if (!probe.available) throw new Error(`gpu.js:webgpu cannot start here: ${probe.reason}`);
  console.log(`adapter: ${describeAdapter(probe.adapter)}`);
  const sizes = process.argv.slice(2).map(Number);
  for (const H of sizes.length ? sizes : [32]) {
    const c: BenchConfig = { id: `lstm B8 T16 I4 H${H}`, cell: 'lstm', B: 8, T: 16, I: 4, H, tbptt: null, transformer: null };
    for (const [label, name, opByOp] of [['wasm', 'wasm', false], ['gpu.js:webgpu', 'gpu.js:webgpu', false],
      ['  op by op', 'gpu.js:webgpu', true]] as const) {
      const backend = createBackend(name).backend;
      const used = opByOp ? { ...backend, sequence: undefined } : backend;
      const t = await timeSteps(trainingStep(c, used), { warmup: 2, minSteps: 5, maxSteps: 20, budgetMs: 5000 });
      backend.destroy?.();
      console.log(`${c.id}  ${label.padEnd(14)} ${t.ms.toFixed(2).padStart(9)} ms/step (median of ${t.steps})`);
    }
  }
}

void main();
