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

export function csvDataset(file: string, text: string, c: CsvConfig): Dataset {
  const map = new LineMap(text);
  const table = parseCsv(text);
  if (table.header.length === 0) throw new InputError([fileDiagnostic(file, 'the file is empty; expected a header row and data rows')]);
  if (table.rows.length === 0) throw new InputError([fileDiagnostic(file, 'the file has a header but no data rows')]);
  const names = table.header.map((h) => h.text);
  const diags: Diagnostic[] = [];
  const cellDiag = (offset: number, length: number, path: string, msg: string) => diags.push(diagnosticAt(file, map, offset, length, path, msg));

  const columnIndex = (name: string, what: string): number => {
    const i = names.indexOf(name);
    if (i < 0) {
      const hint = suggest(name, names);
      cellDiag(0, 0, what, `no column "${name}" in the header (${names.join(', ')})${hint ? `; did you mean "${hint}"?` : ''}`);
    }
    return i;
  };
  // A column counts as numeric when most of its cells are numbers; its other cells are then reported, not skipped.
  const isNumeric = (j: number) => table.rows.filter((r) => r.cells[j] !== undefined && r.cells[j].text !== '' && Number.isFinite(Number(r.cells[j].text))).length > table.rows.length / 2;
  const inputs = c.columns.length ? c.columns.map((n) => columnIndex(n, 'columns')) : names.map((_, j) => j).filter(isNumeric);
  if (!c.columns.length && inputs.length === 0) cellDiag(0, 0, 'columns', 'no column holds only numbers; name the columns to use');
  const targets = c.target.length ? c.target.map((n) => columnIndex(n, 'target')) : inputs;
  if (diags.length) throw new InputError(diags);

  // Read the used columns, reporting every bad cell by line and column name.
  const used = [...new Set([...inputs, ...targets])];
  const values = new Map<number, number[]>(used.map((j) => [j, []]));
  for (const r of table.rows) {
    if (r.cells.length !== names.length) {
      cellDiag(map.lineStart(r.line), 1, `line ${r.line}`, `has ${r.cells.length} fields but the header has ${names.length}`);
      continue;
    }
    for (const j of used) {
      const cell = r.cells[j];
      const v = cell.text === '' ? NaN : Number(cell.text);
      const where = `line ${r.line}, column "${names[j]}"`;
      if (cell.text === '') cellDiag(cell.offset, 0, where, 'empty value');
      else if (Number.isNaN(v) && !/^nan$/i.test(cell.text)) cellDiag(cell.offset, cell.text.length, where, `"${cell.text}" is not a number`);
      else if (!Number.isFinite(v)) cellDiag(cell.offset, cell.text.length, where, `${cell.text} is not a finite number`);
      else if (Math.abs(v) > MAX_ABS_VALUE) cellDiag(cell.offset, cell.text.length, where, `${cell.text} is larger than ${MAX_ABS_VALUE} in magnitude; rescale the column`);
      values.get(j)!.push(v);
    }
    if (diags.length >= 20) break;
  }
  if (diags.length) throw new InputError(diags);

  const N = table.rows.length;
  const windowsTotal = N - c.window - c.horizon + 1;
  if (windowsTotal < 2) {
    throw new InputError([fileDiagnostic(file, `${N} rows are too few for window ${c.window} and horizon ${c.horizon} (need at least ${c.window + c.horizon + 1})`)]);
  }
  // Rows before trainRows form the training part; their statistics normalize everything.
  const trainRows = Math.max(c.window + c.horizon, Math.round(N * (1 - c.validation)));
  const stats = used.map((j) => {
    const v = values.get(j)!.slice(0, trainRows);
    const mean = v.reduce((s, a) => s + a, 0) / v.length;
    const std = Math.sqrt(v.reduce((s, a) => s + (a - mean) ** 2, 0) / v.length) || 1;
    return { j, mean, std };
  });
  const stat = (j: number) => stats.find((s) => s.j === j)!;
  const z = (j: number, r: number) => (values.get(j)![r] - stat(j).mean) / stat(j).std;

  const windows: Sequence[] = [];
  const targetRows: number[] = [];
  for (let s = 0; s < windowsTotal; s++) {
    const x = new Float32Array(c.window * inputs.length);
    for (let t = 0; t < c.window; t++) inputs.forEach((j, k) => { x[t * inputs.length + k] = z(j, s + t); });
    const tr = s + c.window + c.horizon - 1;
    windows.push({ T: c.window, x, tokens: null, y: Float64Array.from(targets, (j) => z(j, tr)) });
    targetRows.push(tr);
  }
  const train = windows.filter((_, i) => targetRows[i] < trainRows);
  const validation = windows.filter((_, i) => targetRows[i] >= trainRows);
  const scored = validation.length ? validation : train;
  // Persistence forecast (the last observed value of the target column), in normalized units.
  let se = 0;
  let n = 0;
  scored.forEach((w) => targets.forEach((j, k) => {
    const ii = inputs.indexOf(j);
    if (ii >= 0) { se += (w.y[k] - (w.x as Float32Array)[(w.T - 1) * inputs.length + ii]) ** 2; n++; }
  }));
  return {
    input: { kind: 'float', size: inputs.length },
    target: { kind: 'regression', size: targets.length, perStep: false },
    train, validation, baselines: n ? { baselineMse: se / n } : {}, warnings: [],
    series: {
      normalization: { columns: targets.map((j) => names[j]), mean: targets.map((j) => stat(j).mean), std: targets.map((j) => stat(j).std) },
      targetColumns: targets.map((j) => names[j]),
      windows, targetRows,
      values: Array.from({ length: N }, (_, r) => targets.map((j) => values.get(j)![r])),
    },
  };
}
