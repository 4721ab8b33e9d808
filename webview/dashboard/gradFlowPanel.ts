// Gradient flow through time: how much of the loss's gradient reaches each time step t, at every recorded
// training step. This is the picture of vanishing (dark at small t) and exploding (bright, growing) gradients.
// Recurrent runs record ‖∂L/∂hₜ‖ of the top layer; the Transformer ‖∂L/∂xₜ‖ at its input, the same question asked of
// a model that reaches every step directly.
import { sequential } from '../shared/colormap';
import { fmt } from '../../src/shared/format';
import { Heatmap, svgDocument } from '../shared/heatmap';
import { slug } from '../shared/host';
import { card, exportButtons } from './card';
import type { ViewContext } from './context';
import { append, LineChart } from './lineChart';
import type { GradFlowRecord } from '../../src/shared/protocol';
import { flowVerdict } from './gradFlowVerdict';
import { isTransformer } from './model';

/** The caption for runs whose records hold ‖∂L/∂hₜ‖ (h) or ‖∂L/∂xₜ‖ (x). */
function captionFor(v: 'h' | 'x'): string {
  return v === 'h'
    ? 'Color = ‖∂L/∂hₜ‖ on a log scale: how much gradient from the loss reaches time step t. Dark rows at small t mean the gradient vanishes before reaching early inputs.'
    : 'Color = ‖∂L/∂xₜ‖ on a log scale, at the input of the Transformer: how much gradient from the loss reaches position t. Attention reaches every step directly, with no chain of steps to fade through.';
}

export class GradFlowPanel {
  private readonly heatmap: Heatmap;
  private readonly profile: LineChart;
  private readonly verdict: HTMLElement;
  private readonly hover: HTMLElement;
  private readonly caption: HTMLElement;
  private ctx: ViewContext | null = null;

  constructor(parent: HTMLElement) {
    const c = card(parent, 'card-gradflow', 'Gradient flow through time', captionFor('h'), true);
    this.caption = c.caption;
    const grid = append(c.body, 'div', 'gradflow-grid');
    const left = append(grid, 'div', 'gradflow-heat');
    const heatHost = append(left, 'div', 'heat-host');
    this.hover = append(left, 'div', 'readout', '\u00a0');
    this.heatmap = new Heatmap(heatHost, 300, (t) => { this.hover.textContent = t || '\u00a0'; });
    const right = append(grid, 'div', 'gradflow-profile');
    this.profile = new LineChart(right, 240);
    this.verdict = append(c.body, 'p', 'verdict');
    exportButtons(c.actions, 'gradient-flow heatmap', () => this.exportHeatmap('png'), () => this.exportHeatmap('svg'), 'Heatmap');
    exportButtons(c.actions, 'gradient profile', () => this.exportProfile('png'), () => this.exportProfile('svg'), 'Profile');
  }

  render(ctx: ViewContext): void {
    this.ctx = ctx;
    const recs = ctx.focus.gradflow;
    const root = this.heatmap.canvas.closest('section') as HTMLElement;
    root.classList.toggle('empty', recs.length === 0);
    if (recs.length === 0) { this.verdict.textContent = 'No gradient-flow records yet (instrumentation.gradFlowEvery).'; return; }
    const v = isTransformer(ctx.focus) ? 'x' : 'h';
    this.caption.textContent = captionFor(v);
    const T = Math.max(...recs.map((r) => r.norms.length));
    const values = new Float64Array(T * recs.length).fill(NaN);
    let min = Infinity, max = 0;
    recs.forEach((r, col) => r.norms.forEach((v, t) => {
      values[t * recs.length + col] = v;
      if (v > 0 && Number.isFinite(v)) { min = Math.min(min, v); max = Math.max(max, v); }
    }));
    if (!(max > 0)) { min = 1e-8; max = 1; }
    if (min === max) { min /= 10; max *= 10; }
    this.heatmap.set({ cols: recs.length, rows: T, values }, {
      colormap: sequential, scale: 'log', min, max, xLabel: 'training step', yLabel: 'time step t',
      colorbarLabel: `‖∂L/∂${v}ₜ‖`, colName: (c) => String(recs[c].step), rowName: (r) => String(r + 1), rowOrigin: 'bottom',
    }, ctx.palette);
    root.dataset.columns = String(recs.length);
    root.dataset.rows = String(T);

    const latest = recs[recs.length - 1];
    const first = recs[0];
    const profiles: GradFlowRecord[] = recs.length > 1 ? [first, latest] : [latest];
    const xs = Array.from({ length: T }, (_, t) => t + 1);
    this.profile.update({
      title: `Gradient profile ‖∂L/∂${v}ₜ‖`, xLabel: 'time step t', yLabel: `‖∂L/∂${v}ₜ‖`, logY: true,
      chart: {
        series: profiles.map((p, k) => ({ label: `step ${p.step}${k === profiles.length - 1 ? ' (latest)' : ''}`, color: k === profiles.length - 1 ? 0 : 1, faint: k < profiles.length - 1 })),
        data: [xs, ...profiles.map((p) => xs.map((t) => p.norms[t - 1] ?? null))],
      },
    }, ctx.palette);
    const verdict = flowVerdict(latest.norms);
    this.verdict.textContent = `Step ${latest.step}: ‖∂L/∂${v}₁‖ / ‖∂L/∂${v}_T‖ = ${fmt(verdict.ratio, 3)}. ${verdict.text[0].toUpperCase()}${verdict.text.slice(1)}.`;
  }

  private exportHeatmap(format: 'png' | 'svg'): void {
    if (!this.ctx) return;
    const name = `gradient-flow-${slug(this.ctx.focus.runId)}.${format}`;
    if (format === 'png') this.ctx.host.exportFile('png', name, this.heatmap.canvas.toDataURL('image/png'));
    else {
      const w = Math.max(600, this.heatmap.cssWidth), h = this.heatmap.cssHeight + 30;
      const v = isTransformer(this.ctx.focus) ? 'x' : 'h';
      const title = `<text x="8" y="18" font-weight="600" fill="${this.ctx.palette.foreground}">Gradient flow through time — ‖∂L/∂${v}ₜ‖ (log)</text>`;
      this.ctx.host.exportFile('svg', name, svgDocument(w, h, this.ctx.palette, title + this.heatmap.svgGroup(0, 28, w, h - 30)));
    }
  }

  private exportProfile(format: 'png' | 'svg'): void {
    if (!this.ctx) return;
    const name = `gradient-profile-${slug(this.ctx.focus.runId)}.${format}`;
    this.ctx.host.exportFile(format, name, format === 'png' ? this.profile.toPng() : this.profile.toSvg());
  }
}
