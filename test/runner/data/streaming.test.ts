// Data files read a line at a time give the datasets and diagnostics the whole-text parsers gave, and refuse bytes
// that are not UTF-8 text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../../src/engine/rng';
import { csvDataset } from '../../../src/runner/data/csv';
import { csvFileDataset } from '../../../src/runner/data/csvFile';
import { jsonlDataset } from '../../../src/runner/data/jsonl';
import { jsonlFileDataset } from '../../../src/runner/data/jsonlFile';
import { fileLines, firstInvalidUtf8 } from '../../../src/runner/data/lines';
import { parseConfig } from '../../../src/runner/config/load';
import type { DataConfig } from '../../../src/runner/config/schema';
import { fileDiagnostic, InputError, type Diagnostic } from '../../../src/runner/diagnostics';
import type { Sequence } from '../../../src/runner/data/types';
import { tempDir } from '../../helpers/workspace';

const dir = tempDir('seqlab-stream-');
let files = 0;
function write(content: string | Uint8Array): string {
  const file = join(dir, `f${files++}.jsonl`);
  writeFileSync(file, content);
  return file;
}

/** A dataset or an error's diagnostics, with typed arrays as plain arrays (views and copies compare alike). */
function outcome(f: () => unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(f(), (_, v) => (ArrayBuffer.isView(v) ? { [v.constructor.name]: Array.from(v as Float32Array) } : v)));
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { diagnostics: e.diagnostics };
  }
}

/**
 * The streaming loader (with small chunks, so lines cross chunk boundaries) against what loadDataset did before it:
 * the whole text read, refused when blank, then jsonlDataset.
 */
function same(text: string, why: string): void {
  const file = write(text);
  const whole = text.trim() === '' ? { diagnostics: [fileDiagnostic(file, 'the file is empty')] } : outcome(() => jsonlDataset(file, text));
  for (const chunk of [7, 64, 1 << 16]) assert.deepEqual(outcome(() => jsonlFileDataset(file, { chunkBytes: chunk })), whole, `${why} (chunk ${chunk})`);
}

test('JSONL read line by line: the same dataset as the whole-text parser, for every row form and odd layout', () => {
  same('{"x": ["a", "b"], "y": ["N", "V"]}\n{"x": ["b", "c", "a"], "y": ["V", "N", "N"]}\n', 'tokens, per-step labels');
  same('{"x": [[1, 2.5], [3e-2, -4]], "y": "cat"}\n\n  \n{"x": [[0.1, 0.2]], "y": "dog"}', 'matrix, class labels, blank lines, no final newline');
  same('{"x": [1, 2, 3], "y": [0.5, 1]}\r\n{"y": [2, 3], "x": [4, 5]}\r\n', 'vector x, vector y, CRLF, y before x');
  same('{"x": [[1],[2],[3]], "y": [[1],[2],[3]]}\n{"x": [[4]], "y": [[5]]}\n', 'per-step regression');
  same('{"x": [1], "y": 0.30000000000000004}\n{"x": [-0, 1e-300, 123456789012345678, 0.1e1, 1E+2], "y": -1e-7}\n', 'numbers the fast path hands to Number()');
  same('{"x": ["é", "\\u00e9", "😀", "a\\"b"], "y": "z"}\n{"x": ["\\u00e9"], "y": "\\u007a"}\n', 'escapes and non-ASCII (parseJsonl reads escaped lines)');
  same('{"x": [1], "x": [2, 3], "y": 1}\n\u00a0{"x": [4], "y": 2}\n', 'a repeated key (the last wins) and a no-break space');
  same('{"x": ["b10", "b9"], "y": "item10"}\n{"x": ["a"], "y": "item9"}\n{"x": ["a"], "y": "Item9"}\n', 'label order');
  const long = (n: number, y: string) => `{"x": [${Array.from({ length: n }, (_, i) => `[${(i * 0.731) % 9}, ${-i % 7}]`).join(', ')}], "y": ${y}}`;
  same(`${long(90000, '[1, 2]')}\n${long(80000, '[3, 4]')}\n{"x": [[1, 2]], "y": [5, 6]}\n`, 'lines over 1 MB (counted, then read into arrays of their size)');
  same(`${long(90000, '"a"')}\n{"x": [[1, 2]], "y": "b"}\n${long(90000, '[1]')}\n`, 'a long line that is valid and a long line that disagrees');
  same(`{"x": [${Array.from({ length: 3000 }, (_, i) => (i * 0.37) % 5).join(', ')}], "y": 3}\n{"x": [1], "y": 4}\n`, 'a line much longer than the chunk');
});

