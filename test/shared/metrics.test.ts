// Every number a run records has a meaning and a unit in the one table the CLI (and later the webview) reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvalRecord } from '../../src/runner/events';
import { loadExperiments } from '../../src/runner/experiment';
import { startRun } from '../../src/runner/run';
import { metricInfo, type MetricContext } from '../../src/shared/metrics';
import { tempWorkspace } from '../helpers/workspace';

const small = { trainSize: 8, validationSize: 4 };
const DATA: Record<string, object> = {
  adding: { source: 'adding', length: 4, ...small },
  copy: { source: 'copy', delay: 1, copyLength: 2, symbols: 3, ...small },
  sine: { source: 'sine', length: 5, ...small },
  multisine: { source: 'multisine', length: 5, ...small },
  parity: { source: 'parity', length: 4, ...small },
  text: { source: 'text', path: 't.txt', seqLength: 4, validation: 0.3, sample: { every: 0, length: 2 } },
  csv: { source: 'csv', path: 's.csv', window: 3, validation: 0.3 },
  jsonlClasses: { source: 'jsonl', path: 'c.jsonl', validation: 0.3 },
  jsonlNumbers: { source: 'jsonl', path: 'r.jsonl', validation: 0.3 },
  reverse: { source: 'reverse', minLength: 2, maxLength: 3, symbols: 3, ...small },
};

test('every metric a run records, for every data source, has a meaning and a unit', async () => {
  const dir = tempWorkspace({
    't.txt': 'abcab cabca bcabc '.repeat(4),
    's.csv': 'day,v\n' + Array.from({ length: 20 }, (_, i) => `${i},${Math.sin(i)}`).join('\n') + '\n',
    'c.jsonl': Array.from({ length: 10 }, (_, i) => JSON.stringify({ x: ['a', i % 2 ? 'b' : 'c'], y: i % 2 ? 'B' : 'C' })).join('\n') + '\n',
    'r.jsonl': Array.from({ length: 10 }, (_, i) => JSON.stringify({ x: [i, i + 1], y: i })).join('\n') + '\n',
  });
  const seen: string[] = [];
  for (const [name, data] of Object.entries(DATA)) {
    const model = name === 'reverse' ? { cell: 'gru', hiddenSize: 4, embedding: { dim: 4 }, decoder: {} } : { cell: 'gru', hiddenSize: 4 };
    const file = join(dir, `${name}.seqlab.json`);
    writeFileSync(file, JSON.stringify({ data, model, train: { steps: 1, batchSize: 4, evalEvery: 1 }, instrumentation: { gradFlowEvery: 0, gatesEvery: 0 } }));
    const [exp] = loadExperiments(file);
    const run = await startRun(exp, { outDir: join(dir, name) });
    const evals = readFileSync(join(run.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as EvalRecord).filter((r) => r.kind === 'eval');
    const context: MetricContext = { source: exp.config.data.source, loss: exp.train.loss, normalized: exp.dataset.series !== undefined };
    for (const key of ['loss', 'valLoss', ...Object.keys(evals[0].metrics)]) {
      assert.ok(metricInfo(key, context), `${name}: "${key}" is not in src/shared/metrics.ts`);
      seen.push(key);
    }
  }
  // The table covers what the sources record, not a guess at it.
  for (const key of ['baselineMse', 'baselineCrossEntropy', 'baselineAccuracy', 'perplexity', 'rmseOriginal', 'bleu']) assert.ok(seen.includes(key), key);
});

test('a CSV run\'s losses are in normalized units, other regression in the data\'s; baselineMse says what it repeats', () => {
  const csv: MetricContext = { source: 'csv', loss: 'mse', normalized: true };
  const jsonl: MetricContext = { source: 'jsonl', loss: 'mse', normalized: false };
  assert.match(metricInfo('valLoss', csv)!.unit, /normalized units/);
  assert.doesNotMatch(metricInfo('valLoss', jsonl)!.unit, /normalized/);
  assert.match(metricInfo('baselineMse', csv)!.meaning, /repeating the last value/);
  assert.match(metricInfo('baselineMse', { ...jsonl, source: 'adding' })!.meaning, /always predicting 1/);
  assert.match(metricInfo('rmseOriginal', csv)!.unit, /own units/);
  assert.equal(metricInfo('noSuchMetric', csv), null);
});
