// A JSONL file read a line at a time (lines.ts) into typed arrays: the dataset jsonlDataset makes from the whole text,
// with the same diagnostics at the same line:column, without holding the text or its rows as number[]. Plainly valid
// lines go through RowScanner; any other line is given to parseJsonl on its own, whose diagnostics are moved to the
// line's place in the file, so every message is parseJsonl's or jsonlDataset's.
import { fileDiagnostic, InputError, type Diagnostic } from '../diagnostics';
import { isNumericY, parseJsonl, Y_FORM_TEXT, type Row, type YForm } from './jsonl';
import { RowScanner } from './jsonlScan';
import { fileLines, isBlankLine, LinePositions, lineText, type Line } from './lines';
import { f32, f64, i32, Interner, Pool } from './typedStore';
import type { Dataset, Sequence } from './types';

/** What the checks across rows need of a row. */
interface Shape { line: number; offset: number; xTokens: boolean; width: number; yForm: YForm; yWidth: number }

/** Rows as they are read: sequences whose token and label ids are numbered by first appearance until the end. */
class Rows {
  readonly seqs: Sequence[] = [];
  /** The first row's shape, and jsonlDataset's diagnostics for rows that disagree with it (up to 20). */
  first: Shape | null = null;
  readonly disagree: Diagnostic[] = [];
  readonly tokens = new Interner();
  readonly labels = new Interner();
  private readonly xPool = new Pool(f32);
  private readonly yPool = new Pool(f64);
  private readonly idPool = new Pool(i32);

  constructor(private readonly file: string) {}

  fromScan(s: RowScanner, line: Line): void {
    const numericY = isNumericY(s.yForm);
    this.seqs.push({
      T: s.T,
      x: s.xTokens ? null : s.exact && s.x.a.length === s.x.n ? s.x.a : this.xPool.copy(s.x.a, s.x.n),
      tokens: s.xTokens ? this.ids(s.tokens, this.tokens) : null,
      y: !numericY ? this.ids(s.labels, this.labels) : s.exact && s.y.a.length === s.y.n ? s.y.a : this.yPool.copy(s.y.a, s.y.n),
    });
    this.shape({ line: line.number, offset: line.offset, xTokens: s.xTokens, width: s.width, yForm: s.yForm, yWidth: s.yWidth });
  }

  fromRow(r: Row, line: Line): void {
    const xTokens = r.xForm === 'tokens';
    this.seqs.push({
      T: r.T,
      x: xTokens ? null : this.xPool.copy(r.values, r.values.length),
      tokens: xTokens ? this.ids(r.tokens, this.tokens) : null,
      y: isNumericY(r.yForm) ? this.yPool.copy(r.yNumbers, r.yNumbers.length) : this.ids(r.yLabels, this.labels),
    });
    const yWidth = r.yForm === 'steps' ? r.yNumbers.length / r.T : r.yNumbers.length;
    this.shape({ line: line.number, offset: line.offset, xTokens, width: r.width, yForm: r.yForm, yWidth });
  }

  private shape(s: Shape): void {
    this.first ??= s;
    if (this.disagree.length < 20) checkShape(this.file, this.first, s, this.disagree);
  }

  private ids(strings: string[], interner: Interner): Int32Array {
    const out = this.idPool.take(strings.length);
    strings.forEach((s, i) => { out[i] = interner.id(s); });
    return out;
  }
}

/** The dataset of a JSONL file, as jsonlDataset(file, text of the file) gives it; `chunkBytes` for tests. */
export function jsonlFileDataset(file: string, chunkBytes?: number): Omit<Dataset, 'validation' | 'baselines' | 'warnings'> {
  const rows = new Rows(file);
  const diags: Diagnostic[] = [];
  const scanner = new RowScanner();
  let lines = 0;
  for (const line of fileLines(file, chunkBytes)) {
    if (isBlankLine(line)) continue;
    lines++;
    if (diags.length >= 20) break; // enough to act on
    if (scanner.scan(line.bytes)) rows.fromScan(scanner, line);
    else {
      const row = parseAlone(file, line, diags);
      if (row) rows.fromRow(row, line);
    }
  }
  if (lines === 0) throw new InputError([fileDiagnostic(file, 'the file is empty')]);
  if (diags.length) throw new InputError(diags);
  if (rows.disagree.length) throw new InputError(rows.disagree);
  return assemble(rows);
}

/** parseJsonl on the line alone: its row, or null with its diagnostics placed where the line is in the file. */
function parseAlone(file: string, line: Line, diags: Diagnostic[]): Row | null {
  const text = lineText(line);
  try {
    const row = parseJsonl(file, text).rows[0];
    row.line = line.number;
    return row;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const at = new LinePositions(line, text.length);
    for (const d of e.diagnostics) {
      const offset = line.offset + d.offset;
      diags.push({ ...d, path: d.path.replace(/^line 1\b/, `line ${line.number}`), offset, start: at.position(offset), end: at.position(offset + d.length) });
    }
    return null;
  }
}

/** jsonlDataset's check that a row agrees with the first on forms and widths. */
function checkShape(file: string, first: Shape, r: Shape, diags: Diagnostic[]): void {
  const kind = (s: Shape) => (s.xTokens ? 'tokens' : 'numbers');
  const at = (message: string) => diags.push({
    file, path: `line ${r.line}`, message, severity: 'error', start: { line: r.line, column: 1 }, end: { line: r.line, column: 2 }, offset: r.offset, length: 1,
  });
  if (r.xTokens !== first.xTokens) at(`x is ${kind(r)} but line ${first.line} has ${kind(first)}`);
  else if (!r.xTokens && r.width !== first.width) at(`x has ${r.width} features per step but line ${first.line} has ${first.width}`);
  if (r.yForm !== first.yForm && !(isNumericY(r.yForm) && isNumericY(first.yForm) && r.yForm !== 'steps' && first.yForm !== 'steps')) {
    at(`y is ${Y_FORM_TEXT[r.yForm]} but line ${first.line} has ${Y_FORM_TEXT[first.yForm]}`);
  } else if (isNumericY(r.yForm) && r.yWidth !== first.yWidth) at(`y has width ${r.yWidth} but line ${first.line} has ${first.yWidth}`);
}

/** Final ids (vocabulary sorted, labels in natural order, as jsonlDataset orders them) and the dataset. */
function assemble(rows: Rows): Omit<Dataset, 'validation' | 'baselines' | 'warnings'> {
  const first = rows.first!;
  const vocab = first.xTokens ? [...rows.tokens.ids.keys()].sort() : [];
  const numericY = isNumericY(first.yForm);
  const labels = numericY ? [] : [...rows.labels.ids.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const tokenId = rows.tokens.remap(vocab);
  const labelId = rows.labels.remap(labels);
  for (const s of rows.seqs) {
    if (s.tokens) for (let i = 0; i < s.tokens.length; i++) s.tokens[i] = tokenId[s.tokens[i]];
    if (!numericY) for (let i = 0; i < s.y.length; i++) s.y[i] = labelId[s.y[i]];
  }
  return {
    input: first.xTokens ? { kind: 'tokens', vocab } : { kind: 'float', size: first.width },
    target: numericY
      ? { kind: 'regression', size: first.yWidth, perStep: first.yForm === 'steps' }
      : { kind: 'class', labels, perStep: first.yForm === 'labels' },
    train: rows.seqs,
  };
}
