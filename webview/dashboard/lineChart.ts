// A uPlot line chart with a keyboard-usable legend (checkboxes toggle series), a hover readout, drag-to-zoom
// (double-click resets), PNG export of its canvas and an SVG export drawn from the same data.
import uPlot from 'uplot';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { esc, svgDocument } from '../shared/heatmap';
import { fmt } from '../../src/shared/format';
import { decadeTicks, logTicks, minorLogTicks, niceTicks, withAlpha } from '../shared/ticks';
import type { Palette } from '../shared/theme';
import type { ChartData, SeriesSpec } from './series';
import { decimate, type Aligned } from './decimate';

/** x buckets drawn across the plot (or the zoomed range): a few points per pixel column at most. */
const DRAW_BUCKETS = 600;

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  logY: boolean;
  chart: ChartData;
  /** How x values read on the axis, the hover readout and the SVG (dates, say); plain numbers by default. */
  xFormat?: (x: number) => string;
  /** Dashed vertical lines at these x values, each labelled at its top (the train/validation split). */
  markers?: { x: number; label: string }[];
}

interface CheckboxElement extends HTMLElement { checked: boolean; label: string }

export class LineChart {
  private plot: uPlot | null = null;
  private structure = '';
  private spec: LineChartSpec | null = null;
  private palette: Palette | null = null;
  private readonly hidden = new Set<string>();
  private zoomed = false;
  /** The range the drawn (decimated) data was cut for, so a zoom that changes it re-cuts once. */
  private drawnRange = '';
  private readonly legend: HTMLElement;
  private readonly plotEl: HTMLElement;
  private readonly readout: HTMLElement;

  constructor(readonly root: HTMLElement, private readonly height: number) {
    root.classList.add('line-chart');
    this.legend = append(root, 'div', 'legend');
    this.plotEl = append(root, 'div', 'plot');
    this.readout = append(root, 'div', 'readout');
    this.readout.setAttribute('aria-live', 'off');
    new ResizeObserver(() => {
      if (this.plot && this.plotEl.clientWidth > 0) this.plot.setSize({ width: this.plotEl.clientWidth, height: this.height });
    }).observe(this.plotEl);
  }

  update(spec: LineChartSpec, palette: Palette): void {
    const data = spec.logY ? positiveOnly(spec.chart.data) : spec.chart.data;
    const structure = JSON.stringify([spec.chart.series, spec.logY, spec.xLabel, spec.yLabel, palette]);
    this.spec = { ...spec, chart: { series: spec.chart.series, data } };
    this.palette = palette;
    this.root.dataset.seriesCount = String(spec.chart.series.length);
    this.root.dataset.pointCount = String(data[0]?.length ?? 0);
    this.root.dataset.markers = (spec.markers ?? []).map((m) => m.x).join(',');
    this.root.dataset.updates = String(Number(this.root.dataset.updates ?? 0) + 1);
    if (structure !== this.structure || !this.plot) {
      this.structure = structure;
      this.rebuild();
    } else {
      this.plot.setData(this.drawn(this.zoomed ? this.plot : null), !this.zoomed);
    }
  }

  /** The data decimated for drawing, with fine buckets over the zoomed x range when there is one. */
  private drawn(zoomedPlot: uPlot | null): uPlot.AlignedData {
    const data = (this.spec?.chart.data ?? [[]]) as Aligned;
    const from = zoomedPlot?.scales.x.min ?? undefined, to = zoomedPlot?.scales.x.max ?? undefined;
    this.drawnRange = `${from}:${to}`;
    const out = data[0].length > 0 ? decimate(data, { buckets: DRAW_BUCKETS, from, to }) : data;
    this.root.dataset.drawnCount = String(out[0].length);
    return out as uPlot.AlignedData;
  }

  /** After a zoom or its reset: re-cut the drawn data for the new range, keeping the scales. */
  private redecimate(u: uPlot): void {
    const range = this.zoomed ? `${u.scales.x.min}:${u.scales.x.max}` : 'undefined:undefined';
    if (range !== this.drawnRange) u.setData(this.drawn(this.zoomed ? u : null), false);
  }