test('JSONL read line by line: the same diagnostics at the same line:column and offset', () => {
  same('{"x": [1], "y": 2}\n{"x": [1, NaN], "y": 2}\n{"x": [1], "y": 2, "z": 1}\n', 'NaN, an unknown field');
  same('{"x": [[1], [2, 3]], "y": 1}\n{"x": [1e7], "y": "a"}\n{"x": [], "y": 1}\n{"x": ["é", 1], "y": 1}\n', 'ragged, too large, empty, mixed');
  same('{"x": [1], "y": 2}\n{"x": [1], "y": 2\n{"x": [1]}\n[1, 2]\n', 'unterminated object at a line end, missing y, not an object');
  same('{"x": [1], "y": 2}\r\n{"x": [1], "y": 2\r\n', 'unterminated at a CRLF line end');
  same('{"x": [1], "y": 2}\n{"x": [1], "y": 2', 'unterminated last line');
  same('{"x": ["a"], "y": "A"}\n{"x": [1], "y": 2}\n{"x": [[1, 2]], "y": [1, 2]}\n{"x": ["é"], "y": [["a"]]}\n', 'rows that disagree with the first');
  same(Array.from({ length: 40 }, (_, i) => `{"x": [${i}], "y": "bad${i}" }`).join('\n'), 'at most about 20 problems');
  same(Array.from({ length: 30 }, () => '{"x": [1, 2], "y": [1e9, 2e9, 3e9]}').join('\n'), 'many problems on each line');
  same('\ufeff{"x": [1], "y": 2}\n', 'a byte order mark');
  same('\n \n\t\n', 'only blank lines');
  same('', 'an empty file');
});

test('JSONL read line by line: seeded random rows, some broken, give what the whole-text parser gives', () => {
  const rng = new Rng(7);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rng.uniform() * xs.length)];
  const num = () => pick(['0', '-1.5', '3e2', '0.25', '1e-5', '999999', '12.000001', '-0.0']);
  for (let round = 0; round < 20; round++) {
    const lines = Array.from({ length: 30 }, () => {
      const T = 1 + Math.floor(rng.uniform() * 4);
      const x = `[${Array.from({ length: T }, () => `[${num()}, ${num()}]`).join(', ')}]`;
      const y = pick([num(), `[${num()}]`, `"${pick(['a', 'b', 'c'])}"`]);
      const line = pick([`{"x": ${x}, "y": ${y}}`, `{"y":${y},"x":${x}}`, ` {"x": ${x} , "y" : ${y} } `]);
      return rng.uniform() < 0.03 ? line.replace(/[\]}]/, '') : line; // a few lines lose a bracket
    });
    same(lines.join(pick(['\n', '\r\n'])) + pick(['', '\n']), `round ${round}`);
  }
});

/** As same, with data.minFreq. */
function sameMinFreq(text: string, minFreq: number, why: string): void {
  const file = write(text);
  const whole = outcome(() => jsonlDataset(file, text, { minFreq }));
  for (const chunk of [7, 64, 1 << 16]) assert.deepEqual(outcome(() => jsonlFileDataset(file, { minFreq, chunkBytes: chunk })), whole, `${why} (chunk ${chunk})`);
}

const words = '{"x": ["the", "cat", "sat"], "y": "A"}\n{"x": ["the", "dog", "ran"], "y": "B"}\n{"x": ["a", "cat", "the"], "y": "A"}\n';

test('JSONL read line by line: data.minFreq and <unk> as the whole-text parser reads them', () => {
  sameMinFreq(words, 2, 'rare words read as <unk>');
  sameMinFreq(words, 1, 'minFreq 1 keeps every word');
  sameMinFreq(words + '{"x": ["<unk>", "<unk>", "<unk>"], "y": "B"}\n', 1, 'a literal <unk> in the data');
  sameMinFreq(words + '{"x": ["<unk>"], "y": "B"}\n', 3, 'a literal <unk> and rare words');
});

