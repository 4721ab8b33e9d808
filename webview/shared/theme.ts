// Chart colors come from VS Code's theme variables, read from the computed style so light, dark and high-contrast
// themes (and the standalone report's fallbacks) all work; a change of the body's theme class triggers a redraw.

export interface Palette {
  background: string;
  foreground: string;
  muted: string;
  grid: string;
  border: string;
  /** Distinct series colors: the --vscode-charts-* set first. */
  series: string[];
  red: string;
  kind: 'light' | 'dark' | 'high-contrast';
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

function themeKind(): Palette['kind'] {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast') || c.contains('vscode-high-contrast-light')) {
    return c.contains('vscode-high-contrast-light') ? 'light' : 'high-contrast';
  }
  return c.contains('vscode-light') ? 'light' : 'dark';
}

export function readPalette(): Palette {
  const s = getComputedStyle(document.body);
  const kind = themeKind();
  const fg = cssVar(s, '--vscode-foreground', kind === 'light' ? '#3b3b3b' : '#cccccc');
  const v = (n: string, f: string) => cssVar(s, n, f);
  return {
    kind,
    background: v('--vscode-editor-background', kind === 'light' ? '#ffffff' : '#1e1e1e'),
    foreground: fg,
    muted: v('--vscode-descriptionForeground', kind === 'light' ? '#717171' : '#9d9d9d'),
    // High-contrast borders are loud by design; grid lines stay quiet so the data keeps the contrast.
    grid: kind === 'high-contrast' ? '#3a3a3a' : v('--vscode-editorWidget-border', kind === 'light' ? '#e5e5e5' : '#3c3c3c'),
    border: v('--vscode-panel-border', kind === 'light' ? '#d4d4d4' : '#454545'),
    red: v('--vscode-charts-red', '#f14c4c'),
    series: [
      v('--vscode-charts-blue', '#3794ff'),
      v('--vscode-charts-orange', '#d18616'),
      v('--vscode-charts-green', '#89d185'),
      v('--vscode-charts-purple', '#b180d7'),
      v('--vscode-charts-red', '#f14c4c'),
      v('--vscode-charts-yellow', '#cca700'),
      kind === 'light' ? '#008080' : '#4ec9b0',
      kind === 'light' ? '#795e26' : '#dcdcaa',
    ],
  };
}

/** Calls `onChange` when VS Code switches theme (it swaps the body class and the --vscode-* variables). */
export function watchTheme(onChange: () => void): void {
  let last = document.body.className;
  new MutationObserver(() => {
    if (document.body.className !== last) {
      last = document.body.className;
      onChange();
    }
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
