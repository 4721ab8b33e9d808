// A JSONL file read a line at a time (lines.ts) into typed arrays: the dataset jsonlDataset makes from the whole text,
// with the same diagnostics at the same line:column, without holding the text or its rows as number[]. Plainly valid
// lines go through RowScanner; any other line is given to parseJsonl on its own, whose diagnostics are moved to the
// line's place in the file, so every message is parseJsonl's or jsonlDataset's. Tokens rarer than data.minFreq are
// read as <unk> (vocabulary.ts). A separate validation file (data.validationPath) is read the same way, a line at a
// time; its rows must agree with the training file's first row, and a token the training vocabulary lacks (with no
// <unk>) or a label it lacks is an error at the row's line.
import { fileDiagnostic, InputError, type Diagnostic } from '../diagnostics';
import { isNumericY, parseJsonl, sortLabels, Y_FORM_TEXT, type JsonlDataset, type Row, type YForm } from './jsonl';
import { RowScanner } from './jsonlScan';
import { fileLines, isBlankLine, LinePositions, lineText, type Line } from './lines';
import { f32, f64, i32, Interner, Pool, Scratch } from './typedStore';
import type { Sequence } from './types';
import { tokenId, UNK, vocabularyOfCounts } from './vocabulary';

export interface JsonlFileOptions {
  /** Tokens seen fewer times in the training file are read as <unk> (1, the default: keep every token). */
  minFreq?: number;
  /** A separate validation file (a real path), read with the training file's vocabulary and labels. */
  validation?: string;
  /** Bytes read at a time (for tests). */
  chunkBytes?: number;
}

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
  /** A validation file's rows' line numbers and offsets, for diagnostics about a row once the vocabulary is known. */
  private readonly at: Scratch<Float64Array> | null;
  private readonly xPool = new Pool(f32);
  private readonly yPool = new Pool(f64);
  private readonly idPool = new Pool(i32);

  /** `first`: the training file's first row, when this is a validation file (`of` then names the training file). */
  constructor(readonly file: string, private readonly of = '', first: Shape | null = null) {
    this.first = first;
    this.at = first ? new Scratch(f64) : null;
  }

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
    this.at?.push(s.line);
    this.at?.push(s.offset);
    this.first ??= s;
    if (this.disagree.length < 20) checkShape(this.file, this.first, s, this.of, this.disagree);
  }

  /** A diagnostic about row `i` of a validation file as a whole (at its line's start). */
  rowDiagnostic(i: number, message: string): Diagnostic {
    return lineDiagnostic(this.file, this.at!.a[2 * i], this.at!.a[2 * i + 1], message);
  }

  private ids(strings: string[], interner: Interner): Int32Array {
    const out = this.idPool.take(strings.length);
    strings.forEach((s, i) => { out[i] = interner.id(s); });
    return out;
  }
}

/**
 * The dataset of a JSONL file, as jsonlDataset gives it for the file's text; with `validation`, also the rows of that
 * file, each checked against the training file's first row and numbered with its vocabulary and labels. A blank file is
 * refused as empty.
 */
export function jsonlFileDataset(file: string, opts: JsonlFileOptions = {}): JsonlDataset {
  const train = readRows(new Rows(file), opts.chunkBytes);
  const held = opts.validation === undefined ? null : readRows(new Rows(opts.validation, ` of ${file}`, train.first), opts.chunkBytes);
  const disagree = [...train.disagree, ...(held?.disagree ?? [])];
  if (disagree.length) throw new InputError(disagree.slice(0, 20));
  return assemble(train, held, opts.minFreq ?? 1);
}

