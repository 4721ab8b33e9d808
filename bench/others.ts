// The systems SeqLab is compared with, on the same model: TensorFlow.js 4.22 (wasm and cpu backends),
// brain.js 1.6.1 (LSTMTimeStep and friends) and PyTorch (a Python child process, bench/torch_step.py, and
// bench/torch_seq2seq.py for the sequence-to-sequence model).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { recurrentCell, type BenchConfig } from './configs';
import { timeSteps, type Timing } from './timing';

// ---- TensorFlow.js ----

type Tf = typeof import('@tensorflow/tfjs');
let tfLoaded: Tf | null = null;

/** Loads TF.js with the wasm backend's .wasm files from node_modules (no downloads). */
async function loadTf(): Promise<Tf> {
  if (tfLoaded) return tfLoaded;
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dir = join(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'), '..', 'dist');
  wasm.setWasmPaths(`${dir}/`);
  tfLoaded = tf;
  return tf;
}

export interface TfResult extends Timing {
  backend: string;
  simd: boolean;
  threads: boolean;
}

export async function measureTf(backend: 'wasm' | 'cpu', c: BenchConfig, budgetMs: number, minSteps: number): Promise<TfResult> {
  const tf = await loadTf();
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} did not start`);
  await tf.ready();
  const layer = { lstm: tf.layers.lstm, gru: tf.layers.gru, rnn: tf.layers.simpleRNN }[recurrentCell(c)];
  const model = tf.sequential();
  // TF.js's GRU applies the reset gate before the recurrent matmul (it rejects resetAfter); the work
  // per step is the same as torch.nn.GRU's.
  model.add(layer({ units: c.H, returnSequences: true, inputShape: [c.T, c.I] }));
  model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 1 }) }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  const x = tf.randomUniform([c.B, c.T, c.I], -1, 1);
  const y = tf.randomUniform([c.B, c.T, 1], -1, 1);
  const timing = await timeSteps(() => model.trainOnBatch(x, y), { warmup: 1, minSteps, maxSteps: 20, budgetMs });
  const env = tf.env();
  const flag = (name: string): boolean => { try { return env.getBool(name); } catch { return false; } };
  const result = { ...timing, backend, simd: backend === 'wasm' && flag('WASM_HAS_SIMD_SUPPORT'), threads: backend === 'wasm' && flag('WASM_HAS_MULTITHREAD_SUPPORT') };
  model.dispose();
  x.dispose();
  y.dispose();
  return result;
}

// ---- brain.js ----

interface BrainTimeStep {
  train(data: number[][][], opts: { iterations: number; errorThresh: number; log: boolean }): unknown;
}
type BrainCtor = new (opts: { inputSize: number; hiddenLayers: number[]; outputSize: number }) => BrainTimeStep;

export interface BrainResult extends Timing {
  /** Sequences per measured train() call; ms is scaled to B sequences (one SeqLab step's work). */
  sequencesPerCall: number;
  /** brain.js's own training went to NaN (its RNNTimeStep does at H=128); the passes were still timed. */
  diverged: boolean;
}

/**
 * brain.js trains one sequence at a time (no batching) and predicts every next step, so it gets
 * outputSize = inputSize. Its time per sequence is scaled to a batch of B sequences: the same
 * sample-steps as one SeqLab step.
 */
export async function measureBrain(c: BenchConfig, budgetMs: number): Promise<BrainResult> {
  const mod = (await import('brain.js')) as unknown as { recurrent?: Record<string, BrainCtor>; default?: { recurrent: Record<string, BrainCtor> } };
  const brain = mod.default ?? (mod as { recurrent: Record<string, BrainCtor> });
  const Ctor = brain.recurrent[{ lstm: 'LSTMTimeStep', gru: 'GRUTimeStep', rnn: 'RNNTimeStep' }[recurrentCell(c)]];
  const net = new Ctor({ inputSize: c.I, hiddenLayers: [c.H], outputSize: c.I });
  const perCall = 4;
  let seed = 1;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647; // [0, 1): brain.js expects normalized data (its RNN diverges to NaN on [-1, 1])
  const data = Array.from({ length: perCall }, () => Array.from({ length: c.T }, () => Array.from({ length: c.I }, rand)));
  let diverged = false;
  const step = () => {
    try {
      net.train(data, { iterations: 1, errorThresh: 0, log: false });
    } catch (e) {
      // brain.js checks the error only after the whole training pass, so the pass was timed in full.
      if (!(e instanceof Error && /NaN/.test(e.message))) throw e;
      diverged = true;
    }
  };
  const timing = await timeSteps(step, { warmup: 1, minSteps: 3, maxSteps: 10, budgetMs });
  return { ms: (timing.ms / perCall) * c.B, steps: timing.steps, sequencesPerCall: perCall, diverged };
}

// ---- PyTorch ----

export const TORCH_PYTHON = '/usr/bin/python3';

export function torchAvailable(): { ok: boolean; reason: string | null } {
  if (!existsSync(TORCH_PYTHON)) return { ok: false, reason: `${TORCH_PYTHON} not found` };
  const r = spawnSync(TORCH_PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  return r.status === 0 ? { ok: true, reason: null } : { ok: false, reason: `import torch failed: ${r.stderr.trim().split('\n').pop()}` };
}

export interface TorchRun {
  /** torch.__version__ */
  torch: string;
  threads: number;
  results: Record<string, Timing>;
}

/** The timing script: torch_step.py for the recurrent models, torch_seq2seq.py for the sequence-to-sequence one. */
type TorchScript = 'torch_step.py' | 'torch_seq2seq.py';

function runTorch(configs: { id: string }[], threads: number, budgetMs: number, env: NodeJS.ProcessEnv, script: TorchScript): TorchRun {
  const r = spawnSync(TORCH_PYTHON, [join(__dirname, script), String(threads), String(budgetMs / 1000)], {
    input: JSON.stringify(configs), encoding: 'utf8', maxBuffer: 1 << 20, env,
  });
  if (r.status !== 0) throw new Error(`bench/${script} failed (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as TorchRun;
}

/**
 * PyTorch at its best: OpenBLAS's auto-detected kernel is not always its fastest on a given CPU (on this
 * project's AMD EPYC VMs it picks "Zen", and the AVX2 "Haswell" kernel is faster), so both are timed and the
 * faster kept per configuration. This can only make the comparison harder for SeqLab.
 */
export function measureTorch(configs: { id: string }[], threads: number, budgetMs: number, script: TorchScript = 'torch_step.py'): TorchRun {
  const auto = runTorch(configs, threads, budgetMs / 2, process.env, script);
  let haswell: TorchRun | null = null;
  try {
    haswell = runTorch(configs, threads, budgetMs / 2, { ...process.env, OPENBLAS_CORETYPE: 'Haswell' }, script);
  } catch {
    return auto; // a CPU without AVX2 cannot run that kernel: the auto-detected one is the best there is
  }
  const results: Record<string, Timing> = {};
  for (const [id, t] of Object.entries(auto.results)) {
    const h = haswell.results[id];
    results[id] = h && h.ms < t.ms ? h : t;
  }
  return { ...auto, results };
}
