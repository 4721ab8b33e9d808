// CSV time series → sliding windows for forecasting (and anomaly scoring by prediction error).
import { diagnosticAt, fileDiagnostic, InputError, LineMap, type Diagnostic } from '../diagnostics';
import { suggest } from '../config/dsl';
import type { DataConfig } from '../config/schema';
import { MAX_ABS_VALUE, type Dataset, type Sequence } from './types';

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

type CsvConfig = Extract<DataConfig, { source: 'csv' }>;

/** A parsed CSV file with what it takes to range diagnostics in it. */
interface Csv { file: string; map: LineMap; table: CsvTable; names: string[] }
type Stats = Map<number, { mean: number; std: number }>;

export function csvDataset(file: string, text: string, c: CsvConfig): Dataset {
  const table = parseCsv(text);
  if (table.header.length === 0) throw new InputError([fileDiagnostic(file, 'the file is empty; expected a header row and data rows')]);
  if (table.rows.length === 0) throw new InputError([fileDiagnostic(file, 'the file has a header but no data rows')]);
  const csv: Csv = { file, map: new LineMap(text), table, names: table.header.map((h) => h.text) };
  const { inputs, targets } = pickColumns(csv, c);
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
  return {
    input: { kind: 'float', size: inputs.length },
    target: { kind: 'regression', size: targets.length, perStep: false },
    train, validation, baselines: baselineMse === null ? {} : { baselineMse }, warnings: [],
    series: {
      normalization: { columns: targetNames, mean: targets.map((j) => stats.get(j)!.mean), std: targets.map((j) => stats.get(j)!.std) },
      targetColumns: targetNames,
      windows, targetRows,
      values: Array.from({ length: N }, (_, r) => targets.map((j) => values.get(j)![r])),
    },
  };
}

/** Diagnostics ranged in the CSV text, collected into `diags`. */
function reporter(csv: Csv, diags: Diagnostic[]) {
  return (offset: number, length: number, path: string, message: string) => diags.push(diagnosticAt(csv.file, csv.map, offset, length, path, message));
}

/** Column indices of the inputs (named, or every numeric column) and of the targets (named, or the inputs). */
function pickColumns(csv: Csv, c: CsvConfig): { inputs: number[]; targets: number[] } {
  const { names, table } = csv;
  const diags: Diagnostic[] = [];
  const report = reporter(csv, diags);
  const columnIndex = (name: string, what: string): number => {
    const i = names.indexOf(name);
    if (i < 0) {
      const hint = suggest(name, names);
      report(0, 0, what, `no column "${name}" in the header (${names.join(', ')})${hint ? `; did you mean "${hint}"?` : ''}`);
    }
    return i;
  };
  // A column counts as numeric when most of its cells are numbers; its other cells are then reported, not skipped.
  const isNumeric = (j: number) => table.rows.filter((r) => r.cells[j] !== undefined && r.cells[j].text !== '' && Number.isFinite(Number(r.cells[j].text))).length > table.rows.length / 2;
  const inputs = c.columns.length ? c.columns.map((n) => columnIndex(n, 'columns')) : names.map((_, j) => j).filter(isNumeric);
  if (!c.columns.length && inputs.length === 0) report(0, 0, 'columns', 'no column holds only numbers; name the columns to use');
  const targets = c.target.length ? c.target.map((n) => columnIndex(n, 'target')) : inputs;
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
