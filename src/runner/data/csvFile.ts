// A CSV file read a line at a time (lines.ts): the dataset csvDataset makes from the whole text, with the same
// diagnostics, holding per column one Float64Array instead of a cell object per value. Windows are views of one
// normalized matrix (window s is rows s … s+window−1, so consecutive windows share their rows) instead of copies.
// The time column is found as the lines go by (timeColumn.ts), and the columns are chosen as csv.ts chooses them.
import type { ConfigSource } from '../config/load';
import { fileDiagnostic, InputError, type Diagnostic, type Position } from '../diagnostics';
import { cellProblem, pickColumns, type CsvConfig } from './csv';
import { fileLines, isBlankLine, lineText, type Line } from './lines';
import { AxisScan, chooseTimeColumn, type TimeAxis } from './timeColumn';
import { f64, Scratch } from './typedStore';
import type { Dataset, Normalization, Sequence } from './types';

interface Cell { text: string; offset: number }
interface LineStart { number: number; offset: number }
/** A record: its first line, the lines it spans (a quoted cell may hold newlines) and its cells. */
interface Rec { line: number; lines: LineStart[]; cells: Cell[] }

/** parseCsv's splitting, fed a line at a time; a line's end counts as the newline parseCsv sees there. */
class CsvSplitter {
  private cells: Cell[] = [];
  private cur = '';
  private start = 0;
  private quoted = false;
  private lines: LineStart[] = [];

  feed(text: string, line: Line, out: Rec[]): void {
    this.lines.push({ number: line.number, offset: line.offset });
    const r = text.indexOf('\r');
    if (!this.quoted && this.cells.length === 0 && this.cur === '' && text.indexOf('"') < 0 && (r < 0 || r === text.length - 1)) {
      // No quotes and no '\r' but at the end: the cells are the comma-separated parts.
      let from = 0;
      for (let k = text.indexOf(','); k >= 0; k = text.indexOf(',', from)) {
        this.cells.push({ text: text.slice(from, k).trim(), offset: line.offset + from });
        from = k + 1;
      }
      this.cells.push({ text: text.slice(from).trim(), offset: line.offset + from });
      this.endRecord(line.offset + text.length + 1, out);
      return;
    }
    for (let k = 0; k <= text.length; k++) {
      const ch = k < text.length ? text[k] : '\n';
      const i = line.offset + k;
      if (this.quoted) {
        if (ch === '"' && text[k + 1] === '"') { this.cur += '"'; k++; } else if (ch === '"') this.quoted = false; else this.cur += ch;
        continue;
      }
      if (ch === '"') this.quoted = true;
      else if (ch === ',') this.endCell(i);
      else if (ch === '\n') {
        this.endCell(i);
        this.endRecord(i + 1, out);
      } else if (ch !== '\r') this.cur += ch;
    }
  }

  private endCell(i: number): void {
    this.cells.push({ text: this.cur.trim(), offset: this.start });
    this.cur = '';
    this.start = i + 1;
  }

  private endRecord(next: number, out: Rec[]): void {
    if (!(this.cells.length === 1 && this.cells[0].text === '')) out.push({ line: this.lines[0].number, lines: this.lines, cells: this.cells });
    this.cells = [];
    this.cur = '';
    this.start = next;
    this.lines = [];
  }
}

/** Where an offset inside a record is, as LineMap would place it. */
function positionIn(rec: Rec, offset: number): Position {
  let l = rec.lines.length - 1;
  while (l > 0 && rec.lines[l].offset > offset) l--;
  return { line: rec.lines[l].number, column: offset - rec.lines[l].offset + 1 };
}

/** An error in a record, kept until the used columns are known: its row and diagnostic. */
interface Problem { row: number; diag: Diagnostic }

/** Every column's values and numeric-cell count, and the first problems of each kind (20 are all a report shows). */
class Columns {
  names: string[] | null = null;
  header: Rec | null = null;
  rows = 0;
  values: Scratch<Float64Array>[] = [];
  /** Each column as a possible time axis. */
  scans: AxisScan[] = [];
  numeric: number[] = [];
  problems: Problem[][] = [];
  /** Records whose field count differs from the header's. */
  ragged: Problem[] = [];
  constructor(private readonly file: string) {}

