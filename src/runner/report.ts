// A self-contained, offline HTML report of one run: inline SVG plots, no scripts, no network.
// renderReport(runDir) is the entry point; a richer renderer can replace the plot functions later.
import { join } from 'node:path';
import type { TaskRecord } from '../shared/protocol';
import type { EvalRecord, GateRecord, GradFlowRecord, StepRecord } from './events';
import { readJsonl, TASK_FILE } from './runDir';
import { openRun } from './savedRun';

const W = 640;
const H = 220;
const PAD = { l: 56, r: 12, t: 24, b: 28 };

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]!));
}

interface Series { name: string; color: string; points: [number, number][] }

/** A line chart of several series; log scale on y when asked (non-positive values are dropped). */
export function lineChart(title: string, series: Series[], opts: { logY?: boolean; xLabel?: string } = {}): string {
  const tf = (v: number) => (opts.logY ? Math.log10(v) : v);
  const pts = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y) && (!opts.logY || y > 0));
  if (!pts.length) return `<figure><figcaption>${esc(title)}</figcaption><p class="empty">no data</p></figure>`;
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => tf(p[1]));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs) === Math.min(...xs) ? Math.min(...xs) + 1 : Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y0 === y1) { y0 -= 1; y1 += 1; }
  const sx = (x: number) => PAD.l + ((x - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => H - PAD.b - ((tf(y) - y0) / (y1 - y0)) * (H - PAD.t - PAD.b);
  const label = (v: number) => (opts.logY ? `1e${v.toFixed(1)}` : v.toPrecision(3));
  const paths = series.map((s) => {
    const d = s.points.filter(([, y]) => Number.isFinite(y) && (!opts.logY || y > 0))
      .map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"><title>${esc(s.name)}</title></path>`;
  }).join('');
  const legend = series.map((s, i) => `<text x="${PAD.l + 8 + i * 150}" y="14" fill="${s.color}">${esc(s.name)}</text>`).join('');
  return `<figure><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">
<rect x="${PAD.l}" y="${PAD.t}" width="${W - PAD.l - PAD.r}" height="${H - PAD.t - PAD.b}" fill="none" stroke="#999"/>
<text x="4" y="${PAD.t + 10}">${label(y1)}</text><text x="4" y="${H - PAD.b}">${label(y0)}</text>
<text x="${PAD.l}" y="${H - 8}">${x0}</text><text x="${W - PAD.r - 40}" y="${H - 8}">${x1}</text>
<text x="${W / 2 - 20}" y="${H - 8}">${esc(opts.xLabel ?? 'step')}</text>${legend}${paths}</svg></figure>`;
}

/** A T×H heatmap (time across, units down), values mapped from [min, max] to a blue–red ramp. */
export function heatmap(title: string, values: number[], T: number, Hn: number): string {
  const cw = Math.max(2, Math.min(12, Math.floor((W - 20) / T)));
  const ch = Math.max(2, Math.min(12, Math.floor(200 / Hn)));
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const cells: string[] = [];
  for (let t = 0; t < T; t++) {
    for (let h = 0; h < Hn; h++) {
      const v = values[t * Hn + h];
      const u = hi > lo ? (v - lo) / (hi - lo) : 0.5;
      cells.push(`<rect x="${t * cw}" y="${h * ch}" width="${cw}" height="${ch}" fill="rgb(${Math.round(255 * u)},64,${Math.round(255 * (1 - u))})"/>`);
    }
  }
  return `<figure><figcaption>${esc(title)} (min ${lo.toPrecision(3)}, max ${hi.toPrecision(3)})</figcaption><svg viewBox="0 0 ${T * cw} ${Hn * ch}" width="${T * cw}" height="${Hn * ch}">${cells.join('')}</svg></figure>`;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

export function renderReport(runDir: string): string {
  const run = openRun(runDir);
  const metrics = readJsonl<StepRecord | EvalRecord>(join(run.dir, 'metrics.jsonl'));
  const steps = metrics.filter((r): r is StepRecord => r.kind === 'step');
  const evals = metrics.filter((r): r is EvalRecord => r.kind === 'eval');
  const flows = readJsonl<GradFlowRecord>(join(run.dir, 'gradflow.jsonl'));
  const gates = readJsonl<GateRecord>(join(run.dir, 'gates.jsonl'));
  const tasks = readJsonl<TaskRecord>(join(run.dir, TASK_FILE));
  const s = run.summary;
  const parts: string[] = [];
  parts.push(lineChart('Loss', [
    { name: 'training loss', color: COLORS[0], points: steps.map((r) => [r.step, r.loss]) },
    { name: 'validation loss', color: COLORS[1], points: evals.map((r) => [r.step, r.valLoss]) },
    ...Object.keys(evals[0]?.metrics ?? {}).filter((k) => k === 'baselineMse').map((k) => ({
      name: k, color: COLORS[2], points: evals.map((r): [number, number] => [r.step, r.metrics[k]]),
    })),
  ], { logY: true }));
  parts.push(lineChart('Gradient norm (before clipping)', [{ name: 'gradNorm', color: COLORS[3], points: steps.map((r) => [r.step, r.gradNorm]) }], { logY: true }));
  if (flows.length) {
    const picks = [flows[0], flows[Math.floor(flows.length / 2)], flows[flows.length - 1]].filter((f, i, a) => a.indexOf(f) === i);
    parts.push(lineChart('Gradient flow through time: ‖∂L/∂h_t‖', picks.map((f, i) => ({
      name: `step ${f.step}`, color: COLORS[i], points: f.norms.map((n, t): [number, number] => [t, n]),
    })), { logY: true, xLabel: 't' }));
  }
  if (gates.length) {
    const last = gates.filter((g) => g.step === gates[gates.length - 1].step && g.probe === 0 && g.layer === 0 && g.direction === 'forward')[0];
    if (last) for (const [name, v] of Object.entries(last.values)) parts.push(heatmap(`Probe 0, layer 0: ${name} at step ${last.step}`, v, last.T, last.H));
  }
  for (const t of tasks.filter((x) => x.kind === 'sample').slice(-3)) {
    parts.push(`<figure><figcaption>Sample at step ${t.step} (temperature ${t.temperature})</figcaption><pre>${esc(t.text)}</pre></figure>`);
  }
  const fc = tasks.filter((x): x is Extract<TaskRecord, { kind: 'forecast' }> => x.kind === 'forecast').pop();
  if (fc) {
    parts.push(lineChart(`Forecast at step ${fc.step}${fc.anomalies.length ? ` — ${fc.anomalies.length} anomalies (threshold ${fc.threshold.toPrecision(3)})` : ''}`, [
      { name: 'actual', color: COLORS[0], points: fc.actual.map((v, i): [number, number] => [i, v]) },
      { name: 'predicted', color: COLORS[1], points: fc.predicted.map((v, i): [number, number] => [i, v ?? NaN]) },
      { name: 'anomaly', color: COLORS[4], points: fc.anomalies.map((i): [number, number] => [i, fc.actual[i]]) },
    ], { xLabel: 'row' }));
  }
  const cm = tasks.filter((x): x is Extract<TaskRecord, { kind: 'confusion' }> => x.kind === 'confusion').pop();
  if (cm) {
    parts.push(`<figure><figcaption>Confusion matrix at step ${cm.step} (rows: actual, columns: predicted)</figcaption><table><tr><th></th>${cm.labels.map((l) => `<th>${esc(l)}</th>`).join('')}</tr>${cm.matrix.map((row, i) => `<tr><th>${esc(cm.labels[i])}</th>${row.map((v) => `<td>${v}</td>`).join('')}</tr>`).join('')}</table></figure>`);
  }
  const summary = s ? `<p>Status <b>${esc(s.status)}</b>${s.reason ? ` (${esc(s.reason)})` : ''} after ${s.steps} steps on ${esc(s.backend)} in ${s.wallTimeSec.toFixed(1)} s.
Final loss ${s.finalLoss?.toPrecision(4) ?? '-'}, validation loss ${s.finalValLoss?.toPrecision(4) ?? '-'}.</p>
<p>${Object.entries(s.metrics).map(([k, v]) => `${esc(k)} ${v.toPrecision(4)}`).join(' · ')}</p>` : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(run.info.name)} — ${esc(run.info.runId)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;max-width:900px}svg{font:11px sans-serif;background:#fff}figure{margin:16px 0}figcaption{font-weight:600;margin-bottom:4px}pre{white-space:pre-wrap;background:#f4f4f4;padding:8px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}table{border-collapse:collapse}.empty{color:#888}</style>
</head><body><h1>${esc(run.info.name)}</h1><p><code>${esc(run.info.runId)}</code> — ${esc(run.info.model.cell)}, ${run.info.model.numLayers}×${run.info.model.hiddenSize}${run.info.model.bidirectional ? ' bidirectional' : ''}, loss ${esc(run.info.train.loss)}${Object.keys(run.info.assignment).length ? `, sweep ${esc(JSON.stringify(run.info.assignment))}` : ''}</p>
${summary}${parts.join('\n')}</body></html>\n`;
}
