// CSV time series → sliding windows for forecasting (and anomaly scoring by prediction error). csvDataset, from the
// whole text, is the readable reference: runs load through csvFile.ts, which reads a line at a time into typed arrays
// and is tested to give exactly csvDataset's datasets and diagnostics. The column choice and cell checks are shared.
import { diagnosticAt, fileDiagnostic, InputError, LineMap, type Diagnostic } from '../diagnostics';
import { suggest } from '../config/dsl';
import type { ConfigSource } from '../config/load';
import type { DataConfig } from '../config/schema';
import { findTimeColumn, type TimeAxis } from './timeColumn';
import { MAX_ABS_VALUE, type Dataset, type Normalization, type Sequence } from './types';

interface Cell { text: string; offset: number }
interface CsvTable { header: Cell[]; rows: { line: number; cells: Cell[] }[] }

/** Splits CSV text into cells, honoring double-quoted fields. */
function parseCsv(text: string): CsvTable {
  const lines: { line: number; cells: Cell[] }[] = [];
  let cells: Cell[] = [];
  let cur = '';
  let start = 0;
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const endCell = (i: number) => { cells.push({ text: cur.trim(), offset: start }); cur = ''; start = i + 1; };
  for (let i = 0; i <= text.length; i++) {
    const ch = i < text.length ? text[i] : '\n';
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') quoted = false; else cur += ch;
      if (ch === '\n') line++;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ',') endCell(i);
    else if (ch === '\n') {
      endCell(i);
      if (!(cells.length === 1 && cells[0].text === '')) lines.push({ line: rowLine, cells });
      cells = [];
      line++;
      rowLine = line;
    } else if (ch !== '\r') cur += ch;
  }
  const [header, ...rows] = lines;
  return { header: header?.cells ?? [], rows };
}

export type CsvConfig = Extract<DataConfig, { source: 'csv' }>;

/** A parsed CSV file with what it takes to range diagnostics in it. */
interface Csv { file: string; map: LineMap; table: CsvTable; names: string[] }
type Stats = Map<number, { mean: number; std: number }>;

/**
 * The dataset of a CSV file's whole text; `source`, the config, is where a wrong column name is reported (at
 * data.columns or data.target). loadDataset reads files a line at a time (csvFile.ts, with the same time column and
 * column choice: findTimeColumn and pickColumns); this builder is what that is tested against
 * (test/runner/data/streaming.test.ts) and what bench/dataMemory.ts measures as the way before it.
 */
export function csvDataset(file: string, text: string, c: CsvConfig, source?: ConfigSource): Dataset {
  const table = parseCsv(text);
  if (table.header.length === 0) throw new InputError([fileDiagnostic(file, 'the file is empty; expected a header row and data rows')]);
  if (table.rows.length === 0) throw new InputError([fileDiagnostic(file, 'the file has a header but no data rows')]);
  const csv: Csv = { file, map: new LineMap(text), table, names: table.header.map((h) => h.text) };
  const time = findTimeColumn(csv.names, (j) => table.rows.map((r) => r.cells[j]?.text ?? ''));
  const header: Header = {
    file, names: csv.names,
    isNumeric: (j) => table.rows.filter((r) => r.cells[j] !== undefined && r.cells[j].text !== '' && Number.isFinite(Number(r.cells[j].text))).length > table.rows.length / 2,
    atTop: (path, message) => diagnosticAt(file, csv.map, 0, 0, path, message),
  };
  const { inputs, targets } = pickColumns(header, c, time, source);
  const values = readColumns(csv, [...new Set([...inputs, ...targets])]);
  const N = table.rows.length;
  const windowCount = N - c.window - c.horizon + 1;
  if (windowCount < 2) {
    throw new InputError([fileDiagnostic(file, `${N} rows are too few for window ${c.window} and horizon ${c.horizon} (need at least ${c.window + c.horizon + 1})`)]);
  }
  // Rows before trainRows form the training part; their statistics normalize everything.
  const trainRows = Math.max(c.window + c.horizon, Math.round(N * (1 - c.validation)));
  const stats = columnStats(values, trainRows);
  const { windows, targetRows } = slideWindows(values, stats, inputs, targets, c, windowCount);
  const train = windows.filter((_, i) => targetRows[i] < trainRows);
  const validation = windows.filter((_, i) => targetRows[i] >= trainRows);
  const baselineMse = persistenceMse(validation.length ? validation : train, inputs, targets);
  const targetNames = targets.map((j) => csv.names[j]);
  const normalization = (cols: number[]): Normalization =>
    ({ columns: cols.map((j) => csv.names[j]), mean: cols.map((j) => stats.get(j)!.mean), std: cols.map((j) => stats.get(j)!.std) });
  return {
    input: { kind: 'float', size: inputs.length },
    target: { kind: 'regression', size: targets.length, perStep: false },
    train, validation, baselines: baselineMse === null ? {} : { baselineMse }, warnings: [],
    series: {
      normalization: normalization(targets),
      inputNormalization: normalization(inputs),
      targetColumns: targetNames,
      time,
      windows, targetRows,
      values: Array.from({ length: N }, (_, r) => targets.map((j) => values.get(j)![r])),
    },
  };
}

