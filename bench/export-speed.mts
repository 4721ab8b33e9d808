// `npx tsx bench/export-speed.ts [steps]`: one experiment (LSTM, batch 32, T 64, 16 inputs, hidden 128, Adam, MSE) trained
// by SeqLab (wasm backend) and by its exported train.py (PyTorch CPU, float32, 1 thread), in one run on one machine.
// Prints the median ms per training step of each (steps after the first three) and their ratio.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/engine/rng';
import { exportConfig } from '../src/runner/export/pytorch';
import { loadExperiments } from '../src/runner/experiment';
import { startRun } from '../src/runner/run';

const steps = Number(process.argv[2] ?? 15);
const dir = mkdtempSync(join(tmpdir(), 'seqlab-export-bench-'));
const rng = new Rng(1);
const rows = Array.from({ length: 256 }, () => JSON.stringify({
  x: Array.from({ length: 64 }, () => Array.from({ length: 16 }, () => Number(rng.normal().toFixed(4)))), y: Number(rng.normal().toFixed(4)),
}));
writeFileSync(join(dir, 'rows.jsonl'), rows.join('\n'));
writeFileSync(join(dir, 'bench.seqlab.json'), JSON.stringify({
  data: { source: 'jsonl', path: 'rows.jsonl', validation: 0 },
  model: { cell: 'lstm', hiddenSize: 128 },
  train: { steps, batchSize: 32, shuffle: false, evalEvery: 0, checkpointEvery: 0, optimizer: { type: 'adam', lr: 0.001 } },
  instrumentation: { gradFlowEvery: 0, gatesEvery: 0, probes: [] },
  backend: { name: 'wasm' },
}));

/** Median of the per-step times recorded in a run folder's metrics.jsonl, skipping warmup. */
function medianMs(runDir: string): number {
  const times = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n')
    .map((l) => JSON.parse(l) as { kind: string; time: number }).filter((r) => r.kind === 'step').map((r) => r.time);
  const d = times.slice(1).map((t, i) => (t - times[i]) * 1000).slice(2).sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)];
}

const [exp] = loadExperiments(join(dir, 'bench.seqlab.json'));
const seqlab = medianMs((await startRun(exp, { outDir: join(dir, 'seqlab-run') })).runDir);
const [{ dir: exported }] = exportConfig(join(dir, 'bench.seqlab.json'), join(dir, 'export'));
const py = spawnSync('/usr/bin/python3', ['train.py', '--device', 'cpu'], { cwd: exported, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
if (py.status !== 0) throw new Error(py.stderr);
const runs = join(exported, '.seqlab', 'runs');
const torch = medianMs(join(runs, readdirSync(runs)[0]));
console.log(`LSTM B=32 T=64 I=16 H=128, Adam, ${steps} steps (median of steps 4..${steps}), load ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`SeqLab wasm:                ${seqlab.toFixed(1)} ms/step`);
console.log(`exported train.py, CPU 1T:  ${torch.toFixed(1)} ms/step   (train.py / SeqLab = ${(torch / seqlab).toFixed(2)})`);