/**
 * A training file and a validation file read line by line (small chunks too, all alike): the dataset in brief (each
 * row as its token ids or values → its targets) or the diagnostics as file:line:column+length@offset path: message,
 * the training file's path shown as TRAIN.
 */
function withValidation(text: string, held: string, minFreq: number): unknown {
  const file = write(text);
  const vfile = write(held);
  const name = (f: string) => (f === file ? 'TRAIN' : f === vfile ? 'VAL' : f);
  const seen = [7, 64, 1 << 16].map((chunkBytes) => {
    try {
      const ds = jsonlFileDataset(file, { minFreq, validation: vfile, chunkBytes });
      const row = (s: Sequence) => `${Array.from(s.tokens ?? s.x!).join(' ')} → ${Array.from(s.y).join(' ')}`;
      return { input: ds.input, target: ds.target, rareTokens: ds.rareTokens, train: ds.train.map(row), validation: ds.validation!.map(row) };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      return e.diagnostics.map((d) => `${name(d.file)}:${d.start.line}:${d.start.column}+${d.length}@${d.offset} ${d.path}: ${d.message.replace(file, 'TRAIN')}`);
    }
  });
  for (const other of seen.slice(1)) assert.deepEqual(other, seen[0], 'the same at every chunk size');
  return seen[0];
}

test('JSONL validation file (data.validationPath): read line by line with the training vocabulary and labels', () => {
  assert.deepEqual(withValidation(words, '{"x": ["the", "cow"], "y": "B"}\n\n{"x": ["cat"], "y": "A"}', 2), {
    input: { kind: 'tokens', vocab: ['<unk>', 'cat', 'the'] },
    target: { kind: 'class', labels: ['A', 'B'], perStep: false },
    rareTokens: 4,
    train: ['2 1 0 → 0', '2 0 0 → 1', '0 1 2 → 0'],
    validation: ['2 0 → 1', '1 → 0'], // "cow", unseen, is <unk>
  });
  assert.deepEqual(withValidation('{"x": [[1, 2]], "y": [0.5]}\n', '{"x": [[3, 4], [5, 6]], "y": 2}\n', 2), {
    input: { kind: 'float', size: 2 },
    target: { kind: 'regression', size: 1, perStep: false },
    rareTokens: undefined,
    train: ['1 2 → 0.5'],
    validation: ['3 4 5 6 → 2'], // a number where the training file has a list of one
  });
  const unknown = "is not in the training file's vocabulary, which has no <unk> (no token is rarer than data.minFreq)";
  assert.deepEqual(withValidation(words, '{"x": ["the", "cow", "pig"], "y": "C"}\n{"x": ["cat"], "y": "D"}\n', 1), [
    `VAL:1:1+1@0 line 1: token "cow" ${unknown}`,
    'VAL:1:1+1@0 line 1: label "C" is not one of the training file\'s labels (A, B)',
    'VAL:2:1+1@39 line 2: label "D" is not one of the training file\'s labels (A, B)',
  ]);
  assert.deepEqual(withValidation('{"x": [1], "y": ["a"]}\n', '{"x": [2, 3], "y": ["a", "b"]}\n', 2), [
    'VAL:1:1+1@0 line 1: label "b" is not one of the training file\'s labels (a)',
  ]);
});

test('JSONL validation file: its rows must parse and agree with the training file\'s first row; a blank one is empty', () => {
  assert.deepEqual(withValidation(words, '{"x": [1, 2], "y": "A"}\n{"x": ["a"], "y": [1]}\n{"x": ["a"], "y": "A", "z": 1}\n', 2), [
    'VAL:3:24+3@70 line 3 field "z": unknown field; expected only "x" and "y"', // parse errors first, alone
  ]);
  assert.deepEqual(withValidation(words, '{"x": [1, 2], "y": "A"}\n{"x": ["a"], "y": [1]}\n', 2), [
    'VAL:1:1+1@0 line 1: x is numbers but line 1 of TRAIN has tokens',
    'VAL:2:1+1@24 line 2: y is a list of numbers but line 1 of TRAIN has a class label string',
  ]);
  assert.deepEqual(withValidation('{"x": [[1, 2]], "y": [0.5]}\n', '{"x": [[1, 2, 3]], "y": [1, 2]}\n', 2), [
    'VAL:1:1+1@0 line 1: x has 3 features per step but line 1 of TRAIN has 2',
    'VAL:1:1+1@0 line 1: y has width 2 but line 1 of TRAIN has 1',
  ]);
  assert.deepEqual(withValidation(words, ' \n', 2), ['VAL:1:1+0@0 : the file is empty']);
  // Problems in both files: the training file's first, 20 in all.
  const train = Array.from({ length: 15 }, (_, i) => `{"x": [${i}], "y": ${i % 2 ? 1 : '"a"'}}`).join('\n');
  const got = withValidation(train, Array.from({ length: 15 }, (_, i) => `{"x": ["${i}"], "y": "a"}`).join('\n'), 2) as string[];
  assert.equal(got.length, 20);
  assert.equal(got[0], 'TRAIN:2:1+1@21 line 2: y is a number but line 1 has a class label string');
  assert.equal(got[7], 'VAL:1:1+1@0 line 1: x is tokens but line 1 of TRAIN has numbers');
  assert.equal(got[19], 'VAL:13:1+1@278 line 13: x is tokens but line 1 of TRAIN has numbers');
});

