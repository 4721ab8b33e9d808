// Shared setup for the webview browser tests: Debian's chromium through playwright-core, pages that record
// console errors, page errors and CSP violations, and helpers to read what the dashboard drew.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';
const missing = existsSync(chromiumPath) ? undefined : `${chromiumPath} is missing (install Debian's chromium)`;
// On CI (.ci/run sets CI=true and installs chromium) a missing browser is a failure, not a skip: launch() throws.
export const skipReason = process.env.CI ? undefined : missing;
export const repoRoot = join(import.meta.dirname, '..', '..');
export const artifactsDir = join(repoRoot, 'test-artifacts', 'webview');

export async function launch(): Promise<Browser> {
  if (missing) throw new Error(`the webview browser tests need chromium: ${missing}`);
  mkdirSync(artifactsDir, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface WatchedPage { page: Page; problems: string[] }

/** A page whose console errors, uncaught exceptions and CSP violations are collected in `problems`. */
export async function watchedPage(browser: Browser, colorScheme: 'dark' | 'light' = 'dark'): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme, acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console.error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  // tsx compiles this test with esbuild's keepNames, which wraps functions passed to page.evaluate in __name().
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.exposeFunction('__reportCspViolation', (text: string) => { problems.push(`CSP violation: ${text}`); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportCspViolation(t: string): void }).__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  return { page, problems };
}

/** Waits until the dashboard has drawn (two animation frames after the last change). */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/** Number of canvas pixels that are not transparent and not the page background, per canvas matching `selector`. */
export async function paintedPixels(page: Page, selector: string): Promise<number[]> {
  return page.$$eval(selector, (canvases) => canvases.map((c) => {
    const cv = c as HTMLCanvasElement;
    const d = cv.getContext('2d')?.getImageData(0, 0, cv.width, cv.height).data;
    if (!d) return 0;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0) n++;
    return n;
  }));
}

/** A cheap fingerprint of a canvas's pixels, to tell whether a redraw changed it. */
export async function canvasHash(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (c) => {
    const cv = c as HTMLCanvasElement;
    const d = cv.getContext('2d')?.getImageData(0, 0, cv.width, cv.height).data ?? new Uint8ClampedArray();
    let h = 2166136261;
    for (let i = 0; i < d.length; i += 7) h = Math.imul(h ^ d[i], 16777619);
    return `${cv.width}x${cv.height}:${h >>> 0}`;
  });
}

export async function dataAttr(page: Page, selector: string, name: string): Promise<string | null> {
  return page.$eval(selector, (el, n) => el.getAttribute(n), name);
}

/** What VS Code gives a webview: theme variables on <html> and a theme class on <body>. */
export async function emulateVsCodeTheme(page: Page): Promise<void> {
  const vars: Record<string, string> = {
    '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px',
    '--vscode-editor-background': '#1e1e1e', '--vscode-sideBar-background': '#181818', '--vscode-foreground': '#cccccc',
    '--vscode-descriptionForeground': '#9d9d9d', '--vscode-panel-border': '#2b2b2b', '--vscode-focusBorder': '#0078d4',
    '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#d18616', '--vscode-charts-green': '#89d185',
    '--vscode-charts-red': '#f14c4c', '--vscode-charts-purple': '#b180d7', '--vscode-charts-yellow': '#cca700',
    '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff',
    '--vscode-button-secondaryBackground': '#313131', '--vscode-button-secondaryForeground': '#cccccc',
  };
  await page.addInitScript((v) => {
    let styled = false;
    new MutationObserver((_records, observer) => {
      if (!styled && document.documentElement) {
        for (const [k, val] of Object.entries(v)) document.documentElement.style.setProperty(k, val);
        styled = true;
      }
      if (document.body) { document.body.classList.add('vscode-dark'); observer.disconnect(); }
    }).observe(document, { childList: true, subtree: true });
  }, vars);
}