  private rebuild(): void {
    const { spec, palette } = this;
    if (!spec || !palette) return;
    this.plot?.destroy();
    this.zoomed = false;
    this.root.dataset.minorLines = '0';
    const font = `11px ${getComputedStyle(document.body).fontFamily || 'sans-serif'}`;
    const axis = (label: string): uPlot.Axis => ({
      label, stroke: palette.muted, font, labelFont: font, labelSize: 18,
      grid: { stroke: palette.grid, width: 1 }, ticks: { stroke: palette.grid, width: 1, size: 4 },
    });
    // The drawn labels and faint lines also go on the element, where a test (or a curious user) can read them.
    const yValues = (_u: uPlot, vals: number[]) => {
      const labels = vals.map((v) => fmt(v, 3));
      this.root.dataset.yLabels = labels.join(' ');
      return labels;
    };
    const minorValues = (_u: uPlot, vals: number[]) => { this.root.dataset.minorLines = String(vals.length); return vals.map(() => ''); };
    const yAxes = spec.logY ? logYAxes(axis(spec.yLabel), palette, font, yValues, minorValues) : [{ ...axis(spec.yLabel), size: labelWidth(font), values: yValues }];
    const series: uPlot.Series[] = [{ label: spec.xLabel }, ...spec.chart.series.map((s) => this.seriesOptions(s, palette))];
    const opts: uPlot.Options = {
      width: Math.max(200, this.plotEl.clientWidth),
      height: this.height,
      scales: { x: { time: false }, y: spec.logY ? { distr: 3, log: 10 } : {} },
      axes: [
        { ...axis(spec.xLabel), values: (_u, vals) => vals.map((v) => this.fmtX(v)) },
        ...yAxes,
      ],
      series,
      legend: { show: false },
      cursor: { drag: { x: true, y: false }, points: { size: 6 } },
      hooks: {
        setCursor: [(u) => this.showReadout(u)],
        draw: [(u) => this.drawMarkers(u)],
        setScale: [(u, key) => {
          if (key !== 'x') return;
          this.zoomed = isZoomed(u);
          this.root.dataset.zoomed = String(this.zoomed);
          this.redecimate(u);
        }],
      },
    };
    this.plot = new uPlot(opts, this.drawn(null), this.plotEl);
    this.renderLegend(spec.chart.series, palette);
  }

  private seriesOptions(s: SeriesSpec, palette: Palette): uPlot.Series {
    const stroke = palette.series[s.color % palette.series.length];
    return {
      label: s.label,
      stroke,
      width: s.faint ? 1 : 1.75,
      alpha: s.faint ? 0.35 : 1,
      dash: s.dash ? [6, 4] : undefined,
      spanGaps: true,
      show: !this.hidden.has(s.label),
      points: s.pointsOnly ? { show: true, size: 8, fill: stroke, stroke } : { show: false },
      paths: s.pointsOnly ? () => null : undefined,
    };
  }

  private renderLegend(series: SeriesSpec[], palette: Palette): void {
    this.legend.replaceChildren();
    series.forEach((s, i) => {
      const item = append(this.legend, 'span', 'legend-item');
      const swatch = append(item, 'span', s.dash ? 'swatch dashed' : 'swatch');
      swatch.style.borderColor = palette.series[s.color % palette.series.length];
      if (s.faint) swatch.style.opacity = '0.45';
      const box = document.createElement('vscode-checkbox') as CheckboxElement;
      box.checked = !this.hidden.has(s.label);
      box.label = s.label;
      box.addEventListener('change', () => {
        if (box.checked) this.hidden.delete(s.label); else this.hidden.add(s.label);
        this.plot?.setSeries(i + 1, { show: box.checked });
      });
      item.appendChild(box);
    });
  }

  private fmtX(x: number): string {
    return this.spec?.xFormat ? this.spec.xFormat(x) : fmt(x);
  }

  private drawMarkers(u: uPlot): void {
    const markers = this.spec?.markers ?? [];
    if (markers.length === 0 || !this.palette) return;
    const ctx = u.ctx;
    const dpr = u.ctx.canvas.width / Math.max(1, u.width);
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.strokeStyle = this.palette.muted;
    ctx.fillStyle = this.palette.muted;
    ctx.lineWidth = dpr;
    ctx.setLineDash([4 * dpr, 4 * dpr]);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.font = `${11 * dpr}px ${getComputedStyle(document.body).fontFamily || 'sans-serif'}`;
    for (const m of markers) {
      const x = u.valToPos(m.x, 'x', true);
      if (x < left || x > left + width) continue;
      ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke();
      ctx.fillText(m.label, x + 4 * dpr, top + 12 * dpr);
    }
    ctx.restore();
  }

  private showReadout(u: uPlot): void {
    const idx = u.cursor.idx;
    if (idx === null || idx === undefined || !this.spec) { this.readout.textContent = '\u00a0'; return; }
    const parts = [`${this.spec.xLabel} ${this.fmtX(u.data[0][idx])}`];
    this.spec.chart.series.forEach((s, i) => {
      const v = u.data[i + 1][idx];
      if (v !== null && v !== undefined && u.series[i + 1].show) parts.push(`${s.label}: ${fmt(v)}`);
    });
    this.readout.textContent = parts.join('  ·  ');
  }

