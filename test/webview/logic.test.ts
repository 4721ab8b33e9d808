// The dashboard's pure parts, without a browser: config differences, smoothing, alignment, CSV, record merging,
// the gradient-flow verdict, gate record choice, and the HTML/CSP shells of the panel and the offline report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { jsonForScript, readDashboardAssets, renderReportHtml } from '../../src/runner/reportHtml';
import type { RunSnapshot, SelfAttentionRecord } from '../../src/shared/protocol';
import { attentionIndex, attentionSteps, pickAttention } from '../../webview/dashboard/attentionSelection';
import { configDifferences, describeDifferences, runLabel } from '../../webview/dashboard/configDiff';
import { metricsCsv } from '../../webview/dashboard/csv';
import { flowVerdict } from '../../webview/dashboard/gradFlowVerdict';
import { pickGateRecord } from '../../webview/dashboard/gateSelection';
import { appendRecords, richestRun, runFromSnapshot } from '../../webview/dashboard/model';
import { align, ema, lossUnitText } from '../../webview/dashboard/series';
import { decimate } from '../../webview/dashboard/decimate';
import { dateLabel, forecastAxis, validationStartRow } from '../../webview/dashboard/forecastAxis';
import { decadeTicks, minorLogTicks, withAlpha } from '../../webview/shared/ticks';
import { csvDataset } from '../../src/runner/data/csv';
import { panelHtml } from '../../src/extension/views/panelHtml';
import { gateRecord, stepRecord } from '../helpers/records';
import { tempWorkspace } from '../helpers/workspace';
import { embeddedRuns } from '../helpers/reportData';

const step = (n: number, loss = 1) => stepRecord(n, { loss });
const snapshot = (runId: string, extra: Partial<RunSnapshot> = {}): RunSnapshot => ({ runId, config: {}, summary: null, records: [], taskRecords: [], ...extra });

test('config differences name each differing dotted field with one value per run, ignoring names', () => {
  const base = { name: 'a', model: { cell: 'rnn', hiddenSize: 32 }, train: { optimizer: { type: 'adam', lr: 0.001 } } };
  const diffs = configDifferences([
    base,
    { ...base, name: 'b', model: { cell: 'gru', hiddenSize: 32 } },
    { ...base, name: 'c', model: { cell: 'lstm', hiddenSize: 32, layerNorm: true } },
  ]);
  assert.deepEqual(describeDifferences(diffs), ['model.cell: rnn / gru / lstm', 'model.layerNorm: — / — / true']);
  assert.equal(runLabel(diffs, 1, 'run-b'), 'cell=gru, layerNorm=—');
  assert.equal(runLabel([], 1, 'run-b'), 'run-b');
});

test('EMA smoothing starts at the first value (debiased) and weight 0 leaves the curve unchanged', () => {
  assert.deepEqual(ema([3, 3, 3], 0.9).map((v) => Number(v.toFixed(12))), [3, 3, 3]);
  const s = ema([1, 0], 0.5);
  assert.equal(s[0], 1);
  assert.ok(Math.abs(s[1] - 1 / 3) < 1e-12);
  assert.deepEqual(ema([1, 5, 2], 0), [1, 5, 2]);
});

test('series align on the union of steps, with gaps where a series has no value', () => {
  assert.deepEqual(align([{ x: [1, 2, 3], y: [10, 20, 30] }, { x: [2, 4], y: [5, NaN] }]), [[1, 2, 3, 4], [10, 20, 30, null], [null, 5, null, null]]);
});

test('appends merge by step: a resent record replaces, a late one is inserted in order', () => {
  const run = runFromSnapshot(snapshot('r', { records: [step(1), step(2), step(4)] }));
  appendRecords(run, [step(2, 0.5), step(3), step(5)], []);
  assert.deepEqual(run.steps.map((s) => [s.step, s.loss]), [[1, 1], [2, 0.5], [3, 1], [4, 1], [5, 1]]);
});

