// The dashboard in a real browser: the offline report built by renderReportHtml from recorded runs, and the
// VS Code panel page (panelHtml) driven through a stand-in acquireVsCodeApi, both under their strict CSP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { readDashboardAssets, renderReportHtml } from '../../src/runner/reportHtml';
import type { HostMessage, RunSnapshot, StepRecord, TaskRecord, WebviewMessage } from '../../src/shared/protocol';
import { fmtDuration } from '../../src/shared/format';
import { panelHtml } from '../../src/extension/views/panelHtml';
import { artifactsDir, canvasHash, dataAttr, emulateVsCodeTheme, launch, paintedPixels, repoRoot, settle, skipReason, watchedPage } from './browser';
import { loadFixtureRun } from './fixtureRuns';
import { loadExperiments } from '../../src/runner/experiment';
import { startRun } from '../../src/runner/run';
import { readSnapshot } from '../../src/runner/snapshot';
import { tempWorkspace } from '../helpers/workspace';

/** No console errors, page errors or CSP violations were seen. */
function assertClean(problems: readonly string[]): void {
  assert.equal(problems.length, 0, `page problems:\n${problems.join('\n')}`);
}

let browser: Browser;
let assets: { scriptJs: string; cssText: string };

/** Newest modification time of the files under the given paths. */
function newest(paths: string[]): number {
  return Math.max(...paths.map((p) => {
    const st = statSync(p);
    return st.isDirectory() ? newest(readdirSync(p).map((n) => join(p, n))) : st.mtimeMs;
  }));
}