  /** The chart as a PNG data URL: title and legend above the plot canvas, on the theme background. */
  toPng(): string {
    const { plot, spec, palette } = this;
    if (!plot || !spec || !palette) return '';
    const src = plot.ctx.canvas;
    const dpr = src.width / Math.max(1, plot.width);
    const visible = spec.chart.series.filter((s) => !this.hidden.has(s.label));
    const headerH = 26 + 18 * Math.ceil(visible.length / 3);
    const out = document.createElement('canvas');
    out.width = src.width;
    out.height = src.height + Math.round(headerH * dpr);
    const ctx = out.getContext('2d');
    if (!ctx) return '';
    ctx.fillStyle = palette.background;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.scale(dpr, dpr);
    ctx.fillStyle = palette.foreground;
    ctx.font = `600 13px ${getComputedStyle(document.body).fontFamily}`;
    ctx.fillText(spec.title, 8, 18);
    ctx.font = `11px ${getComputedStyle(document.body).fontFamily}`;
    const colW = plot.width / 3;
    visible.forEach((s, k) => {
      const x = 8 + (k % 3) * colW;
      const y = 36 + Math.floor(k / 3) * 18;
      ctx.strokeStyle = palette.series[s.color % palette.series.length];
      ctx.lineWidth = 2;
      ctx.setLineDash(s.dash ? [5, 3] : []);
      ctx.beginPath(); ctx.moveTo(x, y - 4); ctx.lineTo(x + 18, y - 4); ctx.stroke();
      ctx.fillText(s.label, x + 24, y);
    });
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(src, 0, Math.round(headerH * dpr));
    return out.toDataURL('image/png');
  }

  /** The chart drawn as SVG from its data and current axis ranges (so a zoomed view exports as shown). */
  toSvg(): string {
    const { plot, spec, palette } = this;
    if (!plot || !spec || !palette) return '';
    const W = 820, H = 420;
    const visible = spec.chart.series.map((s, i) => ({ s, i })).filter(({ s }) => !this.hidden.has(s.label));
    const legendRows = Math.ceil(visible.length / 3);
    const m = { l: 70, r: 20, t: 34 + legendRows * 18, b: 46 };
    const pw = W - m.l - m.r, ph = H - m.t - m.b;
    const x0 = plot.scales.x.min ?? 0, x1 = plot.scales.x.max ?? 1;
    const y0 = plot.scales.y.min ?? 0, y1 = plot.scales.y.max ?? 1;
    const ty = spec.logY ? (v: number) => Math.log10(v) : (v: number) => v;
    const X = (v: number) => m.l + ((v - x0) / (x1 - x0 || 1)) * pw;
    const Y = (v: number) => m.t + ph - ((ty(v) - ty(y0)) / (ty(y1) - ty(y0) || 1)) * ph;
    const parts: string[] = [`<text x="${m.l}" y="20" font-weight="600" font-size="14" fill="${palette.foreground}">${esc(spec.title)}</text>`];
    visible.forEach(({ s }, k) => {
      const lx = m.l + (k % 3) * (pw / 3), ly = 40 + Math.floor(k / 3) * 18;
      const c = palette.series[s.color % palette.series.length];
      parts.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 18}" y2="${ly - 4}" stroke="${c}" stroke-width="2"${s.dash ? ' stroke-dasharray="5 3"' : ''}/>`);
      parts.push(`<text x="${lx + 24}" y="${ly}" fill="${palette.foreground}" font-size="11">${esc(s.label)}</text>`);
    });
    const yt = spec.logY ? logTicks(y0, y1) : niceTicks(y0, y1);
    for (const t of yt.filter((t) => t >= y0 && t <= y1)) {
      parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${Y(t)}" y2="${Y(t)}" stroke="${palette.grid}"/>`);
      parts.push(`<text x="${m.l - 6}" y="${Y(t) + 4}" text-anchor="end" fill="${palette.muted}" font-size="11">${esc(fmt(t, 3))}</text>`);
    }
    for (const t of niceTicks(x0, x1, 6).filter((t) => t >= x0 && t <= x1)) {
      parts.push(`<line x1="${X(t)}" x2="${X(t)}" y1="${m.t}" y2="${m.t + ph}" stroke="${palette.grid}"/>`);
      parts.push(`<text x="${X(t)}" y="${m.t + ph + 16}" text-anchor="middle" fill="${palette.muted}" font-size="11">${esc(this.fmtX(t))}</text>`);
    }
    for (const mk of (spec.markers ?? []).filter((mk) => mk.x >= x0 && mk.x <= x1)) {
      parts.push(`<line x1="${X(mk.x)}" x2="${X(mk.x)}" y1="${m.t}" y2="${m.t + ph}" stroke="${palette.muted}" stroke-dasharray="4 4"/>`);
      parts.push(`<text x="${X(mk.x) + 4}" y="${m.t + 12}" fill="${palette.muted}" font-size="11">${esc(mk.label)}</text>`);
    }
    parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="${palette.border}"/>`);
    parts.push(`<text x="${m.l + pw / 2}" y="${H - 8}" text-anchor="middle" fill="${palette.foreground}" font-size="12">${esc(spec.xLabel)}</text>`);
    parts.push(`<text transform="translate(16,${m.t + ph / 2}) rotate(-90)" text-anchor="middle" fill="${palette.foreground}" font-size="12">${esc(spec.yLabel)}</text>`);
    parts.push(`<defs><clipPath id="plot"><rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}"/></clipPath></defs><g clip-path="url(#plot)">`);
    const xs = spec.chart.data[0] as number[];
    for (const { s, i } of visible) {
      const c = palette.series[s.color % palette.series.length];
      const ys = spec.chart.data[i + 1];
      const pts: string[] = [];
      xs.forEach((x, k) => {
        const v = ys[k];
        if (v !== null && x >= x0 && x <= x1) pts.push(`${X(x).toFixed(1)},${Y(v).toFixed(1)}`);
      });
      if (s.pointsOnly) {
        for (const p of pts) { const [cx, cy] = p.split(','); parts.push(`<circle cx="${cx}" cy="${cy}" r="3.5" fill="${c}"/>`); }
      } else if (pts.length > 0) {
        parts.push(`<polyline fill="none" stroke="${c}" stroke-width="${s.faint ? 1 : 1.6}"${s.faint ? ' stroke-opacity="0.35"' : ''}${s.dash ? ' stroke-dasharray="6 4"' : ''} points="${pts.join(' ')}"/>`);
      }
    }
    parts.push('</g>');
    return svgDocument(W, H, palette, parts.join(''));
  }

  get title(): string { return this.spec?.title ?? 'chart'; }
}

