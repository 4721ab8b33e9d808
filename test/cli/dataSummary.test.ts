// The data line validate and run print: the columns a CSV run reads and predicts, and its time column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataSummary } from '../../src/cli/dataSummary';
import { csvDataset } from '../../src/runner/data/csv';

const config = (columns: string[]) =>
  ({ source: 'csv' as const, path: 's.csv', columns, target: [], window: 2, horizon: 1, validation: 0.2, task: 'forecast' as const, threshold: null });
const text = 'Year,v,w\n' + Array.from({ length: 8 }, (_, i) => `${1990 + i},${i * i},${i % 3}`).join('\n') + '\n';

test('the data line says whether the time column is an input: not by default, yes when data.columns names it', () => {
  assert.equal(dataSummary(csvDataset('s.csv', text, config([]))), 'columns: inputs v, w; targets v, w; time column Year, not an input');
  assert.equal(dataSummary(csvDataset('s.csv', text, config(['Year', 'v']))), 'columns: inputs Year, v; targets Year, v; time column Year');
});
