// Task views, by what the task records: forecasts with anomaly markers, generated text samples,
// a confusion matrix, per-step labels. Only the kinds present in the run are shown.
import type { TaskRecord } from '../../src/shared/protocol';
import { fmt } from '../../src/shared/format';
import { slug } from '../shared/host';
import { card, exportButtons } from './card';
import type { ViewContext } from './context';
import { append, LineChart } from './lineChart';
import { configValue } from './model';
import type { SeriesSpec } from './series';
import { forecastAxis, type ForecastRecord } from './forecastAxis';

/** Rows no window predicts: null in a record read from JSON, NaN in one unpacked from a report. */
const finiteOrNull = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

type Of<K extends TaskRecord['kind']> = Extract<TaskRecord, { kind: K }>;

function latest<K extends TaskRecord['kind']>(tasks: readonly TaskRecord[], kind: K): Of<K> | undefined {
  for (let i = tasks.length - 1; i >= 0; i--) if (tasks[i].kind === kind) return tasks[i] as Of<K>;
  return undefined;
}

export class TaskPanel {
  private readonly root: HTMLElement;
  private readonly forecastBox: HTMLElement;
  private readonly forecastCaption: HTMLElement;
  private readonly forecast: LineChart;
  private readonly samples: HTMLElement;
  private readonly confusion: HTMLElement;
  private readonly labels: HTMLElement;
  private ctx: ViewContext | null = null;

  constructor(parent: HTMLElement) {
    const c = card(parent, 'card-task', 'Task', 'What the model produces on this task, from the latest evaluation.', true);
    this.root = c.root;
    this.forecastBox = append(c.body, 'div', 'task-forecast');
    const fhead = append(this.forecastBox, 'div', 'sub-head');
    append(fhead, 'h3', undefined, 'Forecast vs actual');
    exportButtons(append(fhead, 'div', 'card-actions'), 'forecast', () => this.exportForecast('png'), () => this.exportForecast('svg'));
    this.forecastCaption = append(this.forecastBox, 'p', 'caption');
    this.forecast = new LineChart(append(this.forecastBox, 'div'), 240);
    this.samples = append(c.body, 'div', 'task-samples');
    this.confusion = append(c.body, 'div', 'task-confusion');
    this.labels = append(c.body, 'div', 'task-labels');
  }

  render(ctx: ViewContext): void {
    this.ctx = ctx;
    const tasks = ctx.focus.tasks;
    // Sequence-to-sequence views (translations, beams) live in the alignment panel.
    this.root.classList.toggle('hidden', !tasks.some((t) => ['forecast', 'sample', 'confusion', 'labels'].includes(t.kind)));
    const f = latest(tasks, 'forecast');
    this.forecastBox.classList.toggle('hidden', !f);
    if (f) this.drawForecast(f, ctx);
    this.drawSamples(tasks.filter((t): t is Of<'sample'> => t.kind === 'sample'));
    this.drawConfusion(latest(tasks, 'confusion'));
    this.drawLabels(latest(tasks, 'labels'));
  }

  private drawForecast(f: ForecastRecord, ctx: ViewContext): void {
    const axis = forecastAxis(f, ctx.focus.config);
    const xs = axis.xs;
    // Anomaly detection has a threshold and marks what exceeds it; a plain forecast has neither.
    const anomalyTask = configValue(ctx.focus.config, 'data.task') === 'anomaly' || f.anomalies.length > 0;
    const marked = new Set(f.anomalies);
    this.forecastCaption.textContent = anomalyTask
      ? `Step ${f.step}: ${f.anomalies.length} point(s) where |prediction − actual| exceeds the threshold ${fmt(f.threshold)}.`
      : `Step ${f.step}: one-step-ahead predictions${axis.splitX !== null ? '; the model trained on the rows before the dashed line' : ''}.`;
    // A report of a long series keeps each stretch's extremes (src/runner/reportPack.ts); tasks.jsonl has every row.
    if (f.rows) this.forecastCaption.textContent += ` This report keeps ${f.actual.length} of its ${f.rows} rows (each stretch's lowest and highest).`;
    const series: SeriesSpec[] = [{ label: 'actual', color: 0 }, { label: 'predicted', color: 1, dash: true }];
    const data: (number | null)[][] = [xs, f.actual, f.actual.map((_, i) => finiteOrNull(f.predicted[i]))];
    if (anomalyTask) {
      series.push({ label: 'anomaly', color: 4, pointsOnly: true });
      data.push(f.actual.map((v, i) => (marked.has(i) ? v : null)));
    }
    this.forecast.update({
      title: 'Forecast vs actual', xLabel: axis.label, yLabel: 'value', logY: false, xFormat: axis.format,
      markers: axis.splitX !== null ? [{ x: axis.splitX, label: 'validation →' }] : [],
      chart: { series, data },
    }, ctx.palette);
  }

