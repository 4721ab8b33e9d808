// The sequence-to-sequence alignment panel in a real browser: the offline report of a recorded reversal run
// (test/fixtures/runs/webview-reverse, written by makeSeq2SeqFixture.ts) and the VS Code panel page streaming records.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { panelHtml } from '../../src/extension/views/panelHtml';
import { readDashboardAssets, renderReportHtml } from '../../src/runner/reportHtml';
import type { AlignmentRecord, HostMessage, RunSnapshot, WebviewMessage } from '../../src/shared/protocol';
import { artifactsDir, canvasHash, dataAttr, emulateVsCodeTheme, launch, paintedPixels, repoRoot, settle, skipReason, watchedPage } from './browser';
import { loadFixtureRun } from './fixtureRuns';

let browser: Browser;
before(async () => { if (!skipReason) browser = await launch(); });
after(async () => { await browser?.close(); });

const reverse = () => loadFixtureRun('webview-reverse');
const alignments = (s: RunSnapshot) => s.records.filter((r): r is AlignmentRecord => r.kind === 'alignment');

/** Opens the offline report of the runs (the dashboard bundle must be built: node scripts/build.mjs). */
async function openReport(runs: RunSnapshot[], name: string) {
  const file = join(artifactsDir, `${name}.html`);
  writeFileSync(file, renderReportHtml(runs, { title: name, ...readDashboardAssets(repoRoot) }));
  const w = await watchedPage(browser);
  await w.page.goto(`file://${file}`);
  await w.page.waitForSelector('#card-loss .line-chart[data-point-count]', { state: 'attached', timeout: 10_000 });
  await settle(w.page);
  return w;
}