before(async () => {
  if (skipReason) return;
  // `npm test` builds first; rebuild here only when the webview sources are newer than the bundle.
  const bundle = join(repoRoot, 'dist', 'webview', 'dashboard.js');
  const sources = ['webview', 'media', 'src/shared', 'src/runner/events.ts'].map((p) => join(repoRoot, p));
  if (!existsSync(bundle) || newest(sources) > Math.min(statSync(bundle).mtimeMs, statSync(join(repoRoot, 'dist', 'webview', 'live.js')).mtimeMs)) {
    const build = spawnSync(process.execPath, ['scripts/build.mjs', 'webview'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(build.status, 0, `webview build failed:\n${build.stderr}`);
  }
  assets = readDashboardAssets(repoRoot);
  browser = await launch();
});
after(async () => { await browser?.close(); });

/** Writes a report for the runs and opens it from disk, as a user opening the exported file would. */
async function openReport(runs: RunSnapshot[], name: string, colorScheme: 'dark' | 'light' = 'dark', metricsHref?: (runId: string) => string) {
  const file = join(artifactsDir, `${name}.html`);
  writeFileSync(file, renderReportHtml(runs, { title: `SeqLab report — ${name}`, metricsHref, ...assets }));
  const w = await watchedPage(browser, colorScheme);
  await w.page.goto(`file://${file}`);
  await w.page.waitForSelector('#card-loss .line-chart[data-point-count]', { state: 'attached', timeout: 10_000 });
  await settle(w.page);
  return w;
}

const lstm = () => loadFixtureRun('webview-lstm');
const steps = (s: RunSnapshot) => s.records.filter((r): r is StepRecord => r.kind === 'step');

test('report: every plot of a run has data, with no console errors or CSP violations', { skip: skipReason }, async () => {
  const run = lstm();
  const { page, problems } = await openReport([run], 'report-lstm');
  const stepCount = steps(run).length;
  const evalSteps = run.records.filter((r) => r.kind === 'eval').map((r) => r.step);
  const xCount = new Set([...steps(run).map((s) => s.step), ...evalSteps]).size;
  assert.equal(await dataAttr(page, '#card-loss .line-chart', 'data-point-count'), String(xCount));
  // raw + smoothed training loss + validation
  assert.equal(await dataAttr(page, '#card-loss .line-chart', 'data-series-count'), '3');
  // global before/after clipping + 10 parameter tensors
  assert.equal(await dataAttr(page, '#card-grads .line-chart', 'data-series-count'), String(2 + Object.keys(steps(run)[0].paramGradNorms).length));
  assert.ok(stepCount > 50);

  const flows = run.records.filter((r) => r.kind === 'gradflow');
  assert.equal(await dataAttr(page, '#card-gradflow', 'data-columns'), String(flows.length));
  assert.equal(await dataAttr(page, '#card-gradflow', 'data-rows'), '50');
  const [heat] = await paintedPixels(page, '#card-gradflow canvas.heatmap');
  const heatSize = await page.$eval('#card-gradflow canvas.heatmap', (c) => (c as HTMLCanvasElement).width * (c as HTMLCanvasElement).height);
  assert.ok(heat > heatSize * 0.5, `gradient-flow heatmap mostly blank: ${heat} of ${heatSize} pixels painted`);
  assert.match(await page.textContent('#card-gradflow .verdict') ?? '', /^Step 300: .*good flow/);

  // The LSTM records i, f, g, o, c and h: six maps, each drawn.
  const gates = await paintedPixels(page, '#card-gates canvas.heatmap');
  assert.equal(gates.length, 6);
  for (const n of gates) assert.ok(n > 1000, `a gate heatmap is blank (${n} pixels)`);
  assert.deepEqual(await page.$$eval('#card-gates figcaption', (f) => f.map((x) => x.textContent?.[0])), ['i', 'f', 'g', 'o', 'c', 'h']);

  await page.screenshot({ path: join(artifactsDir, 'dashboard-dark.png'), fullPage: true });
  // VS Code switches theme by swapping the body class: charts must redraw in the new colors.
  const before = await canvasHash(page, '#card-loss canvas');
  await page.evaluate(() => { document.body.classList.replace('vscode-dark', 'vscode-light'); });
  await settle(page);
  assert.notEqual(await canvasHash(page, '#card-loss canvas'), before, 'loss chart did not redraw on theme change');
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 255, 255)');
  await page.screenshot({ path: join(artifactsDir, 'dashboard-light.png'), fullPage: true });
  await page.evaluate(() => { document.body.classList.replace('vscode-light', 'vscode-high-contrast'); });
  await settle(page);
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(0, 0, 0)');
  await page.screenshot({ path: join(artifactsDir, 'dashboard-high-contrast.png') });
  assertClean(problems);
  assert.equal(await page.evaluate(() => document.documentElement.outerHTML.includes('sourceMappingURL')), false);
  // The watcher does see violations: an inline style attribute is one under this CSP.
  await page.evaluate(() => { const d = document.createElement('div'); d.setAttribute('style', 'color: red'); document.body.append(d); });
  await page.waitForFunction(() => true);
  await settle(page);
  assert.ok(problems.some((p) => p.startsWith('CSP violation: style-src')), `CSP watcher saw nothing: ${problems.join('; ')}`);
  await page.context().close();
});

test('report: the RNN\'s gradient vanishes over time in the heatmap (dark at t = 1, bright at t = T)', { skip: skipReason }, async () => {
  const { page, problems } = await openReport([loadFixtureRun('webview-rnn')], 'report-rnn');
  const [bottom, top] = await page.$eval('#card-gradflow canvas.heatmap', (c) => {
    const cv = c as HTMLCanvasElement;
    const ctx = cv.getContext('2d') as CanvasRenderingContext2D;
    // The plot area starts at x = 52, y = 6 CSS px (see heatmap layout); sample inside its first and last rows.
    const dpr = window.devicePixelRatio;
    const lum = (y: number) => { const d = ctx.getImageData(Math.round(200 * dpr), Math.round(y * dpr), 1, 1).data; return d[0] + d[1] + d[2]; };
    return [lum(300 - 36 - 2), lum(8)];
  });
  assert.ok(top > bottom + 150, `expected bright rows at t = T and dark at t = 1, got luminance ${top} vs ${bottom}`);
  assert.match(await page.textContent('#card-gradflow .verdict') ?? '', /vanish/);
  assertClean(problems);
  await page.context().close();
});

test('report: the gradient profile\'s log axis labels powers of ten only, far enough apart not to overlap, and draws no band of minor lines', { skip: skipReason }, async () => {
  const { page, problems } = await openReport([loadFixtureRun('webview-rnn')], 'report-rnn-profile');
  const chart = '#card-gradflow .line-chart';
  const labels = (await dataAttr(page, chart, 'data-y-labels'))?.split(' ') ?? [];
  assert.ok(labels.length >= 3, `labels: ${labels.join(' ')}`);
  assert.ok(labels.every((l) => /^(1|10|100|1000|0\.1|0\.01|0\.001|1e-?\d+)$/.test(l)), `labels: ${labels.join(' ')}`);
  const plotHeight = await page.$eval(`${chart} .u-over`, (el) => el.getBoundingClientRect().height);
  assert.ok(plotHeight / (labels.length - 1) >= 20, `${labels.length} labels on ${plotHeight} px`);
  assert.equal(await dataAttr(page, chart, 'data-minor-lines'), '0', 'decades too thin for minor lines');
  await page.locator('#card-gradflow').screenshot({ path: join(artifactsDir, 'gradflow-profile.png') });
  assertClean(problems);
  await page.context().close();
});

test('report: the training-step slider changes the gate heatmaps, and the probe and layer selectors list the records', { skip: skipReason }, async () => {
  const { page, problems } = await openReport([lstm()], 'report-gates');
  assert.equal(await dataAttr(page, '#card-gates', 'data-step'), '300');
  const latest = await canvasHash(page, '#card-gates canvas.heatmap');
  await page.focus('#gate-step');
  await page.keyboard.press('Home');
  await settle(page);
  assert.equal(await dataAttr(page, '#card-gates', 'data-step'), '100');
  assert.notEqual(await canvasHash(page, '#card-gates canvas.heatmap'), latest, 'step slider did not change the gate heatmap');
  await page.keyboard.press('ArrowRight');
  await settle(page);
  assert.equal(await dataAttr(page, '#card-gates', 'data-step'), '200');
  assert.match(await page.textContent('#card-gates .slider-value') ?? '', /^200$/);
  assert.deepEqual(await page.$$eval('#gate-probe vscode-option', (o) => o.map((x) => x.getAttribute('value'))), ['0', '1']);
  assert.deepEqual(await page.$$eval('#gate-layer vscode-option', (o) => o.map((x) => x.textContent)), ['layer 0', 'layer 1']);
  // Layer 0 recorded probe 0 at steps 100 and 300 only: switching layers re-reads the steps.
  const probe1 = await canvasHash(page, '#card-gates canvas.heatmap');
  await page.$eval('#gate-layer', (el) => { (el as HTMLElement & { value: string }).value = '0:forward'; el.dispatchEvent(new Event('change')); });
  await settle(page);
  assert.equal(await page.$eval('#gate-step', (el) => (el as HTMLInputElement).max), '1');
  assert.notEqual(await canvasHash(page, '#card-gates canvas.heatmap'), probe1);
  assertClean(problems);
  await page.context().close();
});

test('report: comparing runs overlays one curve per run, labelled by what differs between their configs', { skip: skipReason }, async () => {
  const runs = ['webview-lstm', 'webview-gru', 'webview-rnn'].map(loadFixtureRun);
  const { page, problems } = await openReport(runs, 'report-compare');
  assert.match(await page.textContent('h1') ?? '', /Comparing 3 runs/);
  assert.match(await page.textContent('.differs') ?? '', /model\.cell: lstm \/ gru \/ rnn/);
  // train + validation per run; one global gradient norm per run
  assert.equal(await dataAttr(page, '#card-loss .line-chart', 'data-series-count'), '6');
  assert.equal(await dataAttr(page, '#card-grads .line-chart', 'data-series-count'), '3');
  const legend = await page.$$eval('#card-grads .legend vscode-checkbox', (b) => b.map((x) => (x as HTMLElement & { label: string }).label));
  assert.deepEqual(legend.map((l) => /cell=(\w+)/.exec(l)?.[1]), ['lstm', 'gru', 'rnn']);
  // The detail views follow the chosen run.
  await page.$eval('#focus-run', (el) => { (el as HTMLElement & { value: string }).value = 'webview-rnn'; el.dispatchEvent(new Event('change')); });
  await settle(page);
  assert.match(await page.textContent('#card-gradflow .verdict') ?? '', /vanish/);
  await page.screenshot({ path: join(artifactsDir, 'compare-dark.png'), fullPage: true });
  assertClean(problems);
  await page.context().close();
});

test('report: a comparison listing the RNN first opens its details on the LSTM, whose gates show the most', { skip: skipReason }, async () => {
  const runs = ['webview-rnn', 'webview-gru', 'webview-lstm'].map(loadFixtureRun);
  const { page, problems } = await openReport(runs, 'report-compare-focus');
  assert.equal(await page.$eval('#focus-run', (el) => (el as HTMLElement & { value: string }).value), 'webview-lstm');
  assert.match(await page.textContent('.meta') ?? '', /details: /);
  assert.equal(await page.$$eval('#card-gates figcaption', (f) => f.length), 6, 'the LSTM\'s six gate traces');
  assertClean(problems);
  await page.context().close();
});

test('report: a long run\'s decimated curves say how many steps they show and link the full metrics.jsonl', { skip: skipReason }, async () => {
  const run = lstm();
  const template = steps(run)[0];
  const long = { ...run, records: Array.from({ length: 10_000 }, (_, i) => ({ ...template, step: i + 1, loss: i === 7777 ? 50 : 0.1 + 0.01 * Math.sin(i) })) };
  const { page, problems } = await openReport([long], 'report-long', 'dark', (id) => `${id}/metrics.jsonl`);
  assert.match(await page.textContent('.report-note') ?? '', /the curves show \d{4} of its 10000 steps/);
  assert.equal(await page.getAttribute('.report-note a', 'href'), 'webview-lstm/metrics.jsonl');
  assertClean(problems);
  await page.context().close();
});

test('report: a Transformer run shows one attention map per head with the step slider, no gates, and gradient flow at its input', { skip: skipReason }, async () => {
  const run = loadFixtureRun('webview-transformer');
  const { page, problems } = await openReport([run], 'report-transformer');
  assert.equal(await page.$eval('#card-gates', (el) => getComputedStyle(el).display), 'none', 'a Transformer has no gates');
  assert.notEqual(await page.$eval('#card-attention', (el) => getComputedStyle(el).display), 'none');
  // The top layer (1) of probe 0 at the latest step: 4 heads of 20 × 20.
  assert.deepEqual([await dataAttr(page, '#card-attention', 'data-step'), await dataAttr(page, '#card-attention', 'data-heads'),
    await dataAttr(page, '#card-attention', 'data-steps')], ['300', '4', '20']);
  const painted = await paintedPixels(page, '#card-attention canvas.heatmap');
  assert.equal(painted.length, 4);
  for (const n of painted) assert.ok(n > 1000, `an attention map is blank (${n} pixels)`);
  assert.deepEqual(await page.$$eval('#card-attention figcaption', (f) => f.map((x) => x.textContent)), ['head 1', 'head 2', 'head 3', 'head 4']);
  assert.deepEqual(await page.$$eval('#attention-layer vscode-option', (o) => o.map((x) => x.textContent)), ['layer 0', 'layer 1']);
  assert.deepEqual(await page.$$eval('#attention-probe vscode-option', (o) => o.map((x) => x.getAttribute('value'))), ['0', '1']);
  const latest = await canvasHash(page, '#card-attention canvas.heatmap');
  await page.focus('#attention-step');
  await page.keyboard.press('Home');
  await settle(page);
  assert.equal(await dataAttr(page, '#card-attention', 'data-step'), '100');
  assert.notEqual(await canvasHash(page, '#card-attention canvas.heatmap'), latest, 'the step slider did not change the attention maps');
  // Layer 0 recorded probe 0 at steps 100 and 300 only: switching layers re-reads the steps.
  await page.$eval('#attention-layer', (el) => { (el as HTMLElement & { value: string }).value = '0'; el.dispatchEvent(new Event('change')); });
  await settle(page);
  assert.equal(await page.$eval('#attention-step', (el) => (el as HTMLInputElement).max), '1');
  assert.equal(await dataAttr(page, '#card-attention', 'data-step'), '100');
  // Hovering a cell reads out its head, key, query and weight.
  const box = (await page.$('#card-attention canvas.heatmap'))!;
  const b = (await box.boundingBox())!;
  await page.mouse.move(b.x + b.width * 0.3, b.y + b.height * 0.4);
  assert.match(await page.textContent('#card-attention .readout') ?? '', /^head 1: key j \d+, query i \d+: [\d.]+/);
  assert.match(await page.textContent('#card-gradflow .caption') ?? '', /‖∂L\/∂xₜ‖ on a log scale, at the input of the Transformer/);
  assert.match(await page.textContent('#card-gradflow .verdict') ?? '', /‖∂L\/∂x₁‖ \/ ‖∂L\/∂x_T‖/);
  const [svg] = await Promise.all([page.waitForEvent('download'), page.click('#card-attention .export-svg')]);
  assert.match(svg.suggestedFilename(), /^attention-webview-transformer-layer0-step100\.svg$/);
  assert.ok((readFileSync(await svg.path(), 'utf8').match(/<rect /g) ?? []).length > 4 * 20 * 20, 'attention SVG lacks one rect per cell');
  await page.screenshot({ path: join(artifactsDir, 'attention-dark.png'), fullPage: true });
  assertClean(problems);
  await page.context().close();
});

test('report: a recurrent run shows gates and no attention card', { skip: skipReason }, async () => {
  const { page, problems } = await openReport([lstm()], 'report-no-attention');
  assert.equal(await page.$eval('#card-attention', (el) => getComputedStyle(el).display), 'none');
  assert.notEqual(await page.$eval('#card-gates', (el) => getComputedStyle(el).display), 'none');
  assert.match(await page.textContent('#card-gradflow .caption') ?? '', /‖∂L\/∂hₜ‖/);
  assertClean(problems);
  await page.context().close();
});

test('report: the comparison of a model.cell sweep labels each curve by its cell, the Transformer included', { skip: skipReason }, async () => {
  const dir = tempWorkspace({
    's.seqlab.json': {
      data: { source: 'adding', length: 8, trainSize: 16, validationSize: 4 }, model: { hiddenSize: 4, heads: 2 },
      train: { steps: 3, batchSize: 8, evalEvery: 3 }, instrumentation: { gradFlowEvery: 1, gatesEvery: 3 },
      sweep: { 'model.cell': ['rnn', 'gru', 'lstm', 'transformer'] },
    },
  });
  const runs: RunSnapshot[] = [];
  for (const exp of loadExperiments(join(dir, 's.seqlab.json'))) {
    const r = await startRun(exp);
    runs.push(readSnapshot(basename(r.runDir), r.runDir));
  }
  const { page, problems } = await openReport(runs, 'report-cell-sweep');
  assert.match(await page.textContent('.differs') ?? '', /^What differs: model\.cell: rnn \/ gru \/ lstm \/ transformer$/);
  const legend = await page.$$eval('#card-grads .legend vscode-checkbox', (b) => b.map((x) => (x as HTMLElement & { label: string }).label));
  assert.deepEqual(legend, ['cell=rnn ‖g‖', 'cell=gru ‖g‖', 'cell=lstm ‖g‖', 'cell=transformer ‖g‖']);
  const lossLegend = await page.$$eval('#card-loss .legend vscode-checkbox', (b) => b.map((x) => (x as HTMLElement & { label: string }).label));
  assert.deepEqual(lossLegend.filter((l) => l.endsWith(' train')), ['cell=rnn train', 'cell=gru train', 'cell=lstm train', 'cell=transformer train']);
  await page.$eval('#focus-run', (el, id) => { (el as HTMLElement & { value: string }).value = id; el.dispatchEvent(new Event('change')); }, runs[3].runId);
  await settle(page);
  assert.equal(await dataAttr(page, '#card-attention', 'data-heads'), '2', 'the details follow the Transformer run');
  assertClean(problems);
  await page.context().close();
});

test('report: CSV export downloads one row per run and step with the metric header', { skip: skipReason }, async () => {
  const runs = [lstm(), loadFixtureRun('webview-copy')];
  const { page, problems } = await openReport(runs, 'report-csv');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  assert.equal(download.suggestedFilename(), 'metrics-compare.csv');
  const text = readFileSync(await download.path(), 'utf8');
  const lines = text.trimEnd().split('\n');
  const params = [...new Set(runs.flatMap((r) => steps(r).flatMap((s) => Object.keys(s.paramGradNorms))))].sort();
  assert.equal(lines[0], ['runId', 'step', 'time', 'loss', 'gradNorm', 'gradNormClipped', 'lr', 'stepsPerSec', 'valLoss',
    'val.accuracy', 'val.baselineMse', ...params.map((p) => `gradNorm.${p}`)].join(','));
  const expectedRows = runs.reduce((n, r) => n + new Set(r.records.filter((x) => x.kind === 'step' || x.kind === 'eval').map((x) => x.step)).size, 0);
  assert.equal(lines.length - 1, expectedRows);
  const first = steps(runs[0])[0];
  assert.ok(lines[1].startsWith(`webview-lstm,${first.step},${first.time},${first.loss},${first.gradNorm},`), lines[1]);
  // PNG and SVG exports of a chart download too.
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('#card-loss .export-png')]);
  assert.deepEqual([...readFileSync(await png.path()).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const [svg] = await Promise.all([page.waitForEvent('download'), page.click('#card-gates .export-svg')]);
  const svgText = readFileSync(await svg.path(), 'utf8');
  assert.match(svgText, /^<\?xml[^>]*>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok((svgText.match(/<rect /g) ?? []).length > 6 * 50 * 6, 'gate SVG lacks one rect per cell');
  assertClean(problems);
  await page.context().close();
});

test('report: task views show per-step labels, the confusion matrix and forecasts with anomaly markers', { skip: skipReason }, async () => {
  const copy = await openReport([loadFixtureRun('webview-copy')], 'report-copy');
  assert.equal(await copy.page.$$eval('table.confusion tbody tr', (r) => r.length), 8);
  assert.match(await copy.page.textContent('.task-labels h3') ?? '', /19\/20 correct/);
  assert.equal(await copy.page.$$eval('table.labels td.wrong', (c) => c.length), 1);
  assertClean(copy.problems);
  await copy.page.context().close();

  const sine = await openReport([loadFixtureRun('webview-sine')], 'report-sine', 'light');
  assert.equal(await dataAttr(sine.page, '.task-forecast .line-chart', 'data-point-count'), '120');
  assert.match(await sine.page.textContent('.task-forecast .caption') ?? '', /Step 60: 2 point\(s\)/);
  await sine.page.screenshot({ path: join(artifactsDir, 'task-forecast-light.png'), fullPage: true });
  assertClean(sine.problems);
  await sine.page.context().close();
});

/** The VS Code panel page, served from a fake origin, with acquireVsCodeApi recording what the webview posts. */
async function openPanel(kind: 'dashboard' | 'live', savedState?: unknown): Promise<{ page: Page; problems: string[]; posted: () => Promise<WebviewMessage[]>; send: (m: HostMessage) => Promise<void> }> {
  const w = await watchedPage(browser);
  await emulateVsCodeTheme(w.page);
  const origin = 'https://webview.seqlab.test';
  const html = panelHtml({ cspSource: origin, nonce: 'bm9uY2UtZm9yLXRlc3Q=', scriptUri: `${origin}/dist/webview/${kind}.js`, styleUri: `${origin}/dist/webview/${kind}.css`, title: 'SeqLab', kind });
  await w.page.route(`${origin}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/index.html') return route.fulfill({ contentType: 'text/html', body: html });
    const type = path.endsWith('.js') ? 'text/javascript' : 'text/css';
    return route.fulfill({ contentType: type, body: readFileSync(join(repoRoot, path)) });
  });
  await w.page.addInitScript((state) => {
    const posted: unknown[] = [];
    let saved = state;
    Object.assign(window, {
      __posted: posted,
      __saved: () => saved,
      acquireVsCodeApi: () => ({ postMessage: (m: unknown) => posted.push(m), getState: () => saved, setState: (s: unknown) => { saved = s; } }),
    });
  }, savedState);
  await w.page.goto(`${origin}/index.html`);
  return {
    ...w,
    posted: () => w.page.evaluate(() => (window as unknown as { __posted: WebviewMessage[] }).__posted),
    send: async (m) => { await w.page.evaluate((msg) => window.postMessage(msg, '*'), m); await settle(w.page); },
  };
}

test('report: a CSV forecast is drawn against its date column, with the validation split marked and no anomaly threshold', { skip: skipReason }, async () => {
  const rows = 40;
  const days = Array.from({ length: rows }, (_, i) => Date.UTC(2024, 0, 1 + i));
  const actual = days.map((_, i) => Math.sin(i / 3));
  const run: RunSnapshot = {
    runId: 'csv-forecast', summary: null, records: [],
    config: { name: 'csv-forecast', data: { source: 'csv', path: 'd.csv', window: 5, horizon: 1, validation: 0.25, task: 'forecast', threshold: null } },
    taskRecords: [{
      kind: 'forecast', step: 50, actual, predicted: actual.map((v, i) => (i < 6 ? NaN : v + 0.01)), anomalies: [], threshold: 0.3,
      time: { column: 'date', kind: 'date', values: days },
    } as TaskRecord],
  };
  const { page, problems } = await openReport([run], 'report-csv-forecast');
  const caption = await page.textContent('.task-forecast .caption') ?? '';
  assert.doesNotMatch(caption, /threshold/);
  assert.match(caption, /trained on the rows before the dashed line/);
  const legend = await page.$$eval('.task-forecast .legend vscode-checkbox', (b) => b.map((x) => (x as HTMLElement & { label: string }).label));
  assert.deepEqual(legend, ['actual', 'predicted']);
  assert.equal(await dataAttr(page, '.task-forecast .line-chart', 'data-markers'), String(days[30])); // 40 rows, the last quarter validates
  await page.hover('.task-forecast .u-over');
  assert.match(await page.textContent('.task-forecast .readout') ?? '', /^date 2024-0[12]-\d\d /);
  await page.screenshot({ path: join(artifactsDir, 'task-forecast-csv.png'), fullPage: true });
  assertClean(problems);
  await page.context().close();
});

test('panel: ready handshake, snapshot, a flood of appends extends the loss curve, state persists, exports go to the host', { skip: skipReason }, async () => {
  const run = lstm();
  const all = steps(run);
  // As the runner writes it at the start: a running summary with no wall time yet.
  const head: RunSnapshot = { ...run, summary: { ...run.summary!, status: 'running', wallTimeSec: 0 }, records: run.records.filter((r) => r.step <= 150) };
  const { page, problems, posted, send } = await openPanel('dashboard');
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  await send({ type: 'snapshot', runs: [head], live: true });
  const count0 = Number(await dataAttr(page, '#card-loss .line-chart', 'data-point-count'));
  // A hidden panel made visible again gets the same snapshot: a full replace, so nothing doubles.
  await send({ type: 'snapshot', runs: [head], live: true });
  assert.equal(Number(await dataAttr(page, '#card-loss .line-chart', 'data-point-count')), count0);

  const rest = all.filter((s) => s.step > 150);
  await page.evaluate(({ runId, recs }) => {
    for (const r of recs) window.postMessage({ type: 'append', runId, records: [r], taskRecords: [] }, '*');
  }, { runId: run.runId, recs: rest });
  await page.waitForFunction((n) => Number(document.querySelector('#card-loss .line-chart')?.getAttribute('data-point-count')) >= n, count0 + rest.length);
  assert.equal(Number(await dataAttr(page, '#card-loss .line-chart', 'data-point-count')), count0 + rest.length);
  assert.match(await page.textContent('.dash-head .meta') ?? '', /live.*step 300/);
  // The elapsed time of a live run comes from its newest step record, not the summary's 0.
  const elapsed = fmtDuration(all[all.length - 1].time);
  assert.notEqual(elapsed, fmtDuration(0));
  assert.ok((await page.textContent('.dash-head .meta') ?? '').endsWith(elapsed), `header does not end with ${elapsed}`);
  assert.equal(await dataAttr(page, '#card-loss .line-chart', 'data-zoomed'), 'false');

  // Drag to zoom; a zoomed view stays put while records stream in; double-click resets.
  const over = await page.$('#card-loss .u-over');
  const box = (await over?.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await settle(page);
  assert.equal(await dataAttr(page, '#card-loss .line-chart', 'data-zoomed'), 'true');
  const extra: StepRecord = { ...all[all.length - 1], step: 301 };
  await send({ type: 'append', runId: run.runId, records: [extra], taskRecords: [] });
  // Streamed records redraw the charts paced by their drawing time: wait for it rather than for one frame.
  await page.waitForFunction((n) => Number(document.querySelector('#card-loss .line-chart')?.getAttribute('data-point-count')) === n, count0 + rest.length + 1);
  assert.equal(await dataAttr(page, '#card-loss .line-chart', 'data-zoomed'), 'true');
  await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
  await settle(page);
  assert.equal(await dataAttr(page, '#card-loss .line-chart', 'data-zoomed'), 'false');

  // A text sample arriving later shows as text, never as markup.
  await send({ type: 'append', runId: run.runId, records: [], taskRecords: [{ kind: 'sample', step: 300, temperature: 0.8, text: '</script><b>not bold</b>' }] });
  assert.equal(await page.textContent('.task-samples pre'), '</script><b>not bold</b>');

  await page.focus('#smoothing');
  await page.keyboard.press('End');
  await settle(page);
  const saved = await page.evaluate(() => (window as unknown as { __saved(): unknown }).__saved()) as { runIds: string[]; view: { smoothing: number } };
  assert.deepEqual(saved.runIds, [run.runId]);
  assert.equal(saved.view.smoothing, 0.99);

  await page.click('#card-loss .export-png');
  await page.click('#card-grads .export-svg');
  const exports = (await posted()).filter((m): m is Extract<WebviewMessage, { type: 'export' }> => m.type === 'export');
  assert.equal(exports.length, 2);
  assert.equal(exports[0].format, 'png');
  assert.match(exports[0].fileName, /^loss-webview-lstm\.png$/);
  assert.match(exports[0].data, /^data:image\/png;base64,/);
  assert.equal(exports[1].format, 'svg');
  assert.match(exports[1].data, /<polyline /);
  assertClean(problems);
  await page.context().close();

  // After a reload VS Code hands the saved state back: the view comes back as the user left it.
  const again = await openPanel('dashboard', saved);
  await again.send({ type: 'snapshot', runs: [run], live: false });
  assert.equal(await again.page.$eval('#smoothing', (el) => (el as HTMLInputElement).value), '0.99');
  assertClean(again.problems);
  await again.page.context().close();
});

test('panel: a fast run (60 000 steps streamed a frame apart) reaches the chart whole, in paced redraws of a decimated curve', { skip: skipReason }, async () => {
  const run = lstm();
  const head: RunSnapshot = { ...run, summary: { ...run.summary!, status: 'running' }, records: run.records.filter((r) => r.step <= 10) };
  const { page, problems, send } = await openPanel('dashboard');
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  await send({ type: 'snapshot', runs: [head], live: true });
  const template = steps(run)[0];
  const count0 = Number(await dataAttr(page, '#card-loss .line-chart', 'data-point-count'));
  const updates0 = Number(await dataAttr(page, '#card-loss .line-chart', 'data-updates'));
  await page.evaluate(async ({ runId, template }) => {
    for (let batch = 0; batch < 60; batch++) {
      const records = Array.from({ length: 1000 }, (_, k) => {
        const step = 11 + batch * 1000 + k;
        return { ...template, step, loss: 0.1 + 0.05 * Math.sin(step) };
      });
      window.postMessage({ type: 'append', runId, records, taskRecords: [] }, '*');
      await new Promise((r) => requestAnimationFrame(r));
    }
  }, { runId: run.runId, template });
  await page.waitForFunction((n) => Number(document.querySelector('#card-loss .line-chart')?.getAttribute('data-point-count')) === n, count0 + 60_000, { timeout: 30_000 });
  await settle(page);
  const updates = Number(await dataAttr(page, '#card-loss .line-chart', 'data-updates')) - updates0;
  assert.ok(updates < 30, `${updates} loss-chart redraws for 60 batches`);
  const drawn = Number(await dataAttr(page, '#card-loss .line-chart', 'data-drawn-count'));
  assert.ok(drawn < 10_000, `${drawn} points drawn`);
  assertClean(problems);
  await page.context().close();
});

test('panel: keyboard focus reaches every control, with a visible focus ring', { skip: skipReason }, async () => {
  const { page, problems, send } = await openPanel('dashboard');
  await send({ type: 'snapshot', runs: [lstm(), loadFixtureRun('webview-gru')], live: false });
  const wanted = ['log-scale', 'smoothing', 'focus-run', 'export-csv', 'gate-probe', 'gate-layer', 'gate-step', 'vscode-checkbox'];
  const reached = new Set<string>();
  const outlines = new Map<string, string>();
  for (let i = 0; i < 80 && !wanted.every((w) => reached.has(w)); i++) {
    await page.keyboard.press('Tab');
    const [id, outline] = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return ['', ''];
      return [el.id || el.tagName.toLowerCase(), getComputedStyle(el).outlineStyle];
    });
    reached.add(id);
    outlines.set(id, outline);
  }
  // vscode-checkbox without an id: the legend toggles.
  for (const id of wanted) assert.ok(reached.has(id), `Tab never reaches ${id}; reached: ${[...reached].join(', ')}`);
  // Native controls draw the focus ring from our :focus-visible rule (the web components draw their own).
  assert.equal(outlines.get('smoothing'), 'solid');
  assert.equal(outlines.get('gate-step'), 'solid');
  assertClean(problems);
  await page.context().close();
});

test('live view: shows step, throughput and ETA from streamed records and posts stop', { skip: skipReason }, async () => {
  const run = lstm();
  const head: RunSnapshot = { ...run, summary: { ...run.summary!, status: 'running' }, records: run.records.filter((r) => r.step <= 60) };
  const { page, problems, posted, send } = await openPanel('live');
  await send({ type: 'snapshot', runs: [head], live: true });
  const next = steps(run).find((s) => s.step > 60) as StepRecord;
  await send({ type: 'append', runId: run.runId, records: [next], taskRecords: [] });
  const stats = await page.$$eval('.stats dd', (d) => d.map((x) => x.textContent));
  assert.equal(stats[0], `${next.step} / 300`);
  assert.notEqual(stats[3], '–', 'no ETA for a running run');
  assert.equal(stats[4], 'reference/float32');
  const [spark] = await paintedPixels(page, 'canvas.spark');
  assert.ok(spark > 100, 'loss sparkline is blank');
  await page.click('#stop');
  const sent = await posted();
  assert.ok(sent.some((m) => m.type === 'received'), 'each append is acknowledged once handled (the host\'s flow control)');
  assert.deepEqual(sent.filter((m) => m.type !== 'ready' && m.type !== 'received'), [{ type: 'stop', runId: run.runId }]);
  await send({ type: 'summary', runId: run.runId, summary: { ...run.summary!, status: 'stopped' } });
  assert.equal(await page.$eval('#stop', (b) => b.hasAttribute('disabled')), true);
  await page.screenshot({ path: join(artifactsDir, 'live-dark.png') });
  assertClean(problems);
  await page.context().close();
});

test('panel and live view log a message type they do not know, ignore data that is not a message, and keep working', { skip: skipReason }, async () => {
  for (const kind of ['dashboard', 'live'] as const) {
    const { page, problems, send } = await openPanel(kind);
    const warnings: string[] = [];
    page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
    await send({ type: 'fromANewerHost' } as unknown as HostMessage);
    await send(null as unknown as HostMessage);
    await send('not a message' as unknown as HostMessage);
    assert.deepEqual(warnings.map((w) => w.replace(/^SeqLab [\w ]+: /, '')), ['ignored a message of unknown type "fromANewerHost"'], kind);
    await send({ type: 'snapshot', runs: [lstm()], live: false });
    const shown = kind === 'dashboard' ? await page.textContent('.dash-head .meta') : await page.textContent('.live-title');
    assert.match(shown ?? '', /webview-lstm/, kind);
    assertClean(problems);
    await page.context().close();
  }
});
