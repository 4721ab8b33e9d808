// Sequence-to-sequence runs: the attention alignment of a probe pair (target tokens × source tokens, the tokens as
// axis labels) at a chosen training step, with a slider to watch it form; the validation examples decoded greedily
// and by beam search with their BLEU; and the beam hypotheses of the first probe. Drawn only for runs that have them.
import { sequential } from '../shared/colormap';
import { Heatmap, svgDocument } from '../shared/heatmap';
import { slug } from '../shared/host';
import type { AlignmentRecord } from '../../src/shared/protocol';
import { card, exportButtons } from './card';
import type { ViewContext } from './context';
import { fillOptions, labeledSelect, StepSlider, type SelectElement } from './controls';
import { append } from './lineChart';
import { drawBeams, drawExamples, latestTask } from './translationViews';

/** The record shown: the probe's at the chosen step, or its latest when step is null or absent. */
export function pickAlignment(records: readonly AlignmentRecord[], probe: number, step: number | null): AlignmentRecord | undefined {
  const match = records.filter((r) => r.probe === probe);
  return match.find((r) => r.step === step) ?? match[match.length - 1];
}

/** A token as an axis label: whitespace made visible. */
function label(token: string): string {
  return token === ' ' ? '␣' : token.replace(/\s/g, '·');
}

export class AlignmentPanel {
  private readonly root: HTMLElement;
  private readonly probeSel: SelectElement;
  private readonly slider: StepSlider;
  private readonly mapBox: HTMLElement;
  private readonly map: Heatmap;
  private readonly hover: HTMLElement;
  private readonly note: HTMLElement;
  private readonly examples: HTMLElement;
  private readonly beams: HTMLElement;
  private ctx: ViewContext | null = null;
  private shown: AlignmentRecord | null = null;
  private optionsKey = '';

  constructor(parent: HTMLElement) {
    const c = card(parent, 'card-alignment', 'Attention alignment',
      'Rows: the tokens the decoder produced for a probe pair (greedy); columns: the source tokens. Each row is where the decoder looked while producing that token. Move the slider to watch the alignment form during training.', true);
    this.root = c.root;
    const controls = append(c.body, 'div', 'controls');
    this.probeSel = labeledSelect(controls, 'align-probe', 'Probe pair', () => this.ctx?.setView({ alignProbe: Number(this.probeSel.value) }, ['alignment']));
    this.slider = new StepSlider(controls, 'align-step', (step) => this.ctx?.setView({ alignStep: step }, ['alignment']));
    this.mapBox = append(c.body, 'div', 'alignment-map heat-host');
    this.map = new Heatmap(this.mapBox, 320, (t) => { this.hover.textContent = t || '\u00a0'; });
    this.hover = append(c.body, 'div', 'readout', '\u00a0');
    this.note = append(c.body, 'p', 'caption');
    this.examples = append(c.body, 'div', 'task-translations');
    this.beams = append(c.body, 'div', 'task-beams');
    exportButtons(c.actions, 'alignment heatmap', () => this.export('png'), () => this.export('svg'));
  }

  render(ctx: ViewContext): void {
    this.ctx = ctx;
    const run = ctx.focus;
    const translations = latestTask(run.tasks, 'translations');
    const beams = latestTask(run.tasks, 'beams');
    const has = run.alignments.length > 0 || translations !== undefined;
    this.root.classList.toggle('hidden', !has);
    if (!has) return;
    drawExamples(this.examples, translations);
    drawBeams(this.beams, beams);
    const probes = [...new Set(run.alignments.map((a) => a.probe))].sort((a, b) => a - b);
    const probe = probes.includes(ctx.view.alignProbe ?? -1) ? ctx.view.alignProbe! : probes[0];
    const key = JSON.stringify([run.runId, probes, probe]);
    if (key !== this.optionsKey) {
      this.optionsKey = key;
      fillOptions(this.probeSel, probes.map((p) => ({ value: String(p), label: `probe ${p}` })), String(probe));
    }
    const steps = [...new Set(run.alignments.filter((a) => a.probe === probe).map((a) => a.step))].sort((a, b) => a - b);
    const rec = probe === undefined ? undefined : pickAlignment(run.alignments, probe, ctx.view.alignStep ?? null);
    this.slider.show(steps, rec?.step ?? null);
    this.drawRecord(rec ?? null, ctx);
  }

  private drawRecord(rec: AlignmentRecord | null, ctx: ViewContext): void {
    this.shown = rec;
    const empty = !rec || rec.weights.length === 0;
    this.mapBox.classList.toggle('hidden', empty);
    this.note.textContent = !rec ? 'No alignment records yet (instrumentation.gatesEvery).'
      : rec.weights.length === 0 ? `This model has no attention (model.decoder.attention "none"): the decoder produced "${rec.target.join('')}" from its initial state alone.` : '';
    if (!rec) return;
    this.root.dataset.step = String(rec.step);
    this.root.dataset.rows = String(rec.weights.length);
    this.root.dataset.cols = String(rec.source.length);
    if (empty) return;
    const rows = rec.weights.length, cols = rec.source.length;
    const values = new Float64Array(rows * cols);
    rec.weights.forEach((w, r) => w.forEach((v, c) => { values[r * cols + c] = v; }));
    this.map.set({ cols, rows, values }, {
      colormap: sequential, scale: 'linear', min: 0, max: 1, xLabel: 'source token', yLabel: 'decoded token', colorbarLabel: 'attention',
      colName: (c) => label(rec.source[c]), rowName: (r) => label(rec.target[r]), rowOrigin: 'top', labelSpacing: { x: 14, y: 14 },
    }, ctx.palette);
  }

  private export(format: 'png' | 'svg'): void {
    const ctx = this.ctx;
    const rec = this.shown;
    if (!ctx || !rec || rec.weights.length === 0) return;
    const name = `alignment-${slug(ctx.focus.runId)}-probe${rec.probe}-step${rec.step}.${format}`;
    const W = this.map.cssWidth, H = this.map.cssHeight;
    if (format === 'svg') {
      ctx.host.exportFile('svg', name, svgDocument(W, H, ctx.palette, this.map.svgGroup(0, 0, W, H)));
      return;
    }
    ctx.host.exportFile('png', name, this.map.canvas.toDataURL('image/png'));
  }
}
