// The dashboard: header and controls, loss and gradient-norm charts, gradient flow, gates (recurrent cells) or attention
// maps (the Transformer), task views and (for sequence-to-sequence runs) the attention alignment.
// Messages only change data and mark parts dirty; one requestAnimationFrame redraws what is dirty, so a flood
// of appends costs one redraw per frame. Charts and heatmaps cost more the longer the run: streamed records redraw
// them no sooner than DUTY times their last drawing time after it, so they take a bounded share of the main thread
// (which, in a browser-hosted editor, may be the editor's too).
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import { ignoreUnknownMessage, type DashboardState, type HostMessage, type RunSnapshot } from '../../src/shared/protocol';
import { fmt, fmtDuration } from '../../src/shared/format';
import type { Host } from '../shared/host';
import { slug } from '../shared/host';
import { readPalette, watchTheme, type Palette } from '../shared/theme';
import { button, card, exportButtons } from './card';
import { configDifferences, describeDifferences, runLabel, type ConfigDifference } from './configDiff';
import { defaultView, type Part, type ViewContext, type ViewState } from './context';
import { metricsCsv } from './csv';
import { GatesPanel } from './gatesPanel';
import { GradFlowPanel } from './gradFlowPanel';
import { append, LineChart } from './lineChart';
import { AttentionPanel } from './attentionPanel';
import { appendRecords, isTransformer, richestRun, runFromSnapshot, runName, type RunData } from './model';
import { gradNormChart, lossChart, lossUnitText } from './series';
import { TaskPanel } from './taskPanel';
import { AlignmentPanel } from './alignmentPanel';

interface CheckboxElement extends HTMLElement { checked: boolean; label: string }
interface SelectElement extends HTMLElement { value: string }

const LOSS_CAPTION = 'Training loss (EMA-smoothed, raw curve faint) and validation loss. Drag to zoom, double-click to reset.';
const allParts: Part[] = ['header', 'loss', 'grads', 'gradflow', 'gates', 'attention', 'tasks', 'alignment'];
/** Everything but the header: what grows with the run. */
const pacedParts: Part[] = allParts.filter((p) => p !== 'header');
/** Streamed records redraw the paced parts at most once per this many times their drawing time (a tenth of the thread). */
const DUTY = 10;

export class Dashboard {
  private runs: RunData[] = [];
  private live = false;
  private view: ViewState;
  private diffs: ConfigDifference[] = [];
  private palette: Palette;
  private readonly dirty = new Set<Part>();
  private frame = 0;
  /** Parts waiting for their next paced redraw, its timer, and when it is due (performance.now()). */
  private readonly pacedDirty = new Set<Part>();
  private paceTimer: ReturnType<typeof setTimeout> | null = null;
  private pacedDueAt = 0;

  private readonly title: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly differs: HTMLElement;
  private readonly notes: HTMLElement;
  private readonly logBox: CheckboxElement;
  private readonly smoothing: HTMLInputElement;
  private readonly smoothingValue: HTMLElement;
  private readonly focusWrap: HTMLElement;
  private readonly focusSel: SelectElement;
  private readonly loss: LineChart;
  private readonly lossCaption: HTMLElement;
  private readonly grads: LineChart;
  private readonly gradFlow: GradFlowPanel;
  private readonly gates: GatesPanel;
  private readonly attention: AttentionPanel;
  private readonly task: TaskPanel;
  private readonly alignment: AlignmentPanel;
  private readonly empty: HTMLElement;

