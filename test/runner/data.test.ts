import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/engine/rng';
import { BatchStream, makeBatch } from '../../src/runner/data/batches';
import type { CsvConfig } from '../../src/runner/data/csv';
import { csvFileDataset } from '../../src/runner/data/csvFile';
import { addingProblem, copyTask, parityTask } from '../../src/runner/data/generators';
import { jsonlFileDataset } from '../../src/runner/data/jsonlFile';
import { splitRows, textDataset } from '../../src/runner/data/index';
import type { Sequence } from '../../src/runner/data/types';
import { resolveDataPath } from '../../src/runner/data/workspace';
import { fingerprintData } from '../../src/runner/dataFingerprint';
import { InputError } from '../../src/runner/diagnostics';
import { loadExperiments } from '../../src/runner/experiment';
import { tempDir, tempWorkspace } from '../helpers/workspace';

// The JSONL and CSV loaders loadDataset uses, on text written to a file of the given name.
const dir = tempDir('seqlab-data-');
let files = 0;
function fileOf(name: string, text: string): string {
  const file = join(dir, `${files++}-${name}`);
  writeFileSync(file, text);
  return file;
}
const jsonlOf = (name: string, text: string, opts: { minFreq?: number } = {}) => jsonlFileDataset(fileOf(name, text), opts);
const csvOf = (name: string, text: string, c: CsvConfig) => csvFileDataset(fileOf(name, text), c);

test('adding problem: targets are the sum of the two marked values, one marker per half; baseline ≈ 1/6', () => {
  const ds = addingProblem({ source: 'adding', length: 20, trainSize: 3000, validationSize: 3000 }, new Rng(1));
  for (const s of ds.train.slice(0, 50)) {
    const x = s.x!;
    const marked = [...Array(20).keys()].filter((t) => x[t * 2 + 1] === 1);
    assert.equal(marked.length, 2);
    assert.ok(marked[0] < 10 && marked[1] >= 10);
    assert.ok(Math.abs(s.y[0] - (x[marked[0] * 2] + x[marked[1] * 2])) < 1e-6);
  }
  assert.ok(Math.abs(ds.baselines.baselineMse - 1 / 6) < 0.01, String(ds.baselines.baselineMse));
  // Seeded: the same seed gives the same data.
  const again = addingProblem({ source: 'adding', length: 20, trainSize: 3000, validationSize: 3000 }, new Rng(1));
  assert.deepEqual(Array.from(again.train[7].x!), Array.from(ds.train[7].x!));
});

test('copy task: the recall window reproduces the symbols; parity labels count ones', () => {
  const ds = copyTask({ source: 'copy', delay: 3, copyLength: 4, symbols: 5, trainSize: 10, validationSize: 0 }, new Rng(2));
  const s = ds.train[0];
  const I = 7;
  assert.equal(s.T, 4 + 3 + 1 + 4);
  const syms = [0, 1, 2, 3].map((t) => [...Array(5).keys()].find((k) => s.x![t * I + k] === 1)! + 1);
  assert.deepEqual(Array.from(s.y.slice(8)), syms);
  assert.deepEqual(Array.from(s.y.slice(0, 8)), new Array(8).fill(0));
  const p = parityTask({ source: 'parity', length: 9, trainSize: 20, validationSize: 0 }, new Rng(3));
  for (const q of p.train) assert.equal(q.y[0], Array.from(q.x!).reduce((a, b) => a + b, 0) % 2);
});

test('JSONL: per-step labels, token vocabularies and class labels are inferred from the data', () => {
  const ds = jsonlOf('t.jsonl', '{"x": ["a", "b"], "y": ["N", "V"]}\n{"x": ["b", "c", "a"], "y": ["V", "N", "N"]}\n');
  assert.deepEqual(ds.input, { kind: 'tokens', vocab: ['a', 'b', 'c'] });
  assert.deepEqual(ds.target, { kind: 'class', labels: ['N', 'V'], perStep: true });
  assert.deepEqual(Array.from(ds.train[1].tokens!), [1, 2, 0]);
  const reg = jsonlOf('r.jsonl', '{"x": [1, 2, 3], "y": [0.5, 1]}\n');
  assert.deepEqual(reg.input, { kind: 'float', size: 1 });
  assert.deepEqual(reg.target, { kind: 'regression', size: 2, perStep: false });
  assert.throws(() => jsonlOf('e.jsonl', '{"x": [[1]], "y": 1, "z": 2}\n'), (e: InputError) => /line 1 field "z": unknown field/.test(e.message));
  assert.throws(() => jsonlOf('e.jsonl', '{"x": [[1],[2]], "y": ["A"]}\n'), (e: InputError) => /y has 1 entries but x has 2 steps/.test(e.message));
});

