// A canvas heatmap with axes and a color bar, plus an SVG rendering of the same data for export.
// Cells are painted into an ImageData at one pixel per cell, then scaled up without smoothing, so even a
// 2000 × 100 matrix draws in one drawImage call.
import { rgbCss, type Colormap } from './colormap';
import { fmt } from '../../src/shared/format';
import { logTicks, niceTicks } from './ticks';
import type { Palette } from './theme';

export interface HeatmapData {
  cols: number;
  rows: number;
  /** Row-major, values[row * cols + col]; NaN draws as a gap. */
  values: Float64Array;
}

export interface HeatmapStyle {
  colormap: Colormap;
  scale: 'linear' | 'log';
  /** Color range; for log it must be > 0. */
  min: number;
  max: number;
  xLabel: string;
  yLabel: string;
  colorbarLabel: string;
  /** Axis label of column / row index. */
  colName(col: number): string;
  rowName(row: number): string;
  /** Row 0 drawn at the bottom (time axes growing upward) or the top (unit lists). */
  rowOrigin: 'bottom' | 'top';
  /** Compact variant for small multiples: no axis titles, thinner margins. */
  compact?: boolean;
  /** Least space per column and row label in CSS px (default 70 and 28); token axes label every cell that fits. */
  labelSpacing?: { x: number; y: number };
}

function colTicks(cols: number, style: HeatmapStyle, width: number): number[] {
  return tickIndices(cols, Math.max(2, Math.floor(width / (style.labelSpacing?.x ?? 70))));
}

function rowTicks(rows: number, style: HeatmapStyle, height: number): number[] {
  return tickIndices(rows, Math.max(2, Math.floor(height / (style.labelSpacing?.y ?? 28))));
}

interface Layout { left: number; top: number; width: number; height: number; barX: number; totalW: number; totalH: number }

function layout(style: HeatmapStyle, totalW: number, totalH: number): Layout {
  const left = style.compact ? 30 : 52;
  const right = style.compact ? 52 : 78;
  const top = 6;
  const bottom = style.compact ? 20 : 36;
  const width = Math.max(10, totalW - left - right);
  const height = Math.max(10, totalH - top - bottom);
  return { left, top, width, height, barX: left + width + 10, totalW, totalH };
}

/** Maps a value to u ∈ [0,1] for the colormap. */
export function normalize(v: number, style: Pick<HeatmapStyle, 'scale' | 'min' | 'max'>): number {
  if (style.scale === 'log') {
    const lo = Math.log10(style.min);
    const hi = Math.log10(style.max);
    return hi > lo ? (Math.log10(Math.max(v, style.min)) - lo) / (hi - lo) : 0.5;
  }
  return style.max > style.min ? (v - style.min) / (style.max - style.min) : 0.5;
}

function rowY(row: number, data: HeatmapData, style: HeatmapStyle, l: Layout): number {
  const h = l.height / data.rows;
  return style.rowOrigin === 'top' ? l.top + row * h : l.top + l.height - (row + 1) * h;
}

/** Up to `n` evenly spread indices in [0, count), always including the first and last. */
function tickIndices(count: number, n: number): number[] {
  if (count <= n) return Array.from({ length: count }, (_, i) => i);
  const out = new Set<number>();
  for (let k = 0; k < n; k++) out.add(Math.round((k * (count - 1)) / (n - 1)));
  return [...out];
}

function colorbarTicks(style: HeatmapStyle): number[] {
  return style.scale === 'log' ? logTicks(style.min, style.max, 5).filter((v) => v >= style.min * 0.999 && v <= style.max * 1.001)
    : niceTicks(style.min, style.max, 4);
}

/** Paints one pixel per cell offscreen, then scales it into the plot area unsmoothed; false when there is nothing to paint. */
function paintCells(ctx: CanvasRenderingContext2D, data: HeatmapData, style: HeatmapStyle, l: Layout): boolean {
  const cells = document.createElement('canvas');
  cells.width = data.cols;
  cells.height = data.rows;
  const cctx = cells.getContext('2d');
  if (!cctx || data.cols === 0 || data.rows === 0) return false;
  const img = cctx.createImageData(data.cols, data.rows);
  for (let r = 0; r < data.rows; r++) {
    const py = style.rowOrigin === 'top' ? r : data.rows - 1 - r;
    for (let c = 0; c < data.cols; c++) {
      const v = data.values[r * data.cols + c];
      const o = (py * data.cols + c) * 4;
      if (!Number.isFinite(v)) continue;
      const [R, G, B] = style.colormap.at(normalize(v, style));
      img.data[o] = R; img.data[o + 1] = G; img.data[o + 2] = B; img.data[o + 3] = 255;
    }
  }
  cctx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(cells, l.left, l.top, l.width, l.height);
  return true;
}

