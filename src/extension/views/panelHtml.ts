// The page of a VS Code webview (dashboard panel or live side view): the shared shell with the panel's strict CSP,
// its script and style loaded from the extension's webview URIs. No vscode import, so tests render it directly.
import { escapeHtml, pageHtml, type WebviewKind } from '../../runner/pageHtml';

export interface PanelHtmlOptions {
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

/** The Content-Security-Policy of a VS Code panel: nothing runs or loads unless it comes from the extension or carries the nonce. */
function webviewCsp(cspSource: string, nonce: string): string {
  return `default-src 'none'; img-src ${cspSource} data: blob:; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}'; font-src ${cspSource}`;
}

export function panelHtml(o: PanelHtmlOptions): string {
  const nonce = escapeHtml(o.nonce);
  return pageHtml({
    csp: webviewCsp(o.cspSource, o.nonce),
    title: o.title,
    kind: o.kind,
    head: `<link rel="stylesheet" href="${escapeHtml(o.styleUri)}" nonce="${nonce}">`,
    tail: `<script nonce="${nonce}" src="${escapeHtml(o.scriptUri)}"></script>`,
  });
}