/** The VS Code panel page under its CSP, with a stand-in acquireVsCodeApi that records what the page posts. */
async function openPanel(): Promise<{ page: Page; problems: string[]; posted: () => Promise<WebviewMessage[]>; send: (m: HostMessage) => Promise<void> }> {
  const w = await watchedPage(browser);
  await emulateVsCodeTheme(w.page);
  const origin = 'https://webview.seqlab.test';
  const html = panelHtml({ cspSource: origin, nonce: 'bm9uY2UtZm9yLXRlc3Q=', scriptUri: `${origin}/dist/webview/dashboard.js`, styleUri: `${origin}/dist/webview/dashboard.css`, title: 'SeqLab', kind: 'dashboard' });
  await w.page.route(`${origin}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/index.html') return route.fulfill({ contentType: 'text/html', body: html });
    return route.fulfill({ contentType: path.endsWith('.js') ? 'text/javascript' : 'text/css', body: readFileSync(join(repoRoot, path)) });
  });
  await w.page.addInitScript(() => {
    const posted: unknown[] = [];
    Object.assign(window, { __posted: posted, acquireVsCodeApi: () => ({ postMessage: (m: unknown) => posted.push(m), getState: () => undefined, setState: () => undefined }) });
  });
  await w.page.goto(`${origin}/index.html`);
  return {
    ...w,
    posted: () => w.page.evaluate(() => (window as unknown as { __posted: WebviewMessage[] }).__posted),
    send: async (m) => { await w.page.evaluate((msg) => window.postMessage(msg, '*'), m); await settle(w.page); },
  };
}

test('report: the alignment heatmap is labelled with tokens, its step slider shows it forming, and the tables list examples and beams', { skip: skipReason }, async () => {
  const run = reverse();
  const recs = alignments(run);
  const latest = recs.filter((r) => r.probe === 0).pop()!;
  const { page, problems } = await openReport([run], 'report-reverse');
  assert.equal(await page.isVisible('#card-alignment'), true);
  assert.equal(await page.isVisible('#card-task'), false, 'the generic task card has nothing to show for this run');
  assert.equal(await dataAttr(page, '#card-alignment', 'data-step'), String(latest.step));
  assert.equal(await dataAttr(page, '#card-alignment', 'data-rows'), String(latest.weights.length));
  assert.equal(await dataAttr(page, '#card-alignment', 'data-cols'), String(latest.source.length));
  const [painted] = await paintedPixels(page, '#card-alignment canvas.heatmap');
  assert.ok(painted > 20_000, `alignment heatmap mostly blank (${painted} pixels)`);
  // Hovering the first row's brightest cell reads out its tokens: the reversal's first output is the last source token.
  const canvas = (await page.$('#card-alignment canvas.heatmap'))!;
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  const cols = latest.source.length, rows = latest.weights.length;
  const plotW = box.width - 52 - 78, plotH = 320 - 6 - 36;
  await page.mouse.move(box.x + 52 + (cols - 0.5) * (plotW / cols), box.y + 6 + 0.5 * (plotH / rows));
  assert.match(await page.textContent('#card-alignment .readout') ?? '', new RegExp(`^source token ${latest.source[cols - 1]}, decoded token ${latest.target[0]}: 0\\.[5-9]`));
  assert.deepEqual(await page.$$eval('#align-probe vscode-option', (o) => o.map((x) => x.textContent)), ['probe 0', 'probe 1']);

  const before = await canvasHash(page, '#card-alignment canvas.heatmap');
  await page.focus('#align-step');
  await page.keyboard.press('Home');
  await settle(page);
  assert.equal(await dataAttr(page, '#card-alignment', 'data-step'), '0');
  assert.notEqual(await canvasHash(page, '#card-alignment canvas.heatmap'), before, 'the slider did not change the heatmap');
  assert.match(await page.textContent('#card-alignment .slider-value') ?? '', /^0$/);
  await page.screenshot({ path: join(artifactsDir, 'alignment-step0.png'), fullPage: true });
  await page.keyboard.press('End');
  await settle(page);
  assert.match(await page.textContent('#card-alignment .slider-value') ?? '', /\(latest\)$/);

  const tr = run.taskRecords.filter((t) => t.kind === 'translations').pop()!;
  assert.equal(tr.kind, 'translations');
  assert.equal(await page.$$eval('table.translations tbody tr', (r) => r.length), tr.kind === 'translations' ? tr.examples.length : -1);
  assert.deepEqual(await page.$$eval('table.translations thead th', (h) => h.map((x) => x.textContent)), ['source', 'reference', 'greedy', 'BLEU', 'beam', 'BLEU']);
  assert.equal(await page.$$eval('table.beams tbody tr', (r) => r.length), 3);
  await page.screenshot({ path: join(artifactsDir, 'alignment-latest.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('report: runs without alignments keep the alignment card hidden', { skip: skipReason }, async () => {
  const { page, problems } = await openReport([loadFixtureRun('webview-lstm')], 'report-no-alignment');
  assert.equal(await page.isVisible('#card-alignment'), false);
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('panel: streamed alignment records extend the slider and follow the latest step; the heatmap exports', { skip: skipReason }, async () => {
  const run = reverse();
  const recs = alignments(run);
  const cut = recs[Math.floor(recs.length / 2)].step;
  const head: RunSnapshot = { ...run, records: run.records.filter((r) => r.kind !== 'alignment' || r.step < cut), taskRecords: [] };
  const { page, problems, posted, send } = await openPanel();
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  await send({ type: 'snapshot', runs: [head], live: true });
  const stepsBefore = new Set(recs.filter((r) => r.step < cut && r.probe === 0).map((r) => r.step)).size;
  assert.equal(await page.$eval('#align-step', (el) => (el as HTMLInputElement).max), String(stepsBefore - 1));
  await send({ type: 'append', runId: run.runId, records: recs.filter((r) => r.step >= cut), taskRecords: run.taskRecords });
  const all = new Set(recs.filter((r) => r.probe === 0).map((r) => r.step));
  // Streamed records redraw the views paced by their drawing time: wait for it rather than for one frame.
  await page.waitForFunction((max) => (document.getElementById('align-step') as HTMLInputElement | null)?.max === max, String(all.size - 1));
  assert.equal(await dataAttr(page, '#card-alignment', 'data-step'), String(Math.max(...all)));
  assert.equal(await page.$$eval('table.translations tbody tr', (r) => r.length) > 0, true);
  await page.click('#card-alignment .export-svg');
  const exp = (await posted()).filter((m): m is Extract<WebviewMessage, { type: 'export' }> => m.type === 'export');
  assert.equal(exp.length, 1);
  assert.match(exp[0].fileName, /^alignment-webview-reverse-probe0-step\d+\.svg$/);
  const last = recs.filter((r) => r.probe === 0).pop()!;
  for (const tok of new Set(last.source)) assert.ok(exp[0].data.includes(`>${tok}</text>`), `SVG lacks the source token ${tok}`);
  assert.deepEqual(problems, []);
  await page.context().close();
});