test('metrics CSV has one row per run and step, merges evaluations and quotes fields that need it', () => {
  const run = runFromSnapshot(snapshot('run,"1"', { records: [step(1), step(2), { kind: 'eval', step: 2, valLoss: 0.7, metrics: { accuracy: 0.5 }, time: 0.3 }, { kind: 'eval', step: 3, valLoss: 0.6, metrics: {}, time: 0.4 }] }));
  const lines = metricsCsv([run]).trimEnd().split('\n');
  assert.equal(lines[0], 'runId,step,time,loss,gradNorm,gradNormClipped,lr,stepsPerSec,valLoss,val.accuracy,gradNorm.rnn.weight_hh_l0');
  assert.deepEqual(lines.slice(1), [
    '"run,""1""",1,0.1,1,2,1,0.01,10,,,0.5',
    '"run,""1""",2,0.2,1,2,1,0.01,10,0.7,0.5,0.5',
    '"run,""1""",3,0.4,,,,,,0.6,,',
  ]);
});

test('gradient-flow verdict: vanishing, exploding or healthy from the first/last time-step ratio', () => {
  assert.match(flowVerdict([1e-6, 1e-3, 1]).text, /vanish/);
  assert.match(flowVerdict([50, 5, 0.1]).text, /explod/);
  assert.match(flowVerdict([0.5, 0.8, 1]).text, /good flow/);
  assert.match(flowVerdict([0, 0, 0]).text, /no gradient/);
});

test('gate record choice: the chosen step, or the latest for that probe and layer', () => {
  const gates = [gateRecord(100, 0, 0), gateRecord(100, 1, 0), gateRecord(200, 0, 0), gateRecord(300, 0, 1)];
  assert.equal(pickGateRecord(gates, 0, '0:forward', 100)?.step, 100);
  assert.equal(pickGateRecord(gates, 0, '0:forward', null)?.step, 200);
  assert.equal(pickGateRecord(gates, 0, '0:forward', 300)?.step, 200);
  assert.equal(pickGateRecord(gates, 1, '1:forward', null), undefined);
});

