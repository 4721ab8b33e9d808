// The Transformer's attention maps: for one probe sequence and layer at one recorded training step, each head's
// weights as query step i (rows, top to bottom) × key step j (columns). Each row sums to 1; with per-step targets the
// mask is causal, so nothing lies above the diagonal. The step slider moves through the recordings, as for the gates.
import { sequential } from '../shared/colormap';
import { Heatmap } from '../shared/heatmap';
import { slug } from '../shared/host';
import type { SelfAttentionRecord } from '../../src/shared/protocol';
import { attentionIndex, attentionSteps, pickAttention } from './attentionSelection';
import { card, exportButtons } from './card';
import type { ViewContext } from './context';
import { fillOptions, labeledSelect, StepSlider, type SelectElement } from './controls';
import { append } from './lineChart';
import { exportMapGrid, type TitledMap } from './mapGridExport';
import { isTransformer } from './model';

export class AttentionPanel {
  readonly root: HTMLElement;
  private readonly probeSel: SelectElement;
  private readonly layerSel: SelectElement;
  private readonly slider: StepSlider;
  private readonly grid: HTMLElement;
  private readonly hover: HTMLElement;
  private maps: TitledMap[] = [];
  private ctx: ViewContext | null = null;
  private optionsKey = '';

  constructor(parent: HTMLElement) {
    const c = card(parent, 'card-attention', 'Attention maps',
      'One map per head: how much query step i (row) attends to key step j (column) for a probe sequence; each row sums to 1. '
      + 'Per-step targets use a causal mask, so nothing lies above the diagonal.', true);
    this.root = c.root;
    const controls = append(c.body, 'div', 'controls');
    this.probeSel = labeledSelect(controls, 'attention-probe', 'Probe sequence', () => this.ctx?.setView({ probe: Number(this.probeSel.value) }, ['attention', 'gates']));
    this.layerSel = labeledSelect(controls, 'attention-layer', 'Layer', () => this.ctx?.setView({ attentionLayer: Number(this.layerSel.value) }, ['attention']));
    this.slider = new StepSlider(controls, 'attention-step', (step) => this.ctx?.setView({ attentionStep: step }, ['attention']));
    this.grid = append(c.body, 'div', 'gate-grid');
    this.hover = append(c.body, 'div', 'readout', '\u00a0');
    exportButtons(c.actions, 'attention maps', () => this.export('png'), () => this.export('svg'));
  }


  /** Shown for Transformer runs only (recurrent runs have the gates view instead). */
  render(ctx: ViewContext): void {
    this.ctx = ctx;
    const recs = ctx.focus.attention;
    this.root.classList.toggle('hidden', !isTransformer(ctx.focus));
    this.root.classList.toggle('empty', recs.length === 0);
    if (recs.length === 0) { this.grid.replaceChildren(); this.hover.textContent = 'No attention records yet (instrumentation.gatesEvery).'; return; }
    const idx = attentionIndex(recs);
    const probe = idx.probes.includes(ctx.view.probe) ? ctx.view.probe : idx.probes[0];
    // By default the top layer, whose output the head reads.
    const layer = ctx.view.attentionLayer !== undefined && idx.layers.includes(ctx.view.attentionLayer) ? ctx.view.attentionLayer : idx.layers[idx.layers.length - 1];
    const optionsKey = JSON.stringify([ctx.focus.runId, idx, probe, layer]);
    if (optionsKey !== this.optionsKey) {
      this.optionsKey = optionsKey;
      fillOptions(this.probeSel, idx.probes.map((p) => ({ value: String(p), label: `probe ${p}` })), String(probe));
      fillOptions(this.layerSel, idx.layers.map((l) => ({ value: String(l), label: `layer ${l}` })), String(layer));
    }
    const steps = attentionSteps(recs, probe, layer);
    const rec = pickAttention(recs, probe, layer, ctx.view.attentionStep ?? null);
    if (!rec) return;
    this.slider.show(steps, rec.step);
    Object.assign(this.root.dataset, { step: String(rec.step), heads: String(rec.weights.length), steps: String(rec.T) });
    this.drawHeads(rec, ctx);
  }

  private drawHeads(rec: SelfAttentionRecord, ctx: ViewContext): void {
    if (this.maps.length !== rec.weights.length) {
      for (const m of this.maps) m.map.dispose();
      this.grid.replaceChildren();
      this.maps = rec.weights.map((_, h) => {
        const cell = append(this.grid, 'figure', 'gate-cell');
        const title = `head ${h + 1}`;
        append(cell, 'figcaption', undefined, title);
        return { title, map: new Heatmap(append(cell, 'div', 'heat-host'), 220, (t) => { this.hover.textContent = t ? `${title}: ${t}` : '\u00a0'; }) };
      });
    }
    // One color scale for every head of the layer, so their maps compare directly.
    const max = Math.max(1e-6, ...rec.weights.map((w) => w.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, v) : m), 0)));
    this.maps.forEach(({ map }, h) => {
      map.set({ cols: rec.T, rows: rec.T, values: Float64Array.from(rec.weights[h]) }, {
        colormap: sequential, scale: 'linear', min: 0, max, xLabel: 'key j', yLabel: 'query i', colorbarLabel: 'weight',
        colName: (c) => String(c + 1), rowName: (r) => String(r + 1), rowOrigin: 'top', compact: true,
      }, ctx.palette);
    });
  }

  private export(format: 'png' | 'svg'): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const { step } = this.root.dataset;
    const layer = this.layerSel.value;
    exportMapGrid(ctx, this.maps, `Attention — ${ctx.focus.runId}, layer ${layer}, step ${step}`,
      `attention-${slug(ctx.focus.runId)}-layer${layer}-step${step}.${format}`, format);
  }
}
