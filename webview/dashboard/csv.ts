// Metrics as CSV: one row per run and step, merging that step's training record and evaluation (if any).
import type { RunData } from './model';

function cell(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function metricsCsv(runs: readonly RunData[]): string {
  const metricNames = [...new Set(runs.flatMap((r) => r.evals.flatMap((e) => Object.keys(e.metrics))))].sort();
  const paramNames = [...new Set(runs.flatMap((r) => r.steps.flatMap((s) => Object.keys(s.paramGradNorms))))].sort();
  const header = ['runId', 'step', 'time', 'loss', 'gradNorm', 'gradNormClipped', 'lr', 'stepsPerSec', 'valLoss',
    ...metricNames.map((m) => `val.${m}`), ...paramNames.map((p) => `gradNorm.${p}`)];
  const lines = [header.map(cell).join(',')];
  for (const run of runs) {
    const steps = new Map(run.steps.map((s) => [s.step, s]));
    const evals = new Map(run.evals.map((e) => [e.step, e]));
    const all = [...new Set([...steps.keys(), ...evals.keys()])].sort((a, b) => a - b);
    for (const step of all) {
      const s = steps.get(step);
      const e = evals.get(step);
      lines.push([
        run.runId, step, s?.time ?? e?.time, s?.loss, s?.gradNorm, s?.gradNormClipped, s?.lr, s?.stepsPerSec, e?.valLoss,
        ...metricNames.map((m) => e?.metrics[m]), ...paramNames.map((p) => s?.paramGradNorms[p]),
      ].map(cell).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