test('panel HTML carries exactly the host CSP, and nonce-tagged script and style from webview URIs', () => {
  const html = panelHtml({ cspSource: 'https://x.vscode-cdn.net', nonce: 'abc123', scriptUri: 'https://x.vscode-cdn.net/dist/webview/dashboard.js', styleUri: 'https://x.vscode-cdn.net/dist/webview/dashboard.css', title: 'Run <1> & "2"', kind: 'dashboard' });
  assert.ok(html.includes(`content="default-src 'none'; img-src https://x.vscode-cdn.net data: blob:; style-src https://x.vscode-cdn.net 'nonce-abc123'; script-src 'nonce-abc123'; font-src https://x.vscode-cdn.net"`.replace(/'/g, '&#39;')));
  assert.ok(html.includes('<script nonce="abc123" src="https://x.vscode-cdn.net/dist/webview/dashboard.js"></script>'));
  assert.ok(html.includes('<link rel="stylesheet" href="https://x.vscode-cdn.net/dist/webview/dashboard.css" nonce="abc123">'));
  assert.ok(html.includes('<title>Run &lt;1&gt; &amp; &quot;2&quot;</title>'));
  assert.doesNotMatch(html, /unsafe-(inline|eval)| on[a-z]+=/);
});

test('report HTML is self-contained: inline nonce script and style, data that cannot close its script element', () => {
  const run = snapshot('r1', { taskRecords: [{ kind: 'sample', step: 1, temperature: 1, text: '</script><script>alert(1)</script>\u2028' }] });
  const html = renderReportHtml([run], { title: 'T', scriptJs: 'const s = "</script>"; console.log(s);', cssText: 'body{color:red}' });
  const nonce = /nonce-([A-Za-z0-9+/=]+)/.exec(html)?.[1];
  assert.ok(nonce && nonce.length >= 16);
  assert.ok(html.includes(`content="default-src &#39;none&#39;; img-src data: blob:; style-src &#39;nonce-${nonce}&#39;; script-src &#39;nonce-${nonce}&#39;"`));
  assert.ok(html.includes(`<style nonce="${nonce}">`) && html.includes(`<script nonce="${nonce}">`));
  // Exactly the data block and the app script close: nothing embedded ends an element early.
  assert.equal(html.match(/<\/script>/g)?.length, 2);
  assert.ok(html.includes('const s = "<\\/script>";'));
  assert.doesNotMatch(html, /(src|href)="/);
  assert.deepEqual(embeddedRuns(html), [run]);
  assert.equal(jsonForScript('<'), '"\\u003c"');
  assert.throws(() => renderReportHtml([], { title: 'T', scriptJs: '', cssText: '' }), /no runs/);
});

test('reading the dashboard bundle from a root without dist/ names the missing file and the fix', () => {
  const dir = tempWorkspace();
  assert.throws(() => readDashboardAssets(dir), (e: Error) => e.message.includes(join(dir, 'dist', 'webview', 'dashboard.js')) && /npm run build/.test(e.message));
});

test('attention record choice: probes and layers indexed, steps per probe and layer, the chosen step or the latest', () => {
  const rec = (step: number, probe: number, layer: number): SelfAttentionRecord => ({ kind: 'selfattention', step, probe, layer, T: 1, weights: [[1]] });
  const recs = [rec(0, 0, 0), rec(0, 0, 1), rec(0, 1, 1), rec(5, 0, 1), rec(9, 0, 1), rec(9, 1, 1)];
  assert.deepEqual(attentionIndex(recs), { probes: [0, 1], layers: [0, 1] });
  assert.deepEqual(attentionSteps(recs, 0, 1), [0, 5, 9]);
  assert.deepEqual(attentionSteps(recs, 0, 0), [0]);
  assert.equal(pickAttention(recs, 0, 1, 5), recs[3]);
  assert.equal(pickAttention(recs, 0, 1, null), recs[4]);
  assert.equal(pickAttention(recs, 0, 1, 7), recs[4], 'a step not recorded for this layer falls back to the latest');
  assert.equal(pickAttention(recs, 1, 0, null), undefined);
  // Records reach the run's data by kind.
  const run = runFromSnapshot(snapshot('t', { records: recs }));
  assert.equal(run.attention.length, 6);
  appendRecords(run, [rec(12, 0, 0)], []);
  assert.equal(run.attention[6].step, 12);
});

test('a comparison opens its details on the run that shows the most: the LSTM\'s six gate traces over the GRU\'s four and the RNN\'s state', () => {
  const withGates = (runId: string, names: string[]) => runFromSnapshot(snapshot(runId, {
    records: [{ kind: 'gates', step: 0, probe: 0, layer: 0, direction: 'forward', cell: 'rnn', T: 1, H: 1, values: Object.fromEntries(names.map((n) => [n, [0]])) }],
  }));
  const rnn = withGates('rnn', ['h']), gru = withGates('gru', ['r', 'z', 'n', 'h']), lstm = withGates('lstm', ['i', 'f', 'g', 'o', 'h', 'c']);
  assert.equal(richestRun([rnn, gru, lstm]).runId, 'lstm');
  assert.equal(richestRun([gru, rnn]).runId, 'gru');
  assert.equal(richestRun([runFromSnapshot(snapshot('a')), runFromSnapshot(snapshot('b'))]).runId, 'a'); // equals: the first
});

test('chart decimation keeps each bucket\'s first, last, lowest and highest points of every curve, and zoomed ranges keep their detail', () => {
  const n = 50_000;
  const xs = Array.from({ length: n }, (_, i) => i + 1);
  const loss = xs.map((x) => (x === 31_337 ? 99 : x === 777 ? -5 : Math.sin(x)));
  const val = xs.map((x) => (x % 100 === 0 ? 0.5 : null));
  const data = [xs, loss, val];
  const drawn = decimate(data, { buckets: 500 });
  assert.ok(drawn[0].length < 5000, `${drawn[0].length} points drawn`);
  assert.deepEqual([drawn[0][0], drawn[0][drawn[0].length - 1]], [1, n]);
  assert.ok(drawn[1].includes(99) && drawn[1].includes(-5), 'the spike and the dip are drawn');
  assert.equal(drawn[2].filter((v) => v !== null).length, 500, 'one validation point per 100 steps, every one kept');
  // Zoomed into steps 1000-1500: every point there is drawn, the rest stays coarse.
  const zoomed = decimate(data, { buckets: 500, from: 1000, to: 1500 });
  const inside = (zoomed[0] as number[]).filter((x) => x >= 1000 && x <= 1500);
  assert.equal(inside.length, 501);
  assert.ok(zoomed[0].length < 6000);
  assert.equal(decimate([[1, 2, 3], [3, 2, 1]], { buckets: 500 })[0].length, 3); // short series: untouched
});

test('the forecast chart\'s validation line sits where the CSV loader starts validation, and its x axis is the time column', () => {
  for (const [rows, validation, window, horizon] of [[100, 0.2, 10, 1], [37, 0.3, 3, 2], [12, 0.9, 4, 1]]) {
    const text = `v\n${Array.from({ length: rows }, (_, i) => Math.sin(i)).join('\n')}\n`;
    const data = { source: 'csv' as const, path: 's.csv', columns: [], target: [], window, horizon, validation, task: 'forecast' as const, threshold: null };
    const ds = csvDataset('s.csv', text, data);
    const firstValidationRow = ds.series!.targetRows[ds.train.length];
    assert.equal(validationStartRow({ data }, rows), firstValidationRow, `rows ${rows}, validation ${validation}`);
  }
  assert.equal(validationStartRow({ data: { source: 'multisine', validation: 0.2 } }, 100), null);

  const f = { kind: 'forecast' as const, step: 1, actual: [1, 2, 3], predicted: [NaN, 2, 3], anomalies: [], threshold: 0 };
  assert.deepEqual(forecastAxis(f, {}).xs, [0, 1, 2]);
  assert.deepEqual(forecastAxis({ ...f, time: { column: 'year', kind: 'number', values: [1990, 1991, 1992] } }, {}).xs, [1990, 1991, 1992]);
  const days = forecastAxis({ ...f, time: { column: 'date', kind: 'date', values: [0, 1, 2].map((d) => Date.UTC(2024, 0, 30 + d)) } }, {});
  assert.equal(days.label, 'date');
  assert.deepEqual(days.xs.map((x) => days.format!(x)), ['2024-01-30', '2024-01-31', '2024-02-01']);
  assert.equal(dateLabel(Date.UTC(2024, 0, 1, 13, 5), true), '2024-01-01 13:05');
  // A report of a long series keeps some rows: x is their row index, and the split lands on the first kept row after it.
  const csv = { data: { source: 'csv', validation: 0.2, window: 5, horizon: 1 } };
  const kept = { ...f, actual: [1, 2, 3, 4, 5], predicted: [1, 2, 3, 4, 5], rows: 100, rowIndex: [0, 10, 50, 83, 99] };
  assert.deepEqual(forecastAxis(kept, csv), { label: 'time index', xs: [0, 10, 50, 83, 99], format: undefined, splitX: 83 });
  assert.equal(forecastAxis({ ...f, actual: new Array(100).fill(0) }, csv).splitX, 80);
});

test('log axes label powers of ten only, spaced apart, and draw minor lines only where a decade is tall enough', () => {
  // A vanishing gradient: 1e-11 … 1 on a 150 px axis is 11 decades at ~14 px each: every second one is labelled.
  const ticks = decadeTicks(1e-11, 1, 150);
  assert.ok(ticks.every((t) => Number.isInteger(Math.log10(t))), ticks.join());
  assert.ok(ticks.length >= 3 && ticks.length <= 150 / 22 + 1, ticks.join());
  assert.equal(Math.log10(ticks[1] / ticks[0]), 2);
  assert.deepEqual(decadeTicks(1e-3, 10, 300), [0.001, 0.01, 0.1, 1, 10]);
  assert.deepEqual(decadeTicks(0.15, 0.6, 200), [0.2, 0.5]); // inside one decade: its 1-2-5 steps
  assert.deepEqual(minorLogTicks(1e-11, 1, 150), []);
  assert.deepEqual(minorLogTicks(0.1, 1, 200), [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  assert.equal(withAlpha('#3c3c3c', 0.45), '#3c3c3c73');
  assert.equal(withAlpha('#abc', 1), '#aabbccff');
  assert.equal(withAlpha('rgb(1, 2, 3)', 0.5), 'color-mix(in srgb, rgb(1, 2, 3) 50%, transparent)');
});

test('the loss card says what the loss is in: once when the runs agree, per run when they differ, nothing when unknown', () => {
  const csv = runFromSnapshot({ ...snapshot('csv'), lossInfo: { loss: 'mse', normalized: true } });
  const csv2 = runFromSnapshot({ ...snapshot('csv2'), lossInfo: { loss: 'mse', normalized: true } });
  const text = runFromSnapshot({ ...snapshot('text'), lossInfo: { loss: 'cross_entropy', normalized: false } });
  const old = runFromSnapshot(snapshot('old'));
  assert.match(lossUnitText([csv, csv2]), /^Loss in squared normalized units \(target columns z-scored/);
  const mixed = lossUnitText([csv, text, old]);
  assert.match(mixed, /^Losses in different units: csv: squared normalized .*; text: nats per prediction.*; old: not recorded\.$/);
  assert.equal(lossUnitText([old]), '');
});