  constructor(root: HTMLElement, private readonly host: Host) {
    const saved = host.getState<DashboardState>();
    this.view = { ...defaultView, ...saved?.view };
    this.palette = readPalette();

    const header = append(root, 'header', 'dash-head');
    const titles = append(header, 'div', 'titles');
    this.title = append(titles, 'h1', undefined, 'SeqLab');
    this.meta = append(titles, 'div', 'meta');
    const controls = append(header, 'div', 'controls toolbar');
    controls.setAttribute('role', 'toolbar');
    controls.setAttribute('aria-label', 'Chart options');

    this.logBox = document.createElement('vscode-checkbox') as CheckboxElement;
    this.logBox.id = 'log-scale';
    this.logBox.label = 'Log scale';
    this.logBox.checked = this.view.logScale;
    this.logBox.addEventListener('change', () => this.setView({ logScale: this.logBox.checked }, ['loss', 'grads']));
    append(controls, 'div', 'control').appendChild(this.logBox);

    const sm = append(controls, 'label', 'control slider-control');
    append(sm, 'span', 'control-label', 'Smoothing');
    this.smoothing = append(sm, 'input');
    this.smoothing.type = 'range';
    this.smoothing.id = 'smoothing';
    this.smoothing.min = '0';
    this.smoothing.max = '0.99';
    this.smoothing.step = '0.01';
    this.smoothing.value = String(this.view.smoothing);
    this.smoothing.setAttribute('aria-label', 'Loss smoothing (exponential moving average weight)');
    this.smoothingValue = append(sm, 'output', 'slider-value', this.view.smoothing.toFixed(2));
    this.smoothing.addEventListener('input', () => {
      this.smoothingValue.textContent = Number(this.smoothing.value).toFixed(2);
      this.setView({ smoothing: Number(this.smoothing.value) }, ['loss']);
    });

    this.focusWrap = append(controls, 'label', 'control hidden');
    append(this.focusWrap, 'span', 'control-label', 'Details for');
    this.focusSel = document.createElement('vscode-single-select') as SelectElement;
    this.focusSel.id = 'focus-run';
    this.focusSel.setAttribute('aria-label', 'Run shown in the detail views');
    this.focusSel.addEventListener('change', () => this.setView({ focusRunId: this.focusSel.value, gateStep: null, attentionStep: null, alignStep: null },
      ['gradflow', 'gates', 'attention', 'tasks', 'alignment', 'header']));
    this.focusWrap.appendChild(this.focusSel);

    button(controls, 'Export CSV', 'Export all metrics as CSV', () => this.exportCsv(), 'export-csv');
    if (host.mode === 'standalone') this.themePicker(controls);

    this.differs = append(root, 'div', 'differs hidden');
    this.notes = append(root, 'div', 'report-notes');
    this.empty = append(root, 'p', 'empty-note', 'Waiting for run data…');
    const grid = append(root, 'main', 'grid');
    const lossCard = card(grid, 'card-loss', 'Loss', LOSS_CAPTION);
    this.lossCaption = lossCard.caption;
    this.loss = new LineChart(append(lossCard.body, 'div'), 280);
    exportButtons(lossCard.actions, 'loss chart', () => this.exportChart(this.loss, 'png'), () => this.exportChart(this.loss, 'svg'));
    const gradCard = card(grid, 'card-grads', 'Gradient norms', 'Global L2 norm before and after clipping, and each parameter tensor\'s norm. Toggle curves in the legend.');
    this.grads = new LineChart(append(gradCard.body, 'div'), 280);
    exportButtons(gradCard.actions, 'gradient-norm chart', () => this.exportChart(this.grads, 'png'), () => this.exportChart(this.grads, 'svg'));
    this.gradFlow = new GradFlowPanel(grid);
    this.gates = new GatesPanel(grid);
    this.attention = new AttentionPanel(grid);
    this.task = new TaskPanel(grid);
    this.alignment = new AlignmentPanel(grid);
    grid.classList.add('hidden');

    watchTheme(() => { this.palette = readPalette(); this.invalidate(allParts); });
  }

  handle(msg: HostMessage): void {
    switch (msg.type) {
      case 'snapshot': this.load(msg.runs, msg.live); break;
      case 'append': this.append(msg); break;
      case 'summary': {
        const run = this.runs.find((r) => r.runId === msg.runId);
        if (run) { run.summary = msg.summary; this.invalidate(['header']); }
        break;
      }
      default: ignoreUnknownMessage(msg, (line) => console.warn(`SeqLab dashboard: ${line}`));
    }
  }

  private append(msg: Extract<HostMessage, { type: 'append' }>): void {
    const run = this.runs.find((r) => r.runId === msg.runId);
    if (!run) return;
    appendRecords(run, msg.records, msg.taskRecords);
    const kinds = new Set(msg.records.map((r) => r.kind));
    const parts: Part[] = ['header'];
    if (kinds.has('step') || kinds.has('eval')) parts.push('loss', 'grads');
    if (kinds.has('gradflow')) parts.push('gradflow');
    if (kinds.has('gates')) parts.push('gates');
    if (kinds.has('alignment') || msg.taskRecords.length > 0) parts.push('alignment');
    if (kinds.has('selfattention')) parts.push('attention');
    if (msg.taskRecords.length > 0) parts.push('tasks');
    this.invalidate(parts.filter((p) => !pacedParts.includes(p)));
    this.pace(parts.filter((p) => pacedParts.includes(p)));
  }

