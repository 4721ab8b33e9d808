import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupByFile, toEditorRange } from '../../src/extension/diagnosticsMap';
import { join } from 'node:path';
import { checkConfigText } from '../../src/extension/configCheck';
import { parseConfig } from '../../src/runner/config/load';
import { tempWorkspace } from '../helpers/workspace';

test('1-based runner positions become 0-based editor ranges', () => {
  assert.deepEqual(toEditorRange({ start: { line: 3, column: 5 }, end: { line: 3, column: 12 } }),
    { start: { line: 2, character: 4 }, end: { line: 2, character: 11 } });
});

test('an empty range is widened to one character so the editor can show it', () => {
  assert.deepEqual(toEditorRange({ start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }),
    { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } });
});

test('a bad value in a real config is underlined exactly where it is', () => {
  const text = '{\n  "model": { "cell": "lstmm" }\n}\n';
  const { diagnostics } = parseConfig('/ws/a.seqlab.json', text);
  const grouped = groupByFile(diagnostics);
  const mine = grouped.get('/ws/a.seqlab.json');
  assert.ok(mine && mine.length > 0, 'the config has a diagnostic');
  const cell = mine.find((d) => d.code === 'model.cell');
  assert.ok(cell, `a diagnostic on model.cell among ${JSON.stringify(mine)}`);
  const line = text.split('\n')[cell.range.start.line];
  assert.equal(line.slice(cell.range.start.character, cell.range.end.character), '"lstmm"');
  assert.equal(cell.severity, 'error');
});

test('diagnostics are grouped by file and exact duplicates dropped', () => {
  const d = { path: 'data.file', message: 'no such file', severity: 'error' as const,
    start: { line: 2, column: 3 }, end: { line: 2, column: 9 }, offset: 10, length: 6 };
  const grouped = groupByFile([{ ...d, file: '/a' }, { ...d, file: '/a' }, { ...d, file: '/b', message: 'bad row' }]);
  assert.deepEqual([...grouped.keys()], ['/a', '/b']);
  assert.equal(grouped.get('/a')!.length, 1);
});

test('a config naming a missing data file is flagged on its data.path value', () => {
  const text = '{\n  "data": { "source": "csv", "path": "missing.csv" }\n}\n';
  const ws = tempWorkspace({ 'series.seqlab.json': text });
  const file = join(ws, 'series.seqlab.json');
  const grouped = groupByFile(checkConfigText(file, text, ws));
  const mine = grouped.get(file) ?? [];
  const onPath = mine.find((d) => text.split('\n')[d.range.start.line].slice(d.range.start.character, d.range.end.character) === '"missing.csv"');
  assert.ok(onPath, `a diagnostic under "missing.csv" among ${JSON.stringify([...grouped])}`);
});
