import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReportHtml } from '../../src/runner/reportHtml';
import { decimationIndices, packSnapshot } from '../../src/runner/reportPack';
import type { GateRecord, GradFlowRecord, RunRecord, RunSnapshot, StepRecord, TaskRecord } from '../../src/shared/protocol';
import { shortestFloat32, unpackSnapshot } from '../../webview/dashboard/unpack';
import { stepRecord } from '../helpers/records';
import { embeddedPacked, embeddedRuns } from '../helpers/reportData';

const assets = { title: 'T', scriptJs: '', cssText: '' };
const params = ['lstm.weight_ih_l0', 'lstm.weight_hh_l0', 'lstm.bias_ih_l0', 'lstm.bias_hh_l0', 'head.weight', 'head.bias'];

/** A noisy decaying loss with one spike and one dip, at float32-exact values so a round trip can compare exactly. */
function longRun(runId: string, steps: number, spikeAt: number, dipAt: number): RunSnapshot {
  const records: RunRecord[] = [];
  for (let s = 1; s <= steps; s++) {
    const loss = s === spikeAt ? 1024 : s === dipAt ? 2 ** -20 : Math.fround(0.2 + Math.exp(-s / 5000) + 0.05 * Math.sin(s * 1.7));
    const norms = Object.fromEntries(params.map((p, k) => [p, Math.fround(0.1 * (k + 1) + 0.01 * Math.cos(s))]));
    records.push(stepRecord(s, { loss, gradNorm: s === spikeAt ? 4096 : Math.fround(1 + 0.1 * Math.sin(s)), paramGradNorms: norms, time: s / 800 }));
  }
  return { runId, config: { model: { cell: 'lstm' } }, summary: null, records, taskRecords: [] };
}

/** What the flagship adding-problem run records: 1500 steps, gradient flow every 50, LSTM gates of T=100, H=16 every 250. */
function flagshipRun(runId: string): RunSnapshot {
  const run = longRun(runId, 1500, 700, 1400);
  for (let step = 50; step <= 1500; step += 50) {
    run.records.push({ kind: 'gradflow', step, norms: Array.from({ length: 100 }, (_, t) => 1e-11 * 1.3 ** t) } satisfies GradFlowRecord);
  }
  for (let step = 0; step <= 1500; step += 250) {
    const values = Object.fromEntries(['i', 'f', 'g', 'o', 'h', 'c'].map((g, k) => [g, Array.from({ length: 1600 }, (_, j) => Math.sin(j * 0.37 + k + step))]));
    run.records.push({ kind: 'gates', step, probe: 0, layer: 0, direction: 'forward', cell: 'lstm', T: 100, H: 16, values } satisfies GateRecord);
  }
  return run;
}

function range(xs: readonly number[]): [number, number] {
  return xs.reduce<[number, number]>(([lo, hi], x) => [Math.min(lo, x), Math.max(hi, x)], [Infinity, -Infinity]);
}

test('a 200 000-step run reports in under 1 MB, and its decimated loss and gradient-norm curves keep their minimum and maximum', () => {
  const run = longRun('long', 200_000, 123_457, 54_321);
  const html = renderReportHtml([run], { ...assets, metricsHref: () => 'long/metrics.jsonl' });
  assert.ok(html.length < 1_000_000, `report is ${html.length} bytes`);
  assert.ok(JSON.stringify(run).length > 40_000_000); // what embedding the records as they were would have cost
  const [shown] = embeddedRuns(html);
  const steps = shown.records.filter((r) => r.kind === 'step');
  assert.ok(steps.length < 10_000 && steps.length > 1000, `${steps.length} steps kept`);
  assert.deepEqual(range(steps.map((s) => s.loss)).map(Math.fround), [2 ** -20, 1024]);
  const gradNorms = run.records.map((r) => (r.kind === 'step' ? r.gradNorm : 1));
  assert.deepEqual(range(steps.map((s) => s.gradNorm)).map(Math.fround), [range(gradNorms)[0], 4096]);
  assert.deepEqual([steps[0].step, steps[steps.length - 1].step], [1, 200_000]); // the whole x range is drawn
  const [packed] = embeddedPacked(html);
  assert.deepEqual([packed.steps.kept, packed.steps.total, packed.metricsHref], [steps.length, 200_000, 'long/metrics.jsonl']);
});

test('decimation keeps every point of a short series and each bucket\'s extremes of a long one', () => {
  assert.deepEqual(decimationIndices([[3, 1, 2]], 3, 10), [0, 1, 2]);
  const col = Array.from({ length: 1000 }, (_, i) => (i === 333 ? 50 : i === 777 ? -50 : i % 7));
  const keep = decimationIndices([col], col.length, 30);
  assert.ok(keep.length <= 40, `${keep.length} kept`);
  assert.ok(keep.includes(333) && keep.includes(777) && keep.includes(0) && keep.includes(999));
});

test('the flagship comparison (three 1500-step runs with gates and gradient flow) embeds under 700 kB of data', () => {
  const runs = ['rnn', 'gru', 'lstm'].map(flagshipRun);
  const html = renderReportHtml(runs, assets);
  assert.ok(html.length < 700_000, `report data is ${html.length} bytes`);
  assert.ok(JSON.stringify(runs).length > 4_000_000);
});

