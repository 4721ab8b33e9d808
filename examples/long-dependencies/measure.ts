// Measures this example (minutes; not a unit test): trains every run of the sweep in adding.seqlab.json and prints, per
// cell, the validation MSE, the first evaluation at which it is below a tenth of the "always 1" baseline (solved), the
// median wall time per training step, the CPU time of the whole run (evaluations included; on a shared machine it
// moves less than wall time) and the parameter count, as the table in README.md.
//   node scripts/build.mjs && npx tsx examples/long-dependencies/measure.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperiments } from '../../src/runner/experiment';
import type { EvalRecord, StepRecord } from '../../src/runner/events';
import { startRun } from '../../src/runner/run';
import { readJsonl } from '../../src/runner/runDir';
import { readSafetensors } from '../../src/runner/safetensors';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[(s.length >> 1) - 1] + s[s.length >> 1]) / 2;
}

async function main(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'seqlab-long-'));
  const rows: string[] = [];
  for (const exp of loadExperiments(join(__dirname, 'adding.seqlab.json'))) {
    const cell = exp.config.model.cell;
    const cpu0 = process.cpuUsage();
    const r = await startRun(exp, { outDir: join(out, cell) });
    const cpu = process.cpuUsage(cpu0);
    const cpuMin = (cpu.user + cpu.system) / 6e7;
    const records = readJsonl<StepRecord | EvalRecord>(join(r.runDir, 'metrics.jsonl'));
    const steps = records.filter((x): x is StepRecord => x.kind === 'step');
    const evals = records.filter((x): x is EvalRecord => x.kind === 'eval');
    // Time per step from consecutive step lines (stepEvery 1); the median leaves out the steps that also evaluated.
    const ms = median(steps.slice(1).map((s, i) => 1000 * (s.time - steps[i].time)));
    const solved = evals.find((e) => e.valLoss < 0.1 * e.metrics.baselineMse);
    const best = Math.min(...evals.map((e) => e.valLoss));
    const params = Object.values(readSafetensors(join(r.runDir, 'checkpoints/final.safetensors')).tensors).reduce((n, t) => n + t.data.length, 0);
    const row = `| ${cell} | ${params} | ${r.summary.finalValLoss?.toFixed(4)} | ${best.toFixed(4)} | ${solved ? solved.step : `not by ${exp.config.train.steps}`} | ${ms.toFixed(1)} | ${(r.summary.wallTimeSec / 60).toFixed(1)} | ${cpuMin.toFixed(1)} |`;
    console.log(row);
    rows.push(row);
  }
  console.log(['', '| cell | parameters | final val MSE | best val MSE | solved at step (val MSE < baseline / 10) | ms per step (median, wall) | minutes (wall) | minutes (CPU) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|', ...rows].join('\n'));
  console.log(`runs in ${out}`);
}

void main();