/** Column and row tick labels, and (unless compact) the axis titles. */
function drawAxes(ctx: CanvasRenderingContext2D, data: HeatmapData, style: HeatmapStyle, palette: Palette, l: Layout): void {
  ctx.fillStyle = palette.muted;
  ctx.font = `${style.compact ? 10 : 11}px ${getComputedStyle(document.body).fontFamily}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const c of colTicks(data.cols, style, l.width)) {
    ctx.fillText(style.colName(c), l.left + ((c + 0.5) / data.cols) * l.width, l.top + l.height + 4);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const r of rowTicks(data.rows, style, l.height)) {
    ctx.fillText(style.rowName(r), l.left - 5, rowY(r, data, style, l) + l.height / data.rows / 2);
  }
  if (style.compact) return;
  ctx.fillStyle = palette.foreground;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(style.xLabel, l.left + l.width / 2, l.totalH - 2);
  ctx.save();
  ctx.translate(12, l.top + l.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(style.yLabel, 0, 0);
  ctx.restore();
}

/** The color bar right of the plot, its ticks and (unless compact) its title. */
function drawColorbar(ctx: CanvasRenderingContext2D, style: HeatmapStyle, palette: Palette, l: Layout): void {
  const barW = 12;
  const grad = ctx.createLinearGradient(0, l.top + l.height, 0, l.top);
  for (let k = 0; k <= 16; k++) grad.addColorStop(k / 16, rgbCss(style.colormap.at(k / 16)));
  ctx.fillStyle = grad;
  ctx.fillRect(l.barX, l.top, barW, l.height);
  ctx.strokeStyle = palette.border;
  ctx.strokeRect(l.barX - 0.5, l.top - 0.5, barW + 1, l.height + 1);
  ctx.fillStyle = palette.muted;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  for (const t of colorbarTicks(style)) {
    ctx.fillText(fmt(t, 2), l.barX + barW + 4, l.top + l.height * (1 - normalize(t, style)));
  }
  if (style.compact) return;
  ctx.save();
  ctx.fillStyle = palette.foreground;
  ctx.translate(l.totalW - 8, l.top + l.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText(style.colorbarLabel, 0, 0);
  ctx.restore();
}

export class Heatmap {
  readonly canvas: HTMLCanvasElement;
  private data: HeatmapData | null = null;
  private style: HeatmapStyle | null = null;
  private palette: Palette | null = null;
  private cssW = 0;
  private readonly resize: ResizeObserver;

  constructor(parent: HTMLElement, private readonly cssH: number, onHover: (text: string) => void) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'heatmap';
    parent.appendChild(this.canvas);
    this.canvas.addEventListener('mousemove', (e) => onHover(this.describe(e.offsetX, e.offsetY)));
    this.canvas.addEventListener('mouseleave', () => onHover(''));
    this.resize = new ResizeObserver(() => this.draw());
    this.resize.observe(parent);
  }

  /** Stops following the size of a container that is being removed. */
  dispose(): void {
    this.resize.disconnect();
  }

  set(data: HeatmapData, style: HeatmapStyle, palette: Palette): void {
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', `Heatmap of ${style.colorbarLabel}: ${style.yLabel} (${data.rows}) by ${style.xLabel} (${data.cols})`);
    this.data = data;
    this.style = style;
    this.palette = palette;
    this.draw();
  }

  private describe(x: number, y: number): string {
    const { data, style } = this;
    if (!data || !style) return '';
    const l = layout(style, this.cssW, this.cssH);
    const col = Math.floor(((x - l.left) / l.width) * data.cols);
    let row = Math.floor(((y - l.top) / l.height) * data.rows);
    if (style.rowOrigin === 'bottom') row = data.rows - 1 - row;
    if (col < 0 || col >= data.cols || row < 0 || row >= data.rows) return '';
    return `${style.xLabel} ${style.colName(col)}, ${style.yLabel} ${style.rowName(row)}: ${fmt(data.values[row * data.cols + col])}`;
  }

  draw(): void {
    const { data, style, palette } = this;
    const parent = this.canvas.parentElement;
    if (!data || !style || !palette || !parent) return;
    this.cssW = Math.max(120, parent.clientWidth);
    const ctx = this.resizeCanvas();
    if (!ctx) return;
    const l = layout(style, this.cssW, this.cssH);
    if (!paintCells(ctx, data, style, l)) return;
    ctx.strokeStyle = palette.border;
    ctx.lineWidth = 1;
    ctx.strokeRect(l.left - 0.5, l.top - 0.5, l.width + 1, l.height + 1);
    drawAxes(ctx, data, style, palette, l);
    drawColorbar(ctx, style, palette, l);
  }

  /** Sizes the canvas to its CSS box at the device pixel ratio; a cleared context in CSS pixels. */
  private resizeCanvas(): CanvasRenderingContext2D | null {
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(this.cssW * dpr);
    this.canvas.height = Math.round(this.cssH * dpr);
    this.canvas.style.width = `${this.cssW}px`;
    this.canvas.style.height = `${this.cssH}px`;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return null;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.cssW, this.cssH);
    return ctx;
  }

  /** The heatmap as SVG elements at (x, y) with the given size, for standalone or composed exports. */
  svgGroup(x: number, y: number, w: number, h: number): string {
    const { data, style, palette } = this;
    if (!data || !style || !palette) return '';
    const l = layout(style, w, h);
    const cw = l.width / data.cols;
    const ch = l.height / data.rows;
    const parts: string[] = [`<g transform="translate(${x},${y})" font-size="${style.compact ? 10 : 11}">`];
    // crispEdges: no anti-aliased seams between neighbouring cells.
    parts.push('<g shape-rendering="crispEdges">');
    for (let r = 0; r < data.rows; r++) {
      const yy = rowY(r, data, style, l);
      for (let c = 0; c < data.cols; c++) {
        const v = data.values[r * data.cols + c];
        if (!Number.isFinite(v)) continue;
        parts.push(`<rect x="${(l.left + c * cw).toFixed(2)}" y="${yy.toFixed(2)}" width="${(cw + 0.05).toFixed(2)}" height="${(ch + 0.05).toFixed(2)}" fill="${rgbCss(style.colormap.at(normalize(v, style)))}"><title>${esc(fmt(v))}</title></rect>`);
      }
    }
    parts.push('</g>');
    parts.push(`<rect x="${l.left}" y="${l.top}" width="${l.width}" height="${l.height}" fill="none" stroke="${palette.border}"/>`);
    for (const c of colTicks(data.cols, style, l.width)) {
      parts.push(`<text x="${l.left + (c + 0.5) * cw}" y="${l.top + l.height + 14}" text-anchor="middle" fill="${palette.muted}">${esc(style.colName(c))}</text>`);
    }
    for (const r of rowTicks(data.rows, style, l.height)) {
      parts.push(`<text x="${l.left - 5}" y="${rowY(r, data, style, l) + ch / 2 + 4}" text-anchor="end" fill="${palette.muted}">${esc(style.rowName(r))}</text>`);
    }
    if (!style.compact) {
      parts.push(`<text x="${l.left + l.width / 2}" y="${h - 4}" text-anchor="middle" fill="${palette.foreground}">${esc(style.xLabel)}</text>`);
      parts.push(`<text transform="translate(14,${l.top + l.height / 2}) rotate(-90)" text-anchor="middle" fill="${palette.foreground}">${esc(style.yLabel)}</text>`);
    }
    const gid = `cb${Math.round(x)}_${Math.round(y)}`;
    parts.push(`<defs><linearGradient id="${gid}" x1="0" y1="1" x2="0" y2="0">`);
    for (let k = 0; k <= 16; k++) parts.push(`<stop offset="${k / 16}" stop-color="${rgbCss(style.colormap.at(k / 16))}"/>`);
    parts.push('</linearGradient></defs>');
    parts.push(`<rect x="${l.barX}" y="${l.top}" width="12" height="${l.height}" fill="url(#${gid})" stroke="${palette.border}"/>`);
    for (const t of colorbarTicks(style)) {
      parts.push(`<text x="${l.barX + 16}" y="${l.top + l.height * (1 - normalize(t, style)) + 4}" fill="${palette.muted}">${esc(fmt(t, 2))}</text>`);
    }
    if (!style.compact) {
      parts.push(`<text transform="translate(${w - 6},${l.top + l.height / 2}) rotate(-90)" text-anchor="middle" fill="${palette.foreground}">${esc(style.colorbarLabel)}</text>`);
    }
    parts.push('</g>');
    return parts.join('');
  }

  get cssWidth(): number { return this.cssW; }
  get cssHeight(): number { return this.cssH; }
}

export function esc(s: string): string {
  return s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch);
}

/** A standalone SVG document wrapping body elements, with a background and font that match the theme. */
export function svgDocument(w: number, h: number, palette: Palette, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="system-ui, sans-serif" font-size="12">`
    + `<rect width="100%" height="100%" fill="${palette.background}"/>${body}</svg>\n`;
}
