// The HTML shell of every SeqLab page: the VS Code panels (src/extension/views/panelHtml.ts) and the offline report
// (reportHtml.ts). Pure string building: no vscode, no fs.

export type WebviewKind = 'dashboard' | 'live';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export interface PageParts {
  csp: string;
  title: string;
  kind: WebviewKind;
  /** Trusted markup for the head (style links or inline styles carrying the nonce). */
  head: string;
  /** Trusted markup placed after the app root (data blocks and scripts carrying the nonce). */
  tail: string;
}

export function pageHtml(p: PageParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(p.csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(p.title)}</title>
${p.head}
</head>
<body class="seqlab-${p.kind}">
<div id="app"></div>
${p.tail}
</body>
</html>
`;
}