/** An axis size that fits its widest label (uPlot's fixed default cut off labels like "1e-11"). */
function labelWidth(font: string): (u: uPlot, values: string[]) => number {
  const ctx = document.createElement('canvas').getContext('2d');
  if (ctx) ctx.font = font;
  return (_u, values) => 18 + Math.max(22, ...(values ?? []).map((v) => Math.ceil(ctx?.measureText(v).width ?? v.length * 7)));
}

/**
 * A log y axis labelled at powers of ten only, spaced so labels never overlap, and a second, unlabelled one drawing
 * the 2…9 lines between decades faintly, and only when a decade is tall enough for them not to merge into a band.
 */
type AxisValues = (u: uPlot, vals: number[]) => string[];

function logYAxes(base: uPlot.Axis, palette: Palette, font: string, values: AxisValues, minorValues: AxisValues): uPlot.Axis[] {
  const height = (u: uPlot) => u.bbox.height / Math.max(1, u.ctx.canvas.width / Math.max(1, u.width));
  return [
    // filter keeps every split: uPlot's default for log scales blanks some, which fmt then shows as "–".
    { ...base, size: labelWidth(font), values, splits: (u, _i, min, max) => decadeTicks(min, max, height(u)), filter: (_u, splits) => splits },
    {
      scale: 'y', show: true, size: 0, gap: 0, stroke: 'transparent', ticks: { show: false },
      grid: { stroke: withAlpha(palette.grid, 0.45), width: 1 },
      splits: (u, _i, min, max) => minorLogTicks(min, max, height(u)), values: minorValues,
    },
  ];
}

function isZoomed(u: uPlot): boolean {
  const xs = u.data[0];
  if (!xs || xs.length < 2) return false;
  return (u.scales.x.min ?? -Infinity) > xs[0] || (u.scales.x.max ?? Infinity) < xs[xs.length - 1];
}

/** A log axis cannot show 0 or negative values: they become gaps. */
function positiveOnly(data: (number | null)[][]): (number | null)[][] {
  return data.map((col, i) => (i === 0 ? col : col.map((v) => (v !== null && v > 0 ? v : null))));
}

export function append<K extends keyof HTMLElementTagNameMap>(parent: HTMLElement, tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  parent.appendChild(el);
  return el;
}
