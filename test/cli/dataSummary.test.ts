// The data line validate and run print: the columns a CSV run reads and predicts, and its time column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataSummary } from '../../src/cli/dataSummary';
import { csvFileDataset } from '../../src/runner/data/csvFile';
import { tempDir } from '../helpers/workspace';

const config = (columns: string[]) =>
  ({ source: 'csv' as const, path: 's.csv', columns, target: [], window: 2, horizon: 1, validation: 0.2, task: 'forecast' as const, threshold: null });
const file = join(tempDir('seqlab-summary-'), 's.csv');
const text = 'Year,v,w\n' + Array.from({ length: 8 }, (_, i) => `${1990 + i},${i * i},${i % 3}`).join('\n') + '\n';
writeFileSync(file, text);

test('the data line says whether the time column is an input: not by default, yes when data.columns names it', () => {
  assert.equal(dataSummary(csvFileDataset(file, config([]))), 'columns: inputs v, w; targets v, w; time column Year, not an input');
  assert.equal(dataSummary(csvFileDataset(file, config(['Year', 'v']))), 'columns: inputs Year, v; targets Year, v; time column Year');
});
