// The side-panel "live run" view: loss sparkline, step, throughput, ETA, backend and a Stop button.
// It shows the newest run of the snapshot and follows its appends.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '../../media/live.css';
import { ignoreUnknownMessage, type HostMessage, type RunSnapshot, type StepRecord } from '../../src/shared/protocol';
import { fmt, fmtDuration } from '../../src/shared/format';
import { connectHost } from '../shared/host';
import { readPalette, watchTheme } from '../shared/theme';
import { configValue } from '../dashboard/model';
import { ema } from '../dashboard/series';

interface LiveRun { snapshot: RunSnapshot; steps: StepRecord[] }

const host = connectHost();
const root = document.getElementById('app') ?? document.body;
let run: LiveRun | null = null;
let frame = 0;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, parent: HTMLElement, text = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  e.textContent = text;
  parent.appendChild(e);
  return e;
}

const title = el('div', 'live-title', root, 'No run');
const canvas = el('canvas', 'spark', root);
canvas.setAttribute('role', 'img');
el('div', 'spark-caption', root, 'Training loss, log scale, last 400 steps');
const stats = el('dl', 'stats', root);
const fields = new Map<string, HTMLElement>();
for (const name of ['Step', 'Loss', 'Steps/s', 'ETA', 'Backend', 'Status']) {
  el('dt', '', stats, name);
  fields.set(name, el('dd', '', stats, '–'));
}
const stop = document.createElement('vscode-button');
stop.id = 'stop';
stop.textContent = 'Stop run';
stop.setAttribute('disabled', '');
stop.addEventListener('click', () => {
  if (run && !stop.hasAttribute('disabled')) host.post({ type: 'stop', runId: run.snapshot.runId });
});
root.appendChild(stop);

function schedule(): void {
  if (frame === 0) frame = requestAnimationFrame(() => { frame = 0; draw(); });
}

function set(name: string, value: string): void {
  const f = fields.get(name);
  if (f) f.textContent = value;
}

function draw(): void {
  if (!run) return;
  const { snapshot, steps } = run;
  const last = steps[steps.length - 1];
  const total = configValue(snapshot.config, 'train.steps');
  const totalSteps = typeof total === 'number' ? total : null;
  const status = snapshot.summary?.status ?? 'running';
  title.textContent = snapshot.summary?.name || snapshot.runId;
  set('Step', last ? (totalSteps ? `${last.step} / ${totalSteps}` : String(last.step)) : '0');
  set('Loss', last ? fmt(last.loss) : '–');
  set('Steps/s', last ? fmt(last.stepsPerSec, 3) : '–');
  set('ETA', last && totalSteps && last.stepsPerSec > 0 && status === 'running' ? fmtDuration((totalSteps - last.step) / last.stepsPerSec) : '–');
  set('Backend', snapshot.summary?.backend ?? '–');
  set('Status', status);
  if (status === 'running') stop.removeAttribute('disabled'); else stop.setAttribute('disabled', '');
  drawSparkline(steps.slice(-400).map((s) => s.loss));
  canvas.setAttribute('aria-label', `Loss over the last ${Math.min(400, steps.length)} steps${last ? `, now ${fmt(last.loss)}` : ''}`);
}

function drawSparkline(raw: number[]): void {
  const w = Math.max(100, root.clientWidth - 4);
  const h = 56;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const ys = ema(raw, 0.6).filter((v) => Number.isFinite(v) && v > 0).map(Math.log10);
  if (ys.length < 2) return;
  const lo = Math.min(...ys), hi = Math.max(...ys);
  const palette = readPalette();
  ctx.strokeStyle = palette.series[0];
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ys.forEach((v, i) => {
    const x = (i / (ys.length - 1)) * (w - 2) + 1;
    const y = h - 3 - ((v - lo) / (hi - lo || 1)) * (h - 6);
    if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
  });
  ctx.stroke();
}

function handle(m: HostMessage): void {
  switch (m.type) {
    case 'snapshot': {
      const s = m.runs[m.runs.length - 1];
      run = s ? { snapshot: s, steps: s.records.filter((r): r is StepRecord => r.kind === 'step') } : null;
      break;
    }
    case 'append':
      if (run && m.runId === run.snapshot.runId) for (const r of m.records) if (r.kind === 'step') run.steps.push(r);
      break;
    case 'summary':
      if (run && m.runId === run.snapshot.runId) run.snapshot.summary = m.summary;
      break;
    default:
      ignoreUnknownMessage(m, (line) => console.warn(`SeqLab live view: ${line}`));
      return;
  }
  schedule();
}

host.onMessage(handle);
watchTheme(schedule);
new ResizeObserver(schedule).observe(root);
host.post({ type: 'ready' });