type CsvConfig = Extract<DataConfig, { source: 'csv' }>;
const CSV: CsvConfig = { source: 'csv', path: 'x.csv', columns: [], target: [], window: 3, horizon: 1, validation: 0.25, task: 'forecast', threshold: null };

/** csvFileDataset (small chunks too) against what loadDataset did before: the whole text, refused when blank, csvDataset. */
function sameCsv(text: string, why: string, c: Partial<CsvConfig> = {}, withSource = false): void {
  const file = write(text);
  const cfg = { ...CSV, ...c };
  // The config the columns come from, for ranging a wrong column name at its entry.
  const source = withSource ? parseConfig('c.seqlab.json', JSON.stringify({ data: cfg }, null, 2)).source : undefined;
  const whole = text.trim() === '' ? { diagnostics: [fileDiagnostic(file, 'the file is empty')] } : outcome(() => csvDataset(file, text, cfg, source));
  for (const chunk of [5, 64, 1 << 16]) assert.deepEqual(outcome(() => csvFileDataset(file, cfg, { source, chunkBytes: chunk })), whole, `${why} (chunk ${chunk})`);
}

const series = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');

test('CSV read line by line: the same windows, normalization, baseline and series as the whole-text parser', () => {
  sameCsv('Month,V\n' + series(12, (i) => `m${i},${(i * 7) % 5 + 0.25}`) + '\n', 'a text column skipped, one numeric column');
  sameCsv('a, b ,c\r\n' + series(10, (i) => ` ${i} ,${i * i},-${i}.5\r`).replace(/\r\n?/g, '\r\n') + '\r\n\r\n', 'CRLF, spaces, blank lines', { target: ['c'], horizon: 2 });
  sameCsv('"name, quoted",v,w\n' + series(9, (i) => `"x ""${i}"", y",${i},"${i * 2}"`), 'quoted cells, escaped quotes, no final newline');
  sameCsv('t,v\n"a\nb",1\n' + series(8, (i) => `t${i},${i}`), 'a quoted newline inside a cell');
  sameCsv('v,w\n' + series(40, (i) => `${Math.sin(i)},${Math.cos(i) * 1e5}`), 'columns and targets named', { columns: ['w', 'v'], target: ['v'], window: 5 });
});

test('CSV read line by line: the same time column as the whole-text parser', () => {
  sameCsv('date,sales,temp\n' + series(8, (i) => `2021-03-0${i + 1},${10 + i},${5 - i}`), 'ISO dates: the time axis, not an input');
  sameCsv('when,v\n' + series(8, (i) => `2021-03-0${i + 1}T10:0${i}:00+02:00,${i * i}`), 'date-times with a zone, in a column not named like time');
  sameCsv('Year,v\n' + series(8, (i) => `${1990 + i},${i * i}`), 'a year column');
  sameCsv('Year,v\n' + series(8, (i) => `${1990 + i},${i * i}`), 'a year column named in columns is an input', { columns: ['Year', 'v'] });
  sameCsv('n,total,v\n' + series(8, (i) => `${i},${(i * (i + 1)) / 2},${i % 3}`), 'a row index; a running total is data');
  sameCsv('a,b\n' + series(8, (i) => `${i % 2},${i % 3}`), 'no time column');
  sameCsv('day,v\n' + series(8, (i) => `${8 - i},${i}`), 'a time name in decreasing order is no time column');
  sameCsv('t,x,y\n' + series(8, (i) => `${i * 0.5},${i * 0.5 + (i % 2) * 1e-12},${i}`), 'evenly spaced within tolerance');
  sameCsv('date,v\n' + series(8, (i) => `2021-03-0${i + 1},x${i}`), 'nothing numeric besides the time column');
  sameCsv('date,v\n2021-03-01,1\n2021-03-02\n' + series(6, (i) => `2021-03-0${i + 3},${i}`), 'a ragged row under a date column');
});

