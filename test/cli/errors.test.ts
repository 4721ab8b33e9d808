// Bad configs and bad data: exit code 2 and a message naming the file, the line and the problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, tempWorkspace as ws } from '../helpers/workspace';
import { cli } from './helpers';

const jsonlConfig = (path: string) => `{\n  "data": { "source": "jsonl", "path": ${JSON.stringify(path)}, "validation": 0 },\n  "train": { "steps": 2 }\n}\n`;

function expectInputError(files: Record<string, string>, pattern: RegExp, cwdSub = ''): string {
  const dir = ws(files);
  for (const cmd of ['validate', 'run']) {
    const r = cli([cmd, 'c.seqlab.json'], join(dir, cwdSub));
    assert.equal(r.code, 2, `${cmd}: ${r.stderr}`);
    assert.match(r.stderr, pattern, cmd);
  }
  return dir;
}

test('wrong types in the config: exit 2 with file:line:column and the JSON path', () => {
  expectInputError({ 'c.seqlab.json': '{\n  "model": { "hiddenSize": "big" }\n}\n' },
    /c\.seqlab\.json:2:28: error: model\.hiddenSize: expected an integer, got the string "big"/);
});

test('an unknown key suggests the intended one', () => {
  expectInputError({ 'c.seqlab.json': '{\n  "trian": {}\n}\n' }, /c\.seqlab\.json:2:3: error: trian: unknown key "trian"; did you mean "train"\?/);
});

