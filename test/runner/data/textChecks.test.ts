// Text data that is not text: bytes that are not UTF-8 are refused at their offset; an implausible vocabulary is warned about.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../../src/runner/config/load';
import { loadDataset, textDataset } from '../../../src/runner/data/index';
import { formatDiagnostic, InputError } from '../../../src/runner/diagnostics';
import { tempWorkspace } from '../../helpers/workspace';

test('a binary data file is refused, naming the file and the byte offset of the first byte that is not UTF-8', () => {
  const dir = tempWorkspace();
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]);
  const latin1 = Buffer.from('date,v\n2024-01-01,1\ncaf\xe9,2\n', 'latin1');
  const cases: [string, Buffer, Record<string, unknown>, string][] = [
    ['image.txt', png, { source: 'text', seqLength: 4 }, ':1:1: error: not UTF-8 text: byte offset 0 holds 0x89'],
    ['notes.csv', latin1, { source: 'csv', window: 1, horizon: 1 }, ':3:4: error: not UTF-8 text: byte offset 23 holds 0xe9'],
    ['rows.jsonl', Buffer.concat([Buffer.from('{"x": [1], "y": 1}\n'), png]), { source: 'jsonl' }, ':2:1: error: not UTF-8 text: byte offset 19 holds 0x89'],
  ];
  for (const [name, bytes, data, want] of cases) {
    writeFileSync(join(dir, name), bytes);
    const { config } = parseConfig(join(dir, 'c.seqlab.json'), JSON.stringify({ data: { ...data, path: name } }));
    assert.ok(config, name);
    assert.throws(() => loadDataset(config, { configDir: dir, workspace: dir }), (e: InputError) => {
      assert.ok(e instanceof InputError, String(e));
      assert.equal(e.diagnostics.length, 1);
      assert.ok(formatDiagnostic(e.diagnostics[0]).startsWith(join(dir, name) + want), formatDiagnostic(e.diagnostics[0]));
      return true;
    });
  }
});

test('a character vocabulary implausibly large for the text is a warning that says how many characters', () => {
  const many = Array.from({ length: 600 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('').repeat(20);
  const w = textDataset('cjk.txt', many, 16, 0.1).warnings;
  assert.equal(w.length, 1);
  assert.equal(w[0].severity, 'warning');
  assert.match(w[0].message, /^the text has 600 distinct characters among its 12000 \(more than 500\)/);
  const sparse = Array.from({ length: 150 }, (_, i) => String.fromCodePoint(0x100 + i)).join('').repeat(6);
  assert.match(textDataset('s.txt', sparse, 16, 0.1).warnings[0].message, /150 distinct characters among its 900 \(about 6 occurrences of each on average\)/);
  const prose = 'It was the best of times, it was the worst of times; it was the age of wisdom, it was the age of foolishness. '.repeat(30);
  assert.deepEqual(textDataset('prose.txt', prose, 16, 0.1).warnings, []);
});