  /** Redraws the parts once their pacing allows (at once when they have been idle). */
  private pace(parts: Part[]): void {
    for (const p of parts) this.pacedDirty.add(p);
    if (this.pacedDirty.size === 0 || this.paceTimer !== null) return;
    this.paceTimer = setTimeout(() => {
      this.paceTimer = null;
      const due = [...this.pacedDirty];
      this.pacedDirty.clear();
      this.invalidate(due);
    }, Math.max(0, this.pacedDueAt - performance.now()));
  }

  /** Full replace: showing the same snapshot twice gives the same page. */
  load(snapshots: RunSnapshot[], live: boolean): void {
    this.runs = snapshots.map(runFromSnapshot);
    this.live = live;
    this.diffs = configDifferences(this.runs.map((r) => r.config));
    this.persist();
    this.invalidate(allParts);
  }

  /** A long run's curves in the report are decimated: say how far, and link the full records. */
  noteDecimated(notes: { runId: string; kept: number; total: number; href?: string }[]): void {
    for (const n of notes) {
      const p = append(this.notes, 'p', 'report-note', `${n.runId}: the curves show ${n.kept} of its ${n.total} steps (each stretch's lowest and highest kept). `);
      if (n.href) Object.assign(append(p, 'a', undefined, 'Full data: metrics.jsonl'), { href: n.href });
    }
  }

  private setView(patch: Partial<ViewState>, parts: Part[]): void {
    this.view = { ...this.view, ...patch };
    this.persist();
    this.invalidate(parts);
  }

  private persist(): void {
    const state: DashboardState = { runIds: this.runs.map((r) => r.runId), view: this.view };
    this.host.setState(state);
  }

