// Colormaps for heatmaps. Sequential maps suit non-negative quantities (σ gates in [0,1], gradient norms on a log
// scale); diverging maps suit signed quantities centred on 0 (tanh gates, hidden and cell states).

export type Rgb = readonly [number, number, number];

export interface Colormap {
  name: string;
  /** Color at u ∈ [0,1]; values outside are clamped. */
  at(u: number): Rgb;
}

function hex(h: string): Rgb {
  const n = parseInt(h.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Piecewise-linear interpolation between evenly spaced color stops. */
function stopsColormap(name: string, stops: readonly Rgb[]): Colormap {
  return {
    name,
    at(u: number): Rgb {
      const x = Math.min(1, Math.max(0, Number.isFinite(u) ? u : 0)) * (stops.length - 1);
      const i = Math.min(stops.length - 2, Math.floor(x));
      const f = x - i;
      const a = stops[i];
      const b = stops[i + 1];
      return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
    },
  };
}

/** Dark violet → blue → teal → green → yellow: monotone in lightness, so magnitude reads without a legend lookup. */
export const sequential = stopsColormap('sequential',
  ['#1b0c41', '#3b2a85', '#2c5c9a', '#21918c', '#5ec962', '#fde725'].map(hex));

/** Blue (negative) → neutral (0) → red (positive). The neutral centre follows the theme so 0 blends into the page. */
export function diverging(centre: 'light' | 'dark'): Colormap {
  const mid = centre === 'light' ? '#f4f4f4' : '#2a2a2e';
  return stopsColormap(`diverging-${centre}`,
    ['#1f4e9c', '#4a90d9', mid, '#e0604a', '#a5182a'].map(hex));
}

export function rgbCss([r, g, b]: Rgb): string {
  return `rgb(${Math.round(r)},${Math.round(g)},${Math.round(b)})`;
}