test('JSONL tokens: words rarer than minFreq become <unk>, which comes first in the vocabulary; minFreq 1 keeps every word', () => {
  const text = ['["the", "cat", "sat"]', '["the", "dog", "sat"]', '["a", "cat", "ran"]'].map((x) => `{"x": ${x}, "y": "s"}`).join('\n') + '\n';
  const ds = jsonlOf('t.jsonl', text, { minFreq: 2 });
  assert.deepEqual(ds.input, { kind: 'tokens', vocab: ['<unk>', 'cat', 'sat', 'the'] });
  assert.equal(ds.rareTokens, 3); // dog, a, ran
  assert.deepEqual(Array.from(ds.train[1].tokens!), [3, 0, 2]);
  assert.deepEqual(Array.from(ds.train[2].tokens!), [0, 1, 0]);
  assert.deepEqual(jsonlOf('t.jsonl', text, { minFreq: 1 }).input, { kind: 'tokens', vocab: ['a', 'cat', 'dog', 'ran', 'sat', 'the'] });
});

test('JSONL validationPath: a separate validation file, read with the training vocabulary and labels, confined to the workspace', () => {
  const line = (x: string[], y: string) => JSON.stringify({ x, y });
  const dir = tempWorkspace({
    'train.jsonl': [line(['good', 'fun'], 'pos'), line(['bad', 'dull'], 'neg'), line(['good', 'good'], 'pos'), line(['bad', 'fun'], 'neg')].join('\n') + '\n',
    'val.jsonl': [line(['good', 'awful'], 'pos'), line(['dull', 'fun'], 'neg')].join('\n') + '\n',
    'badlabel.jsonl': line(['good'], 'meh') + '\n',
    'c.seqlab.json': '{"data": {"source": "jsonl", "path": "train.jsonl", "validationPath": "val.jsonl", "validation": 0.5, "minFreq": 1}}',
    'unk.seqlab.json': '{"data": {"source": "jsonl", "path": "train.jsonl", "validationPath": "val.jsonl"}}',
    'label.seqlab.json': '{"data": {"source": "jsonl", "path": "train.jsonl", "validationPath": "badlabel.jsonl"}}',
    'out.seqlab.json': '{"data": {"source": "jsonl", "path": "train.jsonl",\n  "validationPath": "../val.jsonl"}}',
  });
  // Without <unk> (minFreq 1 keeps every training word), a word only the validation file has is an error at its line.
  assert.throws(() => loadExperiments(join(dir, 'c.seqlab.json')), (e: InputError) => /val\.jsonl:1:1: .*line 1: token "awful" is not in the training file's vocabulary, which has no <unk>/.test(e.message));
  const [exp] = loadExperiments(join(dir, 'unk.seqlab.json'));
  assert.equal(exp.dataset.train.length, 4); // every training row trains; the fraction is not used
  assert.equal(exp.dataset.validation.length, 2);
  const vocab = (exp.dataset.input as { vocab: string[] }).vocab;
  assert.deepEqual(Array.from(exp.dataset.validation[0].tokens!, (i) => vocab[i]), ['good', '<unk>']);
  assert.deepEqual(fingerprintData(exp.config, dir, dir).map((f) => f.path), ['train.jsonl', 'val.jsonl']);
  assert.throws(() => loadExperiments(join(dir, 'label.seqlab.json')), (e: InputError) => /badlabel\.jsonl:1:1: .*label "meh" is not one of the training file's labels \(neg, pos\)/.test(e.message));
  assert.throws(() => loadExperiments(join(dir, 'out.seqlab.json')), (e: InputError) => /out\.seqlab\.json:2:21: error: data\.validationPath: "\.\.\/val\.jsonl" points outside the workspace/.test(e.message));
});

test('variable lengths give padded batches with lengths; per-step targets are padded too', () => {
  const ds = { ...jsonlOf('t.jsonl', '{"x": [[1],[2],[3]], "y": [[1],[2],[3]]}\n{"x": [[4]], "y": [[5]]}\n'), validation: [], baselines: {}, warnings: [] };
  const b = makeBatch(ds.train, ds, { dtype: 'float32', oneHot: false });
  assert.equal(b.T, 3);
  assert.deepEqual(Array.from(b.lengths!), [3, 1]);
  assert.deepEqual(Array.from(b.x!), [1, 2, 3, 4, 0, 0]);
  assert.deepEqual(Array.from(b.y), [1, 2, 3, 5, 0, 0]);
  const same = makeBatch([ds.train[0]], ds, { dtype: 'float64', oneHot: false });
  assert.equal(same.lengths, null);
  assert.ok(same.x instanceof Float64Array);
});

test('batches: file order without shuffle, a batch larger than the data is all rows, seeded reshuffling per epoch', () => {
  const rows: Sequence[] = Array.from({ length: 5 }, (_, i) => ({ T: 1, x: Float32Array.of(i), tokens: null, y: Float64Array.of(i) }));
  const id = (s: Sequence[]) => s.map((r) => r.x![0]);
  const plain = new BatchStream(rows, 2, false, 0);
  assert.deepEqual([plain.next(), plain.next(), plain.next(), plain.next()].map(id), [[0, 1], [2, 3], [4], [0, 1]]);
  assert.deepEqual(id(new BatchStream(rows, 64, false, 0).next()), [0, 1, 2, 3, 4]);
  const a = new BatchStream(rows, 5, true, 9);
  const b = new BatchStream(rows, 5, true, 9);
  const e0 = id(a.next());
  assert.deepEqual(id(b.next()), e0);
  assert.deepEqual([...e0].sort(), [0, 1, 2, 3, 4]);
  const resumed = new BatchStream(rows, 5, true, 9, a.getState());
  assert.deepEqual(id(resumed.next()), id(a.next()));
});

test('train/validation split is seeded and keeps training rows in file order', () => {
  const rows: Sequence[] = Array.from({ length: 10 }, (_, i) => ({ T: 1, x: Float32Array.of(i), tokens: null, y: Float64Array.of(i) }));
  const s = splitRows(rows, 0.3, new Rng(4));
  assert.equal(s.validation.length, 3);
  const train = s.train.map((r) => r.x![0]);
  assert.deepEqual(train, [...train].sort((x, y) => x - y));
  assert.deepEqual(splitRows(rows, 0.3, new Rng(4)).validation.map((r) => r.x![0]), s.validation.map((r) => r.x![0]));
  assert.equal(splitRows(rows, 0, new Rng(4)).validation.length, 0);
});

test('CSV: normalization statistics come from the training rows only; windows and horizon', () => {
  const values = [1, 2, 3, 4, 5, 6, 7, 8, 100, 200];
  const text = 'Month,V\n' + values.map((v, i) => `m${i},${v}`).join('\n') + '\n';
  const ds = csvOf('s.csv', text, { source: 'csv', path: 's.csv', columns: [], target: [], window: 3, horizon: 2, validation: 0.2, task: 'forecast', threshold: null });
  const trainVals = values.slice(0, 8);
  const mean = trainVals.reduce((a, b) => a + b) / 8;
  assert.equal(ds.series!.normalization.mean[0], mean);
  assert.deepEqual(ds.series!.normalization.columns, ['V']); // the non-numeric Month column is skipped
  // First window: rows 0..2 → target row 4 (horizon 2).
  assert.equal(ds.series!.targetRows[0], 4);
  const std = ds.series!.normalization.std[0];
  assert.ok(Math.abs(ds.train[0].y[0] - (5 - mean) / std) < 1e-12);
  assert.equal(ds.validation.length, 2); // windows whose target is row 8 or 9
});

const csvConfig = (columns: string[] = []) =>
  ({ source: 'csv' as const, path: 's.csv', columns, target: [], window: 2, horizon: 1, validation: 0.2, task: 'forecast' as const, threshold: null });
const csvText = (header: string, rows: (string | number)[][]) => header + '\n' + rows.map((r) => r.join(',')).join('\n') + '\n';

test('CSV without columns: a time column (ISO dates, a year, a row index) is no input; its values are kept as the time axis', () => {
  const dated = csvOf('s.csv', csvText('date,sales,temp', Array.from({ length: 8 }, (_, i) => [`2021-03-0${i + 1}`, 10 + i, 5 - i])), csvConfig());
  assert.deepEqual(dated.series!.inputNormalization.columns, ['sales', 'temp']);
  assert.deepEqual(dated.series!.targetColumns, ['sales', 'temp']);
  assert.equal(dated.input.kind === 'float' && dated.input.size, 2);
  assert.deepEqual(dated.series!.time, { column: 'date', kind: 'date', values: Array.from({ length: 8 }, (_, i) => Date.UTC(2021, 2, i + 1)) });

  const yearly = csvOf('s.csv', csvText('Year,v', Array.from({ length: 8 }, (_, i) => [1990 + i, i * i])), csvConfig());
  assert.deepEqual(yearly.series!.inputNormalization.columns, ['v']);
  assert.deepEqual(yearly.series!.time, { column: 'Year', kind: 'number', values: Array.from({ length: 8 }, (_, i) => 1990 + i) });

  // A first column counting rows is an index; a column that increases unevenly (a running total) is data.
  const indexed = csvOf('s.csv', csvText('n,total,v', Array.from({ length: 8 }, (_, i) => [i, (i * (i + 1)) / 2, i % 3])), csvConfig());
  assert.deepEqual(indexed.series!.inputNormalization.columns, ['total', 'v']);
  assert.equal(indexed.series!.time!.column, 'n');

  // Named in columns, the time column is an input; it still gives the axis.
  const named = csvOf('s.csv', csvText('Year,v', Array.from({ length: 8 }, (_, i) => [1990 + i, i * i])), csvConfig(['Year', 'v']));
  assert.deepEqual(named.series!.inputNormalization.columns, ['Year', 'v']);
  assert.equal(named.series!.time!.column, 'Year');

  const none = csvOf('s.csv', csvText('a,b', Array.from({ length: 8 }, (_, i) => [i % 2, i % 3])), csvConfig());
  assert.deepEqual(none.series!.inputNormalization.columns, ['a', 'b']);
  assert.equal(none.series!.time, null);
});

test('text: vocabulary, next-character targets, baseline cross-entropy', () => {
  const ds = textDataset('t.txt', 'abcabcabcabc', 3, 0.25);
  assert.deepEqual(ds.input, { kind: 'tokens', vocab: ['a', 'b', 'c'] });
  assert.deepEqual(Array.from(ds.train[0].tokens!), [0, 1, 2]);
  assert.deepEqual(Array.from(ds.train[0].y), [1, 2, 0]);
  assert.ok(Math.abs(ds.baselines.baselineCrossEntropy - Math.log(3)) < 1e-9);
});

test('workspace confinement: relative paths only, no escapes, no symlinks out', () => {
  const root = tempWorkspace({ 'sub/ok.csv': 'a\n1\n' });
  const outside = tempWorkspace({ 'x.csv': 'a\n1\n' });
  symlinkSync(join(outside, 'x.csv'), join(root, 'sub', 'link.csv'));
  assert.match(resolveDataPath('ok.csv', join(root, 'sub'), root), /ok\.csv$/);
  assert.throws(() => resolveDataPath(join(root, 'sub', 'ok.csv'), root, root), /absolute path/);
  assert.throws(() => resolveDataPath('../../x.csv', join(root, 'sub'), root), /outside the workspace/);
  assert.throws(() => resolveDataPath('link.csv', join(root, 'sub'), root), /symlink that resolves outside/);
  assert.throws(() => resolveDataPath('nope.csv', root, root), /not found/);
});