  add(rec: Rec): void {
    if (this.names === null) {
      this.header = rec;
      this.names = rec.cells.map((c) => c.text);
      this.values = this.names.map(() => new Scratch(f64, 1 << 12));
      this.scans = this.names.map(() => new AxisScan());
      this.numeric = this.names.map(() => 0);
      this.problems = this.names.map(() => []);
      return;
    }
    const row = this.rows++;
    const C = this.names.length;
    const { cells } = rec;
    if (cells.length !== C) {
      for (let j = 0; j < C && j < cells.length; j++) if (cells[j].text !== '' && Number.isFinite(Number(cells[j].text))) this.numeric[j]++;
      for (let j = 0; j < C; j++) {
        const text = cells[j]?.text ?? ''; // as csvDataset gives the time column's cells
        this.scans[j].add(text, text === '' ? NaN : Number(text));
      }
      const at = rec.lines[0].offset;
      if (this.ragged.length < 20) this.ragged.push({ row, diag: this.diag(at, 1, { line: rec.line, column: 1 }, { line: rec.line, column: 2 }, `line ${rec.line}`, `has ${cells.length} fields but the header has ${C}`) });
      for (let j = 0; j < C; j++) this.values[j].push(NaN);
      return;
    }
    for (let j = 0; j < C; j++) {
      const { text, offset } = cells[j];
      const v = text === '' ? NaN : Number(text);
      if (Number.isFinite(v)) this.numeric[j]++; // as csvDataset counts a column's numeric cells
      this.values[j].push(v);
      this.scans[j].add(text, v);
      const problem = this.problems[j].length < 20 ? cellProblem(text, v) : null;
      if (problem) {
        const diag = this.diag(offset, text.length, positionIn(rec, offset), positionIn(rec, offset + text.length), `line ${rec.line}, column "${this.names[j]}"`, problem);
        this.problems[j].push({ row, diag });
      }
    }
  }

  diag(offset: number, length: number, start: Position, end: Position, path: string, message: string): Diagnostic {
    return { file: this.file, path, message, severity: 'error', start, end, offset, length };
  }

  /** Column j's values as numbers (NaN where a cell is not one). */
  column(j: number): Float64Array {
    return this.values[j].a.subarray(0, this.rows);
  }
}

export interface CsvFileOptions {
  /** The config, where a wrong column name is reported (at data.columns or data.target). */
  source?: ConfigSource;
  /** Bytes read at a time (for tests). */
  chunkBytes?: number;
}

/** The dataset of a CSV file, as csvDataset(file, text of the file, c, source) gives it. */
export function csvFileDataset(file: string, c: CsvConfig, opts: CsvFileOptions = {}): Dataset {
  const cols = readColumnsOf(file, opts.chunkBytes);
  if (cols.names === null) throw new InputError([fileDiagnostic(file, 'the file is empty; expected a header row and data rows')]);
  if (cols.rows === 0) throw new InputError([fileDiagnostic(file, 'the file has a header but no data rows')]);
  const names = cols.names;
  const time = chooseTimeColumn(names, cols.scans, (j) => cols.column(j));
  cols.scans = [];
  const header = {
    file, names,
    isNumeric: (j: number) => cols.numeric[j] > cols.rows / 2,
    atTop: (path: string, message: string) => cols.diag(0, 0, { line: 1, column: 1 }, { line: 1, column: 1 }, path, message),
  };
  const { inputs, targets } = pickColumns(header, c, time, opts.source);
  const used = [...new Set([...inputs, ...targets])];
  reportCells(cols, used);
  const N = cols.rows;
  const windowCount = N - c.window - c.horizon + 1;
  if (windowCount < 2) {
    throw new InputError([fileDiagnostic(file, `${N} rows are too few for window ${c.window} and horizon ${c.horizon} (need at least ${c.window + c.horizon + 1})`)]);
  }
  const trainRows = Math.max(c.window + c.horizon, Math.round(N * (1 - c.validation)));
  return windowsOf(cols, inputs, targets, c, trainRows, time);
}

function readColumnsOf(file: string, chunkBytes?: number): Columns {
  const cols = new Columns(file);
  const splitter = new CsvSplitter();
  const recs: Rec[] = [];
  let text = false;
  for (const line of fileLines(file, chunkBytes)) {
    if (!text && !isBlankLine(line)) text = true;
    splitter.feed(lineText(line), line, recs);
    for (const rec of recs) cols.add(rec);
    recs.length = 0;
  }
  if (!text) throw new InputError([fileDiagnostic(file, 'the file is empty')]);
  return cols;
}