test('CSV read line by line: a wrong column name is reported at its entry in the config', () => {
  sameCsv('v,w\n' + series(30, (i) => `${i},${i}`), 'unknown column names, ranged in the config', { columns: ['vv', 'q'], target: ['W'] }, true);
  sameCsv('date,v\n' + series(8, (i) => `2021-03-0${i + 1},x${i}`), 'nothing numeric besides the time column, at data.columns', {}, true);
});

test('CSV read line by line: the same diagnostics at the same line:column and offset', () => {
  sameCsv('v,w\n1,2\n3\n4,abc\n,6\n7,1e7\n8,inf\n9,NaN\n10,11\n', 'ragged, not a number, empty, too large, infinite, NaN');
  sameCsv('v,w\n' + series(60, (i) => (i % 3 ? `x${i},y${i}` : `${i},${i}`)), 'over 20 problems in two columns', { columns: ['v', 'w'] });
  sameCsv('v,w\n' + series(30, (i) => `${i},${i}`), 'unknown column names', { columns: ['vv', 'q'], target: ['W'] });
  sameCsv('a,b\nx,y\nz,w\n', 'no numeric column');
  sameCsv('v\n1\n2\n3\n', 'too few rows');
  sameCsv('v,w\n', 'a header alone');
  sameCsv('v,w\n1,2\n"3\nx",4\n5,6\n7,8\n9,10\n', 'a bad quoted cell across lines', { columns: ['v', 'w'] });
  sameCsv('v,w\n1,2\n"3,4\n5,6\n', 'an unterminated quote');
  sameCsv('\ufeffv,w\n' + series(6, (i) => `${i},${i}`), 'a byte order mark before the header', { columns: ['v'] });
  sameCsv(' \n\t\n', 'only blank lines');
  sameCsv('', 'an empty file');
});

test('lines come out as split("\\n") gives them, with UTF-16 offsets, across chunk boundaries', () => {
  const text = 'ab\r\n\né😀x\n' + 'z'.repeat(50) + '\nlast';
  const file = write(text);
  for (const chunk of [3, 8, 1024]) {
    const got = [];
    for (const l of fileLines(file, chunk)) got.push({ text: l.bytes.toString('utf8'), number: l.number, offset: l.offset, last: l.last });
    let offset = 0;
    const want = text.split('\n').map((t, i, all) => {
      const line = { text: t, number: i + 1, offset, last: i === all.length - 1 };
      offset += t.length + 1;
      return line;
    });
    assert.deepEqual(got, want, `chunk ${chunk}`);
  }
});

test('a data file that is not UTF-8 is refused with its byte offset and line:column', () => {
  assert.equal(firstInvalidUtf8(Buffer.from('abc')), -1);
  assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xc3, 0xa9, 0xed, 0xa0, 0x80])), 3); // an encoded surrogate
  assert.equal(firstInvalidUtf8(Buffer.from([0xe2, 0x82])), 0); // cut short
  assert.equal(firstInvalidUtf8(Buffer.from([0xc0, 0xaf])), 0); // overlong
  const bytes = Buffer.concat([Buffer.from('{"x": [1], "y": 2}\n{"x": ["é'), Buffer.from([0xff, 0x00]), Buffer.from('"], "y": 1}\n')]);
  const file = write(bytes);
  for (const chunk of [5, 1 << 16]) {
    let d: Diagnostic | undefined;
    try {
      jsonlFileDataset(file, { chunkBytes: chunk });
    } catch (e) {
      d = (e as InputError).diagnostics[0];
    }
    assert.ok(d, 'refused');
    assert.equal(d.file, file);
    assert.deepEqual(d.start, { line: 2, column: 10 });
    assert.match(d.message, /not UTF-8 text: byte offset 29 holds 0xff/);
  }
});