  private drawSamples(samples: Of<'sample'>[]): void {
    this.samples.classList.toggle('hidden', samples.length === 0);
    this.samples.replaceChildren();
    if (samples.length === 0) return;
    append(this.samples, 'h3', undefined, 'Generated samples (newest first)');
    for (const s of samples.slice(-8).reverse()) {
      const fig = append(this.samples, 'figure', 'sample');
      append(fig, 'figcaption', undefined, `step ${s.step} · temperature ${s.temperature}`);
      append(fig, 'pre', undefined, s.text);
    }
  }

  private drawConfusion(c: Of<'confusion'> | undefined): void {
    this.confusion.classList.toggle('hidden', !c);
    this.confusion.replaceChildren();
    if (!c) return;
    const total = c.matrix.flat().reduce((a, b) => a + b, 0);
    const correct = c.matrix.reduce((a, row, i) => a + (row[i] ?? 0), 0);
    append(this.confusion, 'h3', undefined, `Confusion matrix (step ${c.step}) — accuracy ${fmt(total > 0 ? correct / total : NaN, 3)}`);
    const table = append(this.confusion, 'table', 'confusion');
    const head = append(append(table, 'thead'), 'tr');
    append(head, 'th', 'corner', 'actual ↓ / predicted →');
    c.labels.forEach((l) => append(head, 'th', undefined, l));
    const body = append(table, 'tbody');
    c.matrix.forEach((row, i) => {
      const tr = append(body, 'tr');
      append(tr, 'th', undefined, c.labels[i] ?? String(i));
      const rowSum = row.reduce((a, b) => a + b, 0);
      row.forEach((v, j) => {
        const td = append(tr, 'td', i === j ? 'diag' : 'off', String(v));
        // Shade by the row's share so each actual class reads as a distribution.
        td.style.setProperty('--share', String(rowSum > 0 ? v / rowSum : 0));
      });
    });
  }

  private drawLabels(l: Of<'labels'> | undefined): void {
    this.labels.classList.toggle('hidden', !l);
    this.labels.replaceChildren();
    if (!l) return;
    const wrong = l.tokens.filter((_, i) => l.predicted[i] !== l.actual[i]).length;
    append(this.labels, 'h3', undefined, `Per-step labels (step ${l.step}) — ${l.tokens.length - wrong}/${l.tokens.length} correct`);
    const scroller = append(this.labels, 'div', 'label-scroll');
    scroller.tabIndex = 0;
    scroller.setAttribute('aria-label', 'Per-step labels, scrollable');
    const table = append(scroller, 'table', 'labels');
    const rows: [string, string[]][] = [['input', l.tokens], ['actual', l.actual], ['predicted', l.predicted]];
    for (const [name, vals] of rows) {
      const tr = append(table, 'tr');
      append(tr, 'th', undefined, name);
      vals.forEach((v, i) => append(tr, 'td', name === 'predicted' && v !== l.actual[i] ? 'wrong' : undefined, v));
    }
  }

  private exportForecast(format: 'png' | 'svg'): void {
    if (!this.ctx) return;
    this.ctx.host.exportFile(format, `forecast-${slug(this.ctx.focus.runId)}.${format}`, format === 'png' ? this.forecast.toPng() : this.forecast.toSvg());
  }
}
