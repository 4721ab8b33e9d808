// A CSV series from validate to predict: the columns used are printed, the time column is kept out of the inputs
// and travels with the forecast, and predict reads and prints the CSV's own units.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempWorkspace } from '../helpers/workspace';
import { cli } from './helpers';

const ROWS = 60;
const sales = (i: number) => 500 + 200 * Math.sin(i / 3) + 3 * i;
const temp = (i: number) => 15 + 8 * Math.cos(i / 5);
const date = (i: number) => new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);

function csvRun(window: number, horizon: number): { dir: string; runDir: string; run: ReturnType<typeof cli> } {
  const dir = tempWorkspace({
    'shop.csv': 'date,sales,temp\n' + Array.from({ length: ROWS }, (_, i) => `${date(i)},${sales(i).toFixed(2)},${temp(i).toFixed(2)}`).join('\n') + '\n',
    'shop.seqlab.json': {
      data: { source: 'csv', path: 'shop.csv', target: ['sales'], window, horizon, validation: 0.25 },
      model: { cell: 'gru', hiddenSize: 8 },
      train: { steps: 150, batchSize: 16, evalEvery: 50, optimizer: { type: 'adam', lr: 0.02 } },
      instrumentation: { gradFlowEvery: 0, gatesEvery: 0 },
    },
  });
  const run = cli(['run', 'shop.seqlab.json'], dir);
  assert.equal(run.code, 0, run.stderr);
  const runs = readdirSync(join(dir, '.seqlab/runs'));
  return { dir, runDir: join(dir, '.seqlab/runs', runs[0]), run };
}