/**
 * Prediction input in a CSV run's own format: every `window` consecutive rows of the run's input columns (found by
 * name in the header), in the file's units, with the line of the window's last row.
 */
export function csvWindows(file: string, text: string, columns: string[], window: number): { line: number; values: number[] }[] {
  const table = parseCsv(text);
  const csv: Csv = { file, map: new LineMap(text), table, names: table.header.map((h) => h.text) };
  const missing = columns.filter((n) => !csv.names.includes(n));
  if (missing.length) throw new InputError([fileDiagnostic(file, `no column ${missing.map((n) => `"${n}"`).join(', ')} in the header (${csv.names.join(', ')}); the run reads ${columns.join(', ')}`)]);
  if (table.rows.length < window) throw new InputError([fileDiagnostic(file, `${table.rows.length} data rows are fewer than the run's window of ${window}`)]);
  const used = columns.map((n) => csv.names.indexOf(n));
  const values = readColumns(csv, used);
  return Array.from({ length: table.rows.length - window + 1 }, (_, s) => ({
    line: table.rows[s + window - 1].line,
    values: Array.from({ length: window * used.length }, (_, i) => values.get(used[i % used.length])![s + Math.floor(i / used.length)]),
  }));
}

/** Diagnostics ranged in the CSV text, collected into `diags`. */
function reporter(csv: Csv, diags: Diagnostic[]) {
  return (offset: number, length: number, path: string, message: string) => diags.push(diagnosticAt(csv.file, csv.map, offset, length, path, message));
}

/** A CSV file's header and how to tell its numeric columns, for choosing the columns (csv.ts and csvFile.ts alike). */
export interface Header {
  file: string;
  names: string[];
  /** Whether most of the column's cells are numbers. */
  isNumeric: (j: number) => boolean;
  /** A diagnostic at the top of the file, for a config entry (`path`) when there is no config to range it in. */
  atTop: (path: string, message: string) => Diagnostic;
}

/**
 * Column indices of the inputs (named, or every numeric column but the time column) and of the targets (named, or
 * the inputs). A name not in the header is reported at its entry in the config, or the top of the file when there is
 * no config.
 */
export function pickColumns(h: Header, c: CsvConfig, time: TimeAxis | null, source?: ConfigSource): { inputs: number[]; targets: number[] } {
  const { names } = h;
  const diags: Diagnostic[] = [];
  const columnIndex = (name: string, field: 'columns' | 'target', k: number): number => {
    const i = names.indexOf(name);
    if (i < 0) {
      const hint = suggest(name, names);
      const message = `no column "${name}" in the header of ${h.file} (${names.join(', ')})${hint ? `; did you mean "${hint}"?` : ''}`;
      diags.push(source ? source.at(['data', field, k], message) : h.atTop(`data.${field}[${k}]`, message));
    }
    return i;
  };
  // A column counts as numeric when most of its cells are numbers; its other cells are then reported, not skipped.
  const inputs = c.columns.length
    ? c.columns.map((n, k) => columnIndex(n, 'columns', k))
    : names.map((_, j) => j).filter((j) => h.isNumeric(j) && names[j] !== time?.column);
  if (!c.columns.length && inputs.length === 0) {
    const besides = time ? ` besides the time column "${time.column}"` : '';
    const message = `no column${besides} holds only numbers; name the columns to use`;
    diags.push(source ? source.at(['data', 'columns'], message, { atKey: true }) : h.atTop('data.columns', message));
  }
  const targets = c.target.length ? c.target.map((n, k) => columnIndex(n, 'target', k)) : inputs;
  if (diags.length) throw new InputError(diags);
  return { inputs, targets };
}