/** readColumns' diagnostics, in its order: row by row, a ragged row once, else its bad cells in `used` order. */
function reportCells(cols: Columns, used: number[]): void {
  const events = [...cols.ragged.map((p) => ({ ...p, k: -1 })), ...used.flatMap((j, k) => cols.problems[j].map((p) => ({ ...p, k })))];
  events.sort((a, b) => a.row - b.row || a.k - b.k);
  const diags: Diagnostic[] = [];
  for (let e = 0; e < events.length; e++) {
    diags.push(events[e].diag);
    if (diags.length >= 20 && (e + 1 === events.length || events[e + 1].row !== events[e].row)) break;
  }
  if (diags.length) throw new InputError(diags);
}

/** Normalized rows, the windows over them as views, the persistence baseline and the series, as csvDataset makes them. */
function windowsOf(cols: Columns, inputs: number[], targets: number[], c: CsvConfig, trainRows: number, time: TimeAxis | null): Dataset {
  const N = cols.rows;
  const I = inputs.length;
  const K = targets.length;
  const col = (j: number) => cols.column(j);
  const stats = new Map([...new Set([...inputs, ...targets])].map((j) => [j, meanStd(col(j), trainRows)]));
  const z = (j: number, r: number) => (col(j)[r] - stats.get(j)!.mean) / stats.get(j)!.std;
  const xs = new Float32Array(N * I);
  const ys = new Float64Array(N * K);
  for (let r = 0; r < N; r++) {
    for (let k = 0; k < I; k++) xs[r * I + k] = z(inputs[k], r);
    for (let k = 0; k < K; k++) ys[r * K + k] = z(targets[k], r);
  }
  const values = Array.from({ length: N }, (_, r) => targets.map((j) => col(j)[r]));
  cols.values = []; // the raw columns are not needed past here: let them go before the windows are made
  const windows: Sequence[] = [];
  const targetRows: number[] = [];
  for (let s = 0; s + c.window + c.horizon - 1 < N; s++) {
    const tr = s + c.window + c.horizon - 1;
    windows.push({ T: c.window, x: xs.subarray(s * I, (s + c.window) * I), tokens: null, y: ys.subarray(tr * K, (tr + 1) * K) });
    targetRows.push(tr);
  }
  const train = windows.filter((_, i) => targetRows[i] < trainRows);
  const validation = windows.filter((_, i) => targetRows[i] >= trainRows);
  const baselineMse = persistence(validation.length ? validation : train, inputs, targets);
  const names = targets.map((j) => cols.names![j]);
  const normalization = (of: number[]): Normalization =>
    ({ columns: of.map((j) => cols.names![j]), mean: of.map((j) => stats.get(j)!.mean), std: of.map((j) => stats.get(j)!.std) });
  return {
    input: { kind: 'float', size: I },
    target: { kind: 'regression', size: K, perStep: false },
    train, validation, baselines: baselineMse === null ? {} : { baselineMse }, warnings: [],
    series: {
      normalization: normalization(targets),
      inputNormalization: normalization(inputs),
      targetColumns: names,
      time,
      windows, targetRows,
      values,
    },
  };
}

/** columnStats' mean and standard deviation (1 for a constant column) of the first `rows` values, summed in its order. */
function meanStd(v: Float64Array, rows: number): { mean: number; std: number } {
  let sum = 0;
  for (let r = 0; r < rows; r++) sum += v[r];
  const mean = sum / rows;
  let sq = 0;
  for (let r = 0; r < rows; r++) sq += (v[r] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / rows) || 1 };
}

/** persistenceMse of csv.ts: the last observed value of each target column that is an input as its forecast. */
function persistence(scored: Sequence[], inputs: number[], targets: number[]): number | null {
  let se = 0;
  let n = 0;
  for (const w of scored) {
    targets.forEach((j, k) => {
      const ii = inputs.indexOf(j);
      if (ii >= 0) { se += (w.y[k] - (w.x as Float32Array)[(w.T - 1) * inputs.length + ii]) ** 2; n++; }
    });
  }
  return n ? se / n : null;
}
