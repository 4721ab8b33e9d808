// The HTML shell of SeqLab's webviews, shared by the VS Code panels (scripts and styles from webview URIs)
// and the standalone report (inlined). Pure string building: no vscode, no fs.

export type WebviewKind = 'dashboard' | 'live';

export interface DashboardHtmlOptions {
  /** webview.cspSource of the panel. */
  cspSource: string;
  /** A fresh random nonce per page load (base64 or hex). */
  nonce: string;
  /** URIs (as strings) of dist/webview/<kind>.js and dist/webview/<kind>.css. */
  scriptUri: string;
  styleUri: string;
  title: string;
  kind: WebviewKind;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** The Content-Security-Policy of a VS Code panel: nothing runs or loads unless it comes from the extension or carries the nonce. */
export function webviewCsp(cspSource: string, nonce: string): string {
  return `default-src 'none'; img-src ${cspSource} data: blob:; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}'; font-src ${cspSource}`;
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

export function dashboardHtml(o: DashboardHtmlOptions): string {
  const nonce = escapeHtml(o.nonce);
  return pageHtml({
    csp: webviewCsp(o.cspSource, o.nonce),
    title: o.title,
    kind: o.kind,
    head: `<link rel="stylesheet" href="${escapeHtml(o.styleUri)}" nonce="${nonce}">`,
    tail: `<script nonce="${nonce}" src="${escapeHtml(o.scriptUri)}"></script>`,
  });
}
