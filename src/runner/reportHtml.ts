// The offline HTML report: one self-contained page (inline script, styles and data; no remote loads) that boots
// the same dashboard bundle as the VS Code panel, in standalone mode.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pageHtml } from './pageHtml';
import type { RunSnapshot } from './events';
import { packSnapshot } from './reportPack';

export interface ReportOptions {
  title: string;
  /** Contents of dist/webview/dashboard.js. */
  scriptJs: string;
  /** Contents of dist/webview/dashboard.css. */
  cssText: string;
  /** A run's metrics.jsonl relative to the report, for the full data behind a decimated curve. */
  metricsHref?: (runId: string) => string | undefined;
}

/** Keeps a `</script>` / `</style>` inside inlined text from ending the element early (`<\/` means `</` in JS strings and regexes). */
function inlineSafe(text: string, tag: 'script' | 'style'): string {
  return text.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1');
}

/** Source-map comments point at files that do not travel with a single-file report. */
function withoutSourceMap(text: string): string {
  return text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n').replace(/\/\*# sourceMappingURL=\S+ \*\/\s*$/, '');
}

/** JSON that can sit inside <script type="application/json">: every `<` escaped, so no markup can close it. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function renderReportHtml(snapshots: RunSnapshot[], opts: ReportOptions): string {
  if (snapshots.length === 0) throw new Error('renderReportHtml: no runs to report (snapshots is empty)');
  const nonce = randomBytes(18).toString('base64');
  // No host: the data is in the page, blob: serves downloads, data: the exported PNGs.
  const csp = `default-src 'none'; img-src data: blob:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'`;
  return pageHtml({
    csp,
    title: opts.title,
    kind: 'dashboard',
    head: `<style nonce="${nonce}">\n${inlineSafe(withoutSourceMap(opts.cssText), 'style')}\n</style>`,
    tail: `<script type="application/json" id="seqlab-data">${jsonForScript({ packed: snapshots.map((s) => packSnapshot(s, opts.metricsHref?.(s.runId))) })}</script>\n`
      + `<script nonce="${nonce}">\n${inlineSafe(withoutSourceMap(opts.scriptJs), 'script')}\n</script>`,
  });
}

/**
 * Reads the built dashboard bundle from an extension or package root (the folder holding dist/).
 * Throws naming the missing file when the bundle was not built.
 */
export function readDashboardAssets(root: string): { scriptJs: string; cssText: string } {
  const js = join(root, 'dist', 'webview', 'dashboard.js');
  const css = join(root, 'dist', 'webview', 'dashboard.css');
  for (const f of [js, css]) {
    if (!existsSync(f)) throw new Error(`Dashboard bundle not found: ${f} is missing. Build it with "npm run build" (node scripts/build.mjs).`);
  }
  return { scriptJs: readFileSync(js, 'utf8'), cssText: readFileSync(css, 'utf8') };
}
