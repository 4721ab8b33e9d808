// Gate heatmaps: for one probe sequence, layer and direction at one recorded training step, each gate's
// activations as time × unit. σ gates (0…1) use a sequential map; tanh ranges and states a diverging one.
import { diverging, sequential, type Colormap } from '../shared/colormap';
import { Heatmap } from '../shared/heatmap';
import { slug } from '../shared/host';
import type { GateRecord } from '../../src/shared/protocol';
import { card, exportButtons } from './card';
import type { ViewContext } from './context';
import { fillOptions, labeledSelect, StepSlider, type SelectElement } from './controls';
import { append } from './lineChart';
import { exportMapGrid } from './mapGridExport';
import { gateIndex, layerKey } from './model';
import { pickGateRecord } from './gateSelection';

interface GateInfo { title: string; range: 'sigmoid' | 'tanh' | 'state' }

const gateInfo: Record<string, GateInfo> = {
  i: { title: 'i — input gate (σ): how much new content is written', range: 'sigmoid' },
  f: { title: 'f — forget gate (σ): 1 keeps the memory, 0 erases it', range: 'sigmoid' },
  g: { title: 'g — candidate (tanh): the content to write', range: 'tanh' },
  o: { title: 'o — output gate (σ): how much memory is exposed as h', range: 'sigmoid' },
  r: { title: 'r — reset gate (σ): how much past state feeds the candidate', range: 'sigmoid' },
  z: { title: 'z — update gate (σ): 1 keeps the old state, 0 takes the candidate', range: 'sigmoid' },
  n: { title: 'n — candidate (tanh): the proposed new state', range: 'tanh' },
  c: { title: 'c — cell state: the long-term memory', range: 'state' },
  h: { title: 'h — hidden state: the output at each step', range: 'state' },
};
const gateOrder = ['i', 'f', 'g', 'o', 'r', 'z', 'n', 'c', 'h'];
/** Known gates in the order of the equations, unknown names after them. */
const gateRank = (k: string) => (gateOrder.includes(k) ? gateOrder.indexOf(k) : gateOrder.length);

function rangeOf(info: GateInfo, values: readonly number[]): { colormap: 'seq' | 'div'; min: number; max: number } {
  if (info.range === 'sigmoid') return { colormap: 'seq', min: 0, max: 1 };
  const absMax = values.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);
  const bound = info.range === 'tanh' ? 1 : Math.max(1, absMax);
  return { colormap: 'div', min: -bound, max: bound };
}

export class GatesPanel {
  private readonly probeSel: SelectElement;
  private readonly layerSel: SelectElement;
  private readonly slider: StepSlider;
  private readonly grid: HTMLElement;
  private readonly hover: HTMLElement;
  private readonly root: HTMLElement;
  private maps: { key: string; title: string; map: Heatmap }[] = [];
  private ctx: ViewContext | null = null;
  private optionsKey = '';

  constructor(parent: HTMLElement) {
    const c = card(parent, 'card-gates', 'Gates and states',
      'Each map is time step t (x) × hidden unit (y) for one probe sequence. σ gates: 0 (dark) … 1 (bright); tanh values and states: blue < 0 < red.', true);
    this.root = c.root;
    const controls = append(c.body, 'div', 'controls');
    this.probeSel = labeledSelect(controls, 'gate-probe', 'Probe sequence', () => this.ctx?.setView({ probe: Number(this.probeSel.value) }, ['gates']));
    this.layerSel = labeledSelect(controls, 'gate-layer', 'Layer', () => this.ctx?.setView({ gateLayer: this.layerSel.value }, ['gates']));
    this.slider = new StepSlider(controls, 'gate-step', (step) => this.ctx?.setView({ gateStep: step }, ['gates']));
    this.grid = append(c.body, 'div', 'gate-grid');
    this.hover = append(c.body, 'div', 'readout', '\u00a0');
    exportButtons(c.actions, 'gate heatmaps', () => this.export('png'), () => this.export('svg'));
  }