test('packing keeps curves at float32 and heatmaps within one 8-bit step of their range', () => {
  const run = flagshipRun('r');
  const back = unpackSnapshot(packSnapshot(run));
  const kinds = (s: RunSnapshot, k: RunRecord['kind']) => s.records.filter((r) => r.kind === k);
  // Every step kept; its curves the same float32 numbers, written as the shortest decimal that is that float32.
  const f = shortestFloat32;
  const expected = (kinds(run, 'step') as StepRecord[]).map((r) => ({
    ...r, loss: f(r.loss), gradNorm: f(r.gradNorm), gradNormClipped: f(r.gradNormClipped),
    paramGradNorms: Object.fromEntries(Object.entries(r.paramGradNorms).map(([k, v]) => [k, f(v)])),
  }));
  assert.deepEqual(kinds(back, 'step'), expected);
  assert.equal(f(Math.fround(0.1909)), 0.1909);
  const flowIn = kinds(run, 'gradflow') as GradFlowRecord[], flowOut = kinds(back, 'gradflow') as GradFlowRecord[];
  assert.deepEqual(flowOut.map((r) => r.norms), flowIn.map((r) => r.norms.map((v) => f(Math.fround(v)))));
  const gatesIn = kinds(run, 'gates') as GateRecord[], gatesOut = kinds(back, 'gates') as GateRecord[];
  assert.deepEqual(gatesOut.map(({ values, ...rest }) => rest), gatesIn.map(({ values, ...rest }) => rest));
  gatesIn.forEach((g, i) => {
    for (const [name, vs] of Object.entries(g.values)) {
      const [lo, hi] = range(vs);
      vs.forEach((v, j) => assert.ok(Math.abs(gatesOut[i].values[name][j] - v) <= (hi - lo) / 510 + 1e-12, `${name}[${j}]`));
    }
  });
});

test('a report keeps what the task views draw: every text sample and the latest forecast, its series float32 and its time column exact', () => {
  const rows = 15_000; // under FORECAST_BUDGET: every row kept
  const days = Array.from({ length: rows }, (_, i) => Date.UTC(1900, 0, 1 + i));
  const forecast = (step: number): TaskRecord => ({
    kind: 'forecast', step, actual: days.map((_, i) => Math.sin(i / 50)), threshold: 0.5, anomalies: [7, 4000],
    // Read back from tasks.jsonl, rows no window predicts are null (JSON has no NaN).
    predicted: days.map((_, i) => (i < 10 ? null : Math.sin(i / 50) + 0.01)) as number[],
    ...{ time: { column: 'date', kind: 'date', values: days } },
  });
  const samples: TaskRecord[] = [1, 2, 3].map((step) => ({ kind: 'sample', step, temperature: 1, text: `s${step}` }));
  const run: RunSnapshot = { runId: 'csv', config: {}, summary: null, records: [], taskRecords: [forecast(10), samples[0], forecast(20), samples[1], forecast(30), samples[2]] };
  const html = renderReportHtml([run], assets);
  assert.ok(html.length < 200_000, `report is ${html.length} bytes`);
  const [back] = embeddedRuns(html);
  assert.deepEqual(back.taskRecords.map((t) => `${t.kind}@${t.step}`), ['sample@1', 'sample@2', 'forecast@30', 'sample@3']);
  const f = back.taskRecords[2] as Extract<TaskRecord, { kind: 'forecast' }> & { time: { values: number[] } };
  assert.deepEqual(f.time.values, days);
  assert.deepEqual([f.anomalies, f.threshold], [[7, 4000], 0.5]);
  assert.ok(Number.isNaN(f.predicted[0]) && Math.abs(f.predicted[100] - (Math.sin(2) + 0.01)) < 1e-6);
  assert.ok(f.actual.every((v, i) => Math.abs(v - Math.sin(i / 50)) < 1e-6));
});

test('a million-row forecast reports in under 1 MB: each stretch\'s extremes and every anomaly kept, with their rows and times', () => {
  const rows = 1_000_000;
  const hours = Array.from({ length: rows }, (_, i) => Date.UTC(1900, 0, 1) + i * 3_600_000 + (i % 7 === 0 ? 1000 : 0)); // uneven: no start+step
  const actual = hours.map((_, i) => (i === 654_321 ? 99 : i === 12_345 ? -99 : Math.sin(i / 500)));
  const f = { kind: 'forecast', step: 5, actual, predicted: actual.map((v) => v + 0.01), threshold: 3, anomalies: [12_345, 500_001, 654_321], time: { column: 'when', kind: 'date', values: hours } };
  const html = renderReportHtml([{ runId: 'big', config: {}, summary: null, records: [], taskRecords: [f as TaskRecord] }], assets);
  assert.ok(html.length < 1_000_000, `report is ${html.length} bytes`);
  const back = embeddedRuns(html)[0].taskRecords[0] as typeof f & { rows: number; rowIndex: number[] };
  assert.equal(back.rows, rows);
  assert.ok(back.actual.length < 25_000, `${back.actual.length} rows kept`);
  assert.deepEqual(range(back.actual), [-99, 99]);
  assert.deepEqual(back.anomalies.map((i) => back.rowIndex[i]), [12_345, 500_001, 654_321]);
  assert.deepEqual(back.anomalies.map((i) => back.time.values[i]), [12_345, 500_001, 654_321].map((r) => hours[r]));
  assert.deepEqual([back.rowIndex[0], back.rowIndex[back.rowIndex.length - 1]], [0, rows - 1]);
});

test('what a run\'s loss is measured in survives packing, and is absent when run.json did not say', () => {
  const base: RunSnapshot = { runId: 'r', config: {}, summary: null, records: [stepRecord(1)], taskRecords: [] };
  assert.deepEqual(unpackSnapshot(packSnapshot({ ...base, lossInfo: { loss: 'mse', normalized: true } })).lossInfo, { loss: 'mse', normalized: true });
  assert.equal('lossInfo' in unpackSnapshot(packSnapshot(base)), false);
});
