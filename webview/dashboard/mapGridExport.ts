// PNG or SVG export of a titled grid of heatmaps: the gate maps of a recurrent layer, the attention heads of a
// Transformer layer.
import { Heatmap, esc, svgDocument } from '../shared/heatmap';
import type { ViewContext } from './context';

export interface TitledMap {
  title: string;
  map: Heatmap;
}

/** Up to three maps per row under `title`, handed to the host as `fileName`. */
export function exportMapGrid(ctx: ViewContext, maps: readonly TitledMap[], title: string, fileName: string, format: 'png' | 'svg'): void {
  if (maps.length === 0) return;
  const cols = Math.min(maps.length, 3);
  const cw = Math.max(...maps.map((m) => m.map.cssWidth)), chh = maps[0].map.cssHeight + 22;
  const W = cols * cw, H = Math.ceil(maps.length / cols) * chh + 30;
  const at = (k: number) => ({ x: (k % cols) * cw, y: 30 + Math.floor(k / cols) * chh });
  if (format === 'svg') {
    const parts = [`<text x="8" y="20" font-weight="600" fill="${ctx.palette.foreground}">${esc(title)}</text>`];
    maps.forEach(({ title: t, map }, k) => {
      const { x, y } = at(k);
      parts.push(`<text x="${x + 8}" y="${y + 14}" font-size="11" fill="${ctx.palette.foreground}">${esc(t)}</text>`);
      parts.push(map.svgGroup(x, y + 20, cw, chh - 22));
    });
    ctx.host.exportFile('svg', fileName, svgDocument(W, H, ctx.palette, parts.join('')));
    return;
  }
  const dpr = window.devicePixelRatio || 1;
  const out = document.createElement('canvas');
  out.width = Math.round(W * dpr);
  out.height = Math.round(H * dpr);
  const c2 = out.getContext('2d');
  if (!c2) return;
  c2.scale(dpr, dpr);
  c2.fillStyle = ctx.palette.background;
  c2.fillRect(0, 0, W, H);
  const font = getComputedStyle(document.body).fontFamily;
  c2.fillStyle = ctx.palette.foreground;
  c2.font = `600 13px ${font}`;
  c2.fillText(title, 8, 20);
  c2.font = `11px ${font}`;
  maps.forEach(({ title: t, map }, k) => {
    const { x, y } = at(k);
    c2.fillStyle = ctx.palette.foreground;
    c2.fillText(t, x + 8, y + 14);
    c2.drawImage(map.canvas, x, y + 20, map.cssWidth, map.cssHeight);
  });
  ctx.host.exportFile('png', fileName, out.toDataURL('image/png'));
}