test('a missing config file and a missing data file', () => {
  const dir = ws({});
  const r = cli(['run', 'nope.seqlab.json'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nope\.seqlab\.json:1:1: error: config file not found/);
  expectInputError({ 'c.seqlab.json': jsonlConfig('data/missing.jsonl') },
    /c\.seqlab\.json:2:40: error: data\.path: data file "data\/missing\.jsonl" not found/);
});

test('ragged sequences name the line and step', () => {
  expectInputError({ 'c.seqlab.json': jsonlConfig('d.jsonl'), 'd.jsonl': '{"x": [[1, 2], [3, 4]], "y": 1}\n{"x": [[1, 2], [3]], "y": 0}\n' },
    /d\.jsonl:2:16: error: line 2 x\[1\]: ragged sequence: step 1 has 1 features but step 0 has 2/);
});

test('NaN and Infinity values are rejected with their position', () => {
  expectInputError({ 'c.seqlab.json': jsonlConfig('d.jsonl'), 'd.jsonl': '{"x": [[1], [NaN]], "y": 1}\n' },
    /d\.jsonl:1:14: error: line 1: NaN is not a valid value: every number must be finite/);
  expectInputError({ 'c.seqlab.json': '{"data": {"source": "csv", "path": "s.csv", "window": 2}}', 's.csv': 'month,value\n1,10\n2,Infinity\n3,12\n4,13\n5,14\n' },
    /s\.csv:3:3: error: line 3, column "value": Infinity is not a finite number/);
});

test('a column name the CSV does not have is reported at its entry in the config, with the header and a suggestion', () => {
  const config = '{\n  "data": { "source": "csv", "path": "s.csv", "window": 2,\n    "columns": ["value", "tempreature"] }\n}\n';
  const csv = 'date,value,temperature\n' + Array.from({ length: 8 }, (_, i) => `2020-01-0${i + 1},${i},${20 + i}`).join('\n') + '\n';
  expectInputError({ 'c.seqlab.json': config, 's.csv': csv },
    /c\.seqlab\.json:3:26: error: data\.columns\[1\]: no column "tempreature" in the header of .*s\.csv \(date, value, temperature\); did you mean "temperature"\?/);
});

test('empty data files', () => {
  expectInputError({ 'c.seqlab.json': jsonlConfig('d.jsonl'), 'd.jsonl': '\n\n' }, /d\.jsonl:1:1: error: the file is empty/);
  expectInputError({ 'c.seqlab.json': '{"data": {"source": "csv", "path": "s.csv"}}', 's.csv': 'a,b\n' }, /s\.csv:1:1: error: the file has a header but no data rows/);
});

test('huge values (> 1e6 in magnitude) are errors', () => {
  expectInputError({ 'c.seqlab.json': jsonlConfig('d.jsonl'), 'd.jsonl': '{"x": [[1], [2]], "y": 3e7}\n' },
    /d\.jsonl:1:24: error: line 1 y: 30000000 is larger than 1000000 in magnitude/);
});

test('wrong types and inconsistent rows in JSONL data', () => {
  expectInputError({ 'c.seqlab.json': jsonlConfig('d.jsonl'), 'd.jsonl': '{"x": [[1], ["a"]], "y": 1}\n' },
    /line 1 x\[1\]\[0\]: expected a number, got the string "a"/);
  expectInputError({ 'c.seqlab.json': jsonlConfig('d.jsonl'), 'd.jsonl': '{"x": [[1]], "y": 1}\n{"x": [[1]], "y": "cat"}\n' },
    /d\.jsonl:2:1: error: line 2: y is a class label string but line 1 has a number/);
});

test('paths outside the workspace: absolute, ".." and symlinks are refused', () => {
  expectInputError({ 'c.seqlab.json': jsonlConfig('/etc/passwd') }, /data\.path: "\/etc\/passwd" is an absolute path/);
  expectInputError({ 'c.seqlab.json': jsonlConfig('../outside.jsonl') }, /data\.path: "\.\.\/outside\.jsonl" points outside the workspace/);
  const outside = ws({ 'secret.jsonl': '{"x": [[1]], "y": 1}\n' });
  const dir = ws({ 'c.seqlab.json': jsonlConfig('link.jsonl') });
  symlinkSync(join(outside, 'secret.jsonl'), join(dir, 'link.jsonl'));
  const r = cli(['validate', 'c.seqlab.json'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /"link\.jsonl" is a symlink that resolves outside the workspace/);
});

test('semantic errors: cross_entropy with a regression target', () => {
  expectInputError({ 'c.seqlab.json': '{\n "data": {"source": "sine", "trainSize": 4, "validationSize": 2},\n "train": {"loss": "cross_entropy"}\n}' },
    /c\.seqlab\.json:3:20: error: train\.loss: cross_entropy needs class labels/);
});

test('--help for each command, and an unknown command exits 2', () => {
  const dir = tempDir();
  for (const cmd of ['run', 'validate', 'runs', 'report', 'sample', 'predict']) {
    const r = cli([cmd, '--help'], dir);
    assert.equal(r.code, 0);
    assert.match(r.stdout, new RegExp(`Usage: seqlab ${cmd}`));
  }
  const r = cli(['frobnicate'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command "frobnicate"/);
});

test('--version prints the package version; an unknown option or one without its value exits 2 naming it', () => {
  const dir = tempDir();
  const { version } = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string };
  const v = cli(['--version'], dir);
  assert.equal(v.code, 0, v.stderr);
  assert.equal(v.stdout, `${version}\n`);
  const unknown = cli(['validate', 'c.seqlab.json', '--frobnicate'], dir);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option --frobnicate/);
  const missing = cli(['run', 'c.seqlab.json', '--out'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /option --out needs a value/);
});

test('--init is strict about names and shapes, and rejects malformed files', () => {
  const dir = tempDir();
  cpSync(join(__dirname, '../runner/fixtures/golden-gru'), dir, { recursive: true });
  const cfg = readFileSync(join(dir, 'one-sgd-step.seqlab.json'), 'utf8').replace('"hiddenSize": 8', '"hiddenSize": 4');
  writeFileSync(join(dir, 'small.seqlab.json'), cfg);
  const r = cli(['run', 'small.seqlab.json', '--init', 'w.safetensors', '--out', 'run'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /w\.safetensors:1:1: error: --init: State dict tensor rnn\.weight_ih_l0 has shape \[24, 3\] but the model expects \[12, 3\]/);
  const rnnConfig = readFileSync(join(dir, 'one-sgd-step.seqlab.json'), 'utf8').replace('"cell": "gru"', '"cell": "rnn"'); // names match, gate shapes do not
  writeFileSync(join(dir, 'rnn.seqlab.json'), rnnConfig);
  assert.equal(cli(['run', 'rnn.seqlab.json', '--init', 'w.safetensors', '--out', 'run2'], dir).code, 2);
  writeFileSync(join(dir, 'junk.safetensors'), 'not a tensor file');
  const j = cli(['run', 'one-sgd-step.seqlab.json', '--init', 'junk.safetensors', '--out', 'run3'], dir);
  assert.equal(j.code, 2);
  assert.match(j.stderr, /junk\.safetensors: not a valid safetensors file: header length \d+ exceeds the file/);
});