  render(ctx: ViewContext): void {
    this.ctx = ctx;
    const idx = gateIndex(ctx.focus);
    this.root.classList.toggle('empty', idx.steps.length === 0);
    if (idx.steps.length === 0) { this.grid.replaceChildren(); this.hover.textContent = 'No gate records yet (instrumentation.gatesEvery).'; return; }
    const probe = idx.probes.includes(ctx.view.probe) ? ctx.view.probe : idx.probes[0];
    // By default the top layer's forward direction: the layer the gradient-flow view measures.
    const top = idx.layers.filter((l) => l.endsWith(':forward')).pop() ?? idx.layers[idx.layers.length - 1];
    const layer = ctx.view.gateLayer && idx.layers.includes(ctx.view.gateLayer) ? ctx.view.gateLayer : top;
    const optionsKey = JSON.stringify([ctx.focus.runId, idx.probes, idx.layers, probe, layer]);
    if (optionsKey !== this.optionsKey) {
      this.optionsKey = optionsKey;
      fillOptions(this.probeSel, idx.probes.map((p) => ({ value: String(p), label: `probe ${p}` })), String(probe));
      fillOptions(this.layerSel, idx.layers.map((l) => {
        const [n, dir] = l.split(':');
        return { value: l, label: `layer ${n}${dir === 'reverse' ? ' (reverse)' : ''}` };
      }), layer);
    }
    const steps = [...new Set(ctx.focus.gates.filter((g) => g.probe === probe && layerKey(g.layer, g.direction) === layer).map((g) => g.step))].sort((a, b) => a - b);
    const rec = pickGateRecord(ctx.focus.gates, probe, layer, ctx.view.gateStep);
    if (!rec) return;
    this.slider.show(steps, rec.step);
    this.root.dataset.step = String(rec.step);
    this.drawGates(rec, ctx);
  }

  private drawGates(rec: GateRecord, ctx: ViewContext): void {
    const keys = Object.keys(rec.values).sort((a, b) => gateRank(a) - gateRank(b));
    if (this.maps.map((m) => m.key).join() !== keys.join()) {
      for (const m of this.maps) m.map.dispose();
      this.grid.replaceChildren();
      this.maps = keys.map((key) => {
        const cell = append(this.grid, 'figure', 'gate-cell');
        const title = gateInfo[key]?.title ?? key;
        append(cell, 'figcaption', undefined, title);
        const host = append(cell, 'div', 'heat-host');
        return { key, title, map: new Heatmap(host, 150, (t) => { this.hover.textContent = t ? `${key}: ${t}` : '\u00a0'; }) };
      });
    }
    const div = diverging(ctx.palette.kind === 'light' ? 'light' : 'dark');
    for (const { key, map } of this.maps) {
      const vals = rec.values[key];
      // Stored time-major (t, unit); drawn with units as rows and time as columns.
      const values = new Float64Array(rec.T * rec.H);
      for (let t = 0; t < rec.T; t++) for (let u = 0; u < rec.H; u++) values[u * rec.T + t] = vals[t * rec.H + u];
      const info = gateInfo[key] ?? { title: key, range: 'state' as const };
      const r = rangeOf(info, vals);
      const colormap: Colormap = r.colormap === 'seq' ? sequential : div;
      map.set({ cols: rec.T, rows: rec.H, values }, {
        colormap, scale: 'linear', min: r.min, max: r.max, xLabel: 't', yLabel: 'unit', colorbarLabel: key,
        colName: (c) => String(c + 1), rowName: (row) => String(row), rowOrigin: 'top', compact: true,
      }, ctx.palette);
    }
  }

  private export(format: 'png' | 'svg'): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const step = this.root.dataset.step;
    exportMapGrid(ctx, this.maps, `Gates — ${ctx.focus.runId}, step ${step}`, `gates-${slug(ctx.focus.runId)}-step${step}.${format}`, format);
  }
}