test('validate and run name the input, target and time columns; the forecast carries the dates', () => {
  const { dir, runDir, run } = csvRun(6, 1);
  const expected = 'columns: inputs sales, temp; targets sales; time column date (dates), not an input';
  const validate = cli(['validate', 'shop.seqlab.json'], dir);
  assert.equal(validate.code, 0, validate.stderr);
  assert.ok(validate.stdout.includes(expected + '\n'), validate.stdout);
  assert.ok(run.stderr.includes(expected + '\n'), run.stderr);
  const forecasts = readFileSync(join(runDir, 'tasks.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; time?: { column: string; kind: string; values: number[] } });
  const last = forecasts.filter((f) => f.kind === 'forecast').at(-1)!;
  assert.deepEqual(last.time, { column: 'date', kind: 'date', values: Array.from({ length: ROWS }, (_, i) => Date.UTC(2020, 0, 1 + i)) });
});

test('a CSV run states its metrics\' units, and reports its forecast error in the data\'s own units too', () => {
  const { dir, runDir, run } = csvRun(6, 1);
  assert.match(run.stderr, /^ {2}valLoss: loss \(mse\) over the validation data; squared normalized units/m);
  assert.match(run.stderr, /^ {2}baselineMse: MSE of repeating the last value \(persistence forecast\)/m);
  assert.match(run.stderr, /^ {2}rmseOriginal: .*; the target columns' own units$/m);
  assert.doesNotMatch(run.stderr, /no description/);
  const evals = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; metrics: Record<string, number> });
  const m = evals.filter((e) => e.kind === 'eval').at(-1)!.metrics;
  // One target column: the error in sales is the normalized error times the training rows' standard deviation.
  const train = Array.from({ length: 45 }, (_, i) => Number(sales(i).toFixed(2)));
  const mean = train.reduce((a, b) => a + b) / train.length;
  const std = Math.sqrt(train.reduce((a, b) => a + (b - mean) ** 2, 0) / train.length);
  assert.ok(Math.abs(m.rmseOriginal - m.rmse * std) < 1e-4 * m.rmseOriginal, `rmseOriginal ${m.rmseOriginal}, rmse ${m.rmse} × std ${std}`);
  assert.ok(m.maeOriginal > 0 && m.maeOriginal <= m.rmseOriginal);
  const ev = cli(['evaluate', runDir], dir);
  assert.equal(ev.code, 0, ev.stderr);
  const printed = Number(/^rmseOriginal (\S+)  \(.*; the target columns' own units\)$/m.exec(ev.stdout)![1]);
  assert.ok(Math.abs(printed - m.rmseOriginal) < 1e-3 * m.rmseOriginal, `evaluate ${printed}, the run's ${m.rmseOriginal}`);
  assert.match(ev.stdout, /^baselineMse \S+  \(MSE of repeating the last value/m);
  const file = cli(['evaluate', runDir, 'shop.csv'], dir);
  assert.equal(file.code, 2);
  assert.match(file.stderr, /a data file can be given for runs of JSONL data only; this csv run is evaluated on its validation data/);
  const runs = cli(['runs'], dir);
  assert.match(runs.stdout, /^csv runs: loss and valLoss are mse, in squared normalized units/m);
});

test('predict on a CSV run takes windows (JSONL, or the CSV itself) in the CSV\'s units and prints bare numbers equal to the run\'s own forecasts', () => {
  const window = 5;
  const horizon = 2;
  const { dir, runDir } = csvRun(window, horizon);
  const tasks = readFileSync(join(runDir, 'tasks.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; predicted: (number | null)[] });
  const forecast = tasks.filter((t) => t.kind === 'forecast').at(-1)!;
  // The validation part's target rows, each predicted from the window ending `horizon` rows before it.
  const targetRows = Array.from({ length: 10 }, (_, k) => ROWS - 10 + k);
  const round = (v: number) => Number(v.toFixed(2));
  const lines = targetRows.map((tr) => JSON.stringify({ x: Array.from({ length: window }, (_, t) => tr - horizon - window + 1 + t).map((r) => [round(sales(r)), round(temp(r))]) }));
  writeFileSync(join(dir, 'new.jsonl'), lines.join('\n') + '\n');
  const predict = cli(['predict', runDir, 'new.jsonl'], dir);
  assert.equal(predict.code, 0, predict.stderr);
  const printed = predict.stdout.trim().split('\n');
  // The model must have learnt something for the comparison to say anything about scaling.
  const own = targetRows.map((r) => forecast.predicted[r]!);
  assert.ok(Math.max(...own) - Math.min(...own) > 20, `forecasts barely vary: ${own.join(' ')}`);
  assert.ok(printed.every((p) => /^-?\d+(\.\d+)?(e[-+]\d+)?$/.test(p)), `bare numbers, not lists: ${printed.join(' ')}`);
  // The CSV itself: every window of rows, the last ones forecasting past the file's end.
  const whole = cli(['predict', runDir, 'shop.csv'], dir);
  assert.equal(whole.code, 0, whole.stderr);
  const forecasts = whole.stdout.trim().split('\n').map(Number);
  assert.equal(forecasts.length, ROWS - window + 1);
  forecasts.forEach((p, s) => {
    const tr = s + window - 1 + horizon;
    if (tr < ROWS) assert.ok(Math.abs(p - forecast.predicted[tr]!) < 1e-4 * Math.abs(p), `window ${s}: predict ${p}, the run's forecast ${forecast.predicted[tr]}`);
  });
  writeFileSync(join(dir, 'partial.csv'), 'date,sales\n2021-01-01,5\n');
  const partial = cli(['predict', runDir, 'partial.csv'], dir);
  assert.equal(partial.code, 2);
  assert.match(partial.stderr, /partial\.csv:1:1: error: no column "temp" in the header \(date, sales\); the run reads sales, temp/);
  const probs = cli(['predict', runDir, 'new.jsonl', '--probs'], dir);
  assert.equal(probs.code, 2);
  assert.match(probs.stderr, /--probs applies to classifiers only; this run predicts numbers/);
  printed.forEach((p, k) => {
    const own = forecast.predicted[targetRows[k]]!;
    assert.ok(Math.abs(Number(p) - own) < 1e-4 * Math.abs(own), `row ${targetRows[k]}: predict ${p}, the run's forecast ${own}`);
  });
});