/** The values of the used columns by column index, reporting every bad cell by line and column name. */
function readColumns(csv: Csv, used: number[]): Map<number, number[]> {
  const { names, map } = csv;
  const diags: Diagnostic[] = [];
  const report = reporter(csv, diags);
  const values = new Map<number, number[]>(used.map((j) => [j, []]));
  for (const r of csv.table.rows) {
    if (r.cells.length !== names.length) {
      report(map.lineStart(r.line), 1, `line ${r.line}`, `has ${r.cells.length} fields but the header has ${names.length}`);
      continue;
    }
    for (const j of used) {
      const cell = r.cells[j];
      const v = cell.text === '' ? NaN : Number(cell.text);
      const problem = cellProblem(cell.text, v);
      if (problem) report(cell.offset, cell.text.length, `line ${r.line}, column "${names[j]}"`, problem);
      values.get(j)!.push(v);
    }
    if (diags.length >= 20) break;
  }
  if (diags.length) throw new InputError(diags);
  return values;
}

export function cellProblem(text: string, v: number): string | null {
  if (text === '') return 'empty value';
  if (Number.isNaN(v) && !/^nan$/i.test(text)) return `"${text}" is not a number`;
  if (!Number.isFinite(v)) return `${text} is not a finite number`;
  if (Math.abs(v) > MAX_ABS_VALUE) return `${text} is larger than ${MAX_ABS_VALUE} in magnitude; rescale the column`;
  return null;
}

/** Mean and standard deviation (1 for a constant column) of each column over the first `rows` rows. */
function columnStats(values: Map<number, number[]>, rows: number): Stats {
  const stats: Stats = new Map();
  for (const [j, all] of values) {
    const v = all.slice(0, rows);
    const mean = v.reduce((s, a) => s + a, 0) / v.length;
    const std = Math.sqrt(v.reduce((s, a) => s + (a - mean) ** 2, 0) / v.length) || 1;
    stats.set(j, { mean, std });
  }
  return stats;
}

/** Every window of `c.window` normalized input rows with its target row `c.horizon` steps after it, in time order. */
function slideWindows(values: Map<number, number[]>, stats: Stats, inputs: number[], targets: number[], c: CsvConfig, count: number): { windows: Sequence[]; targetRows: number[] } {
  const z = (j: number, r: number) => (values.get(j)![r] - stats.get(j)!.mean) / stats.get(j)!.std;
  const windows: Sequence[] = [];
  const targetRows: number[] = [];
  for (let s = 0; s < count; s++) {
    const x = new Float32Array(c.window * inputs.length);
    for (let t = 0; t < c.window; t++) inputs.forEach((j, k) => { x[t * inputs.length + k] = z(j, s + t); });
    const tr = s + c.window + c.horizon - 1;
    windows.push({ T: c.window, x, tokens: null, y: Float64Array.from(targets, (j) => z(j, tr)) });
    targetRows.push(tr);
  }
  return { windows, targetRows };
}

/** MSE of the persistence forecast (the last observed value of each target column that is an input), in normalized units. */
function persistenceMse(scored: Sequence[], inputs: number[], targets: number[]): number | null {
  let se = 0;
  let n = 0;
  scored.forEach((w) => targets.forEach((j, k) => {
    const ii = inputs.indexOf(j);
    if (ii >= 0) { se += (w.y[k] - (w.x as Float32Array)[(w.T - 1) * inputs.length + ii]) ** 2; n++; }
  }));
  return n ? se / n : null;
}