/** Reads a file's lines into `rows`, throwing parseJsonl's diagnostics (the first 20 or so). */
function readRows(rows: Rows, chunkBytes?: number): Rows {
  const { file } = rows;
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
  return rows;
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

/** A diagnostic about a whole row, at the start of its line, as jsonlDataset places one. */
function lineDiagnostic(file: string, line: number, offset: number, message: string): Diagnostic {
  return { file, path: `line ${line}`, message, severity: 'error', start: { line, column: 1 }, end: { line, column: 2 }, offset, length: 1 };
}

/** jsonlDataset's check that a row agrees with the first (the training file's; `of` names that file) on forms and widths. */
function checkShape(file: string, first: Shape, r: Shape, of: string, diags: Diagnostic[]): void {
  const kind = (s: Shape) => (s.xTokens ? 'tokens' : 'numbers');
  const at = (message: string) => diags.push(lineDiagnostic(file, r.line, r.offset, message));
  const ref = `line ${first.line}${of}`;
  if (r.xTokens !== first.xTokens) at(`x is ${kind(r)} but ${ref} has ${kind(first)}`);
  else if (!r.xTokens && r.width !== first.width) at(`x has ${r.width} features per step but ${ref} has ${first.width}`);
  if (r.yForm !== first.yForm && !(isNumericY(r.yForm) && isNumericY(first.yForm) && r.yForm !== 'steps' && first.yForm !== 'steps')) {
    at(`y is ${Y_FORM_TEXT[r.yForm]} but ${ref} has ${Y_FORM_TEXT[first.yForm]}`);
  } else if (isNumericY(r.yForm) && r.yWidth !== first.yWidth) at(`y has width ${r.yWidth} but ${ref} has ${first.yWidth}`);
}

/** A validation file's token that the training vocabulary lacks, when it has no <unk> to read it as. */
const unknownTokenMessage = (token: string) =>
  `token "${token}" is not in the training file's vocabulary, which has no ${UNK} (no token is rarer than data.minFreq)`;

const unknownLabelMessage = (label: string, labels: string[]) => `label "${label}" is not one of the training file's labels (${labels.join(', ')})`;

/** How many times the training file holds each distinct token. */
function tokenCounts(rows: Rows): Map<string, number> {
  const n = new Int32Array(rows.tokens.ids.size);
  for (const s of rows.seqs) if (s.tokens) for (let i = 0; i < s.tokens.length; i++) n[s.tokens[i]]++;
  return new Map([...rows.tokens.ids].map(([t, id]) => [t, n[id]]));
}

/** For every id an interner gave, the final id (as tokenId finds it when `unk`), or −1 when there is none. */
function finalIds(interner: Interner, index: ReadonlyMap<string, number>, unk: boolean): Int32Array {
  const out = new Int32Array(interner.ids.size);
  for (const [s, i] of interner.ids) out[i] = (unk ? tokenId(index, s) : index.get(s)) ?? -1;
  return out;
}

/**
 * Renumbers a file's token and label ids to the final ones, in place; a row of the validation file with a token or a
 * label the training file lacks is a diagnostic (its first such token, then its first such label), as jsonlDataset's.
 */
function renumber(rows: Rows, tokenIds: Int32Array, labelIds: Int32Array, labels: string[], numericY: boolean): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const tokenOf = [...rows.tokens.ids.keys()];
  const labelOf = [...rows.labels.ids.keys()];
  rows.seqs.forEach((s, r) => {
    let token = -1;
    let label = -1;
    if (s.tokens) for (let i = 0; i < s.tokens.length; i++) {
      const id = tokenIds[s.tokens[i]];
      if (id < 0 && token < 0) token = s.tokens[i];
      s.tokens[i] = id;
    }
    if (!numericY) for (let i = 0; i < s.y.length; i++) {
      const id = labelIds[s.y[i]];
      if (id < 0 && label < 0) label = s.y[i];
      s.y[i] = id;
    }
    if (token >= 0) diags.push(rows.rowDiagnostic(r, unknownTokenMessage(tokenOf[token])));
    if (label >= 0) diags.push(rows.rowDiagnostic(r, unknownLabelMessage(labelOf[label], labels)));
  });
  return diags;
}

/** Final ids (vocabulary with <unk>, labels in natural order, as jsonlDataset orders them) and the dataset. */
function assemble(train: Rows, held: Rows | null, minFreq: number): JsonlDataset {
  const first = train.first!;
  const vocab = first.xTokens ? vocabularyOfCounts(tokenCounts(train), minFreq) : null;
  const numericY = isNumericY(first.yForm);
  const labels = numericY ? [] : sortLabels(train.labels.ids.keys());
  const vocabIndex = new Map((vocab?.tokens ?? []).map((t, i) => [t, i]));
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  if (held) {
    const diags = renumber(held, finalIds(held.tokens, vocabIndex, true), finalIds(held.labels, labelIndex, false), labels, numericY);
    if (diags.length) throw new InputError(diags.slice(0, 20));
  }
  renumber(train, finalIds(train.tokens, vocabIndex, true), finalIds(train.labels, labelIndex, false), labels, numericY);
  return {
    input: vocab ? { kind: 'tokens', vocab: vocab.tokens } : { kind: 'float', size: first.width },
    target: numericY
      ? { kind: 'regression', size: first.yWidth, perStep: first.yForm === 'steps' }
      : { kind: 'class', labels, perStep: first.yForm === 'labels' },
    train: train.seqs,
    ...(held ? { validation: held.seqs } : {}),
    ...(vocab?.rare ? { rareTokens: vocab.rare } : {}),
  };
}