  private invalidate(parts: Part[]): void {
    for (const p of parts) this.dirty.add(p);
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.redraw());
  }

  private redraw(): void {
    this.frame = 0;
    if (this.runs.length === 0) return;
    const parts = new Set(this.dirty);
    this.dirty.clear();
    const focus = this.runs.find((r) => r.runId === this.view.focusRunId) ?? richestRun(this.runs);
    const ctx: ViewContext = {
      runs: this.runs, focus, view: this.view, palette: this.palette, diffs: this.diffs, host: this.host,
      setView: (patch, redraw) => this.setView(patch, redraw),
    };
    this.empty.classList.add('hidden');
    this.empty.nextElementSibling?.classList.remove('hidden');
    if (parts.has('header')) this.drawHeader(focus);
    const compare = { diffs: this.diffs };
    const from = performance.now();
    if (parts.has('loss')) {
      this.lossCaption.textContent = `${LOSS_CAPTION} ${lossUnitText(this.runs)}`.trim();
      this.loss.update({ title: 'Loss', xLabel: 'step', yLabel: 'loss', logY: this.view.logScale, chart: lossChart(this.runs, this.view.smoothing, compare) }, this.palette);
    }
    if (parts.has('grads')) {
      this.grads.update({ title: 'Gradient norms', xLabel: 'step', yLabel: '‖g‖₂', logY: this.view.logScale, chart: gradNormChart(this.runs, compare) }, this.palette);
    }
    // uPlot draws in a microtask queued by update(); this one runs after it and the parts below.
    if (pacedParts.some((p) => parts.has(p))) queueMicrotask(() => { this.pacedDueAt = from + DUTY * (performance.now() - from); });
    if (parts.has('gradflow')) this.gradFlow.render(ctx);
    if (parts.has('gates')) {
      this.gates.render(ctx);
      // A Transformer has attention maps where recurrent cells have gates.
      document.getElementById('card-gates')?.classList.toggle('hidden', isTransformer(focus));
    }
    if (parts.has('attention')) this.attention.render(ctx);
    if (parts.has('tasks')) this.task.render(ctx);
    if (parts.has('alignment')) this.alignment.render(ctx);
  }

  private drawHeader(focus: RunData): void {
    const many = this.runs.length > 1;
    this.title.textContent = many ? `Comparing ${this.runs.length} runs` : runName(focus);
    document.title = `SeqLab — ${this.title.textContent}`;
    this.meta.replaceChildren();
    const s = focus.summary;
    const lastStep = focus.steps[focus.steps.length - 1];
    const status = s?.status ?? (this.live ? 'running' : 'unknown');
    const badge = append(this.meta, 'span', `status status-${status}`, this.live && status === 'running' ? '● live' : status);
    badge.setAttribute('role', 'status');
    const items = [
      many ? `details: ${runName(focus)}` : focus.runId,
      `step ${lastStep?.step ?? 0}`,
      lastStep ? `loss ${fmt(lastStep.loss)}` : '',
      s?.finalValLoss !== null && s?.finalValLoss !== undefined ? `val ${fmt(s.finalValLoss)}` : '',
      s ? s.backend : '',
      // A running run's summary is written at its start; its step records carry the elapsed time.
      s ? fmtDuration(status === 'running' ? Math.max(s.wallTimeSec, lastStep?.time ?? 0) : s.wallTimeSec) : '',
    ].filter((x) => x !== '');
    for (const it of items) append(this.meta, 'span', 'meta-item', it);
    if (s?.reason) append(this.meta, 'span', 'meta-item error', s.reason);

    this.focusWrap.classList.toggle('hidden', !many);
    if (many) {
      const key = JSON.stringify(this.runs.map((r) => r.runId));
      if (this.focusSel.dataset.key !== key) {
        this.focusSel.dataset.key = key;
        this.focusSel.replaceChildren(...this.runs.map((r, i) => {
          const o = document.createElement('vscode-option');
          o.setAttribute('value', r.runId);
          o.textContent = runLabel(this.diffs, i, runName(r));
          return o;
        }));
      }
      this.focusSel.value = focus.runId;
    }
    this.differs.classList.toggle('hidden', !many);
    this.differs.replaceChildren();
    if (many) {
      append(this.differs, 'strong', undefined, 'What differs: ');
      const lines = describeDifferences(this.diffs);
      append(this.differs, 'span', 'differs-list', lines.length > 0 ? lines.join('   ·   ') : 'nothing in the configs (same settings, different runs)');
    }
  }

  private exportChart(chart: LineChart, format: 'png' | 'svg'): void {
    const base = this.runs.length === 1 ? slug(this.runs[0].runId) : 'compare';
    this.host.exportFile(format, `${slug(chart.title)}-${base}.${format}`, format === 'png' ? chart.toPng() : chart.toSvg());
  }

  private exportCsv(): void {
    const base = this.runs.length === 1 ? slug(this.runs[0].runId) : 'compare';
    this.host.exportFile('csv', `metrics-${base}.csv`, metricsCsv(this.runs));
  }

  /** The standalone report has no VS Code theme to follow, so it offers the three kinds itself. */
  private themePicker(parent: HTMLElement): void {
    const wrap = append(parent, 'label', 'control');
    append(wrap, 'span', 'control-label', 'Theme');
    const sel = document.createElement('vscode-single-select') as SelectElement;
    sel.id = 'theme';
    sel.setAttribute('aria-label', 'Color theme');
    for (const [value, label] of [['vscode-dark', 'Dark'], ['vscode-light', 'Light'], ['vscode-high-contrast', 'High contrast']]) {
      const o = document.createElement('vscode-option');
      o.setAttribute('value', value);
      o.textContent = label;
      sel.appendChild(o);
    }
    wrap.appendChild(sel);
    const current = ['vscode-light', 'vscode-high-contrast'].find((c) => document.body.classList.contains(c)) ?? 'vscode-dark';
    sel.value = current;
    sel.addEventListener('change', () => {
      document.body.classList.remove('vscode-dark', 'vscode-light', 'vscode-high-contrast');
      document.body.classList.add(sel.value);
    });
    watchTheme(() => {
      const now = ['vscode-light', 'vscode-high-contrast'].find((c) => document.body.classList.contains(c)) ?? 'vscode-dark';
      if (sel.value !== now) sel.value = now;
    });
  }
}
