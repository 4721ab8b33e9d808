// A run trained by an exported train.py (PyTorch) opens in the dashboard like SeqLab's own: the report built from its
// folder draws the loss, gradient norms, gradient flow, gate heatmaps (a Transformer's attention maps) and the
// confusion matrix, with no page errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { readDashboardAssets, renderReportHtml } from '../../src/runner/reportHtml';
import { readSnapshot } from '../../src/runner/snapshot';
import { exportAndTrain } from '../helpers/pytorchExport';
import { artifactsDir, dataAttr, launch, paintedPixels, repoRoot, settle, skipReason, watchedPage } from './browser';

let browser: Browser;
before(async () => { if (!skipReason) browser = await launch(); });
after(async () => { await browser?.close(); });

test('a train.py run folder opens in the dashboard with every plot drawn', { skip: skipReason }, async () => {
  const e = exportAndTrain({
    'parity.seqlab.json': {
      data: { source: 'parity', length: 6, trainSize: 24, validationSize: 8 },
      model: { cell: 'lstm', hiddenSize: 4, numLayers: 2 },
      train: { steps: 6, batchSize: 8, evalEvery: 3 },
      instrumentation: { gradFlowEvery: 2, gatesEvery: 3 },
    },
  });
  const snap = readSnapshot(basename(e.runDir), e.runDir);
  mkdirSync(artifactsDir, { recursive: true });
  const file = join(artifactsDir, 'report-pytorch-export.html');
  writeFileSync(file, renderReportHtml([snap], { title: 'exported run', ...readDashboardAssets(repoRoot) }));
  const { page, problems } = await watchedPage(browser);
  await page.goto(`file://${file}`);
  await page.waitForSelector('#card-loss .line-chart[data-point-count]', { state: 'attached', timeout: 10_000 });
  await settle(page);
  assert.equal(await dataAttr(page, '#card-loss .line-chart', 'data-point-count'), '6');
  assert.equal(await dataAttr(page, '#card-loss .line-chart', 'data-series-count'), '3'); // raw, smoothed, validation
  assert.equal(await dataAttr(page, '#card-grads .line-chart', 'data-series-count'), String(2 + 10)); // global ×2 + 10 tensors
  assert.equal(await dataAttr(page, '#card-gradflow', 'data-columns'), '3');
  assert.equal(await dataAttr(page, '#card-gradflow', 'data-rows'), '6');
  const gates = await paintedPixels(page, '#card-gates canvas.heatmap');
  assert.equal(gates.length, 6);
  for (const n of gates) assert.ok(n > 100, `a gate heatmap is blank (${n} pixels)`);
  assert.match(await page.textContent('#card-task .task-confusion h3') ?? '', /^Confusion matrix \(step 6\)/);
  await page.screenshot({ path: join(artifactsDir, 'report-pytorch-export.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('a train.py Transformer run folder opens in the dashboard with its attention maps drawn, one per head', { skip: skipReason }, async () => {
  const e = exportAndTrain({
    'tfm.seqlab.json': {
      data: { source: 'parity', length: 6, trainSize: 24, validationSize: 8 },
      model: { cell: 'transformer', hiddenSize: 8, heads: 2, numLayers: 2 },
      train: { steps: 6, batchSize: 8, evalEvery: 3 },
      instrumentation: { gradFlowEvery: 2, gatesEvery: 3, probes: [0, 1] },
    },
  });
  const snap = readSnapshot(basename(e.runDir), e.runDir);
  mkdirSync(artifactsDir, { recursive: true });
  const file = join(artifactsDir, 'report-pytorch-export-transformer.html');
  writeFileSync(file, renderReportHtml([snap], { title: 'exported Transformer run', ...readDashboardAssets(repoRoot) }));
  const { page, problems } = await watchedPage(browser);
  await page.goto(`file://${file}`);
  await page.waitForSelector('#card-attention canvas.heatmap', { state: 'attached', timeout: 10_000 });
  await settle(page);
  assert.deepEqual([await dataAttr(page, '#card-attention', 'data-step'), await dataAttr(page, '#card-attention', 'data-heads'),
    await dataAttr(page, '#card-attention', 'data-steps')], ['6', '2', '6']); // step 6, 2 heads, 6 positions
  const maps = await paintedPixels(page, '#card-attention canvas.heatmap');
  assert.equal(maps.length, 2);
  for (const n of maps) assert.ok(n > 100, `an attention map is blank (${n} pixels)`);
  assert.deepEqual(await page.$$eval('#attention-layer vscode-option', (o) => o.map((x) => x.textContent)), ['layer 0', 'layer 1']);
  assert.equal(await dataAttr(page, '#card-gradflow', 'data-columns'), '3');
  await page.screenshot({ path: join(artifactsDir, 'report-pytorch-export-transformer.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.context().close();
});
