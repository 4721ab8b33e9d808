// JSONL sequences: one {"x": ..., "y": ...} object per line.
//   x: [[f, ...], ...] (T steps × features), [f, ...] (T steps × 1 feature) or ["tok", ...] (tokens; vocabulary from the data)
//   y: a number or [numbers]  → many-to-one regression
//      "label"                → sequence classification (classes sorted by name)
//      [[numbers], ...]       → per-step regression (one vector per step)
//      ["label", ...]         → sequence labeling (one class per step)
// jsonlDataset, from the whole text, is the readable reference: runs load through jsonlFile.ts (a line at a time into
// typed arrays), tested to give exactly its datasets and diagnostics; parseJsonl also reads predict's input.
// Token vocabularies keep the tokens seen at least data.minFreq times; rarer ones are read as <unk> (vocabulary.ts).
// A separate validation file (data.validationPath) is read with the training file's vocabulary and labels (jsonlFile.ts).
// Every line must use the same forms. Values must be finite and at most 1e6 in magnitude (MAX_ABS_VALUE):
// larger ones are rejected as errors, since they nearly always mean unscaled data that makes training diverge.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { diagnosticAt, fileDiagnostic, InputError, LineMap, type Diagnostic } from '../diagnostics';
import { MAX_ABS_VALUE, type Dataset, type Sequence } from './types';
import { tokenId, tokenVocabulary } from './vocabulary';

type XForm = 'matrix' | 'vector' | 'tokens';
export type YForm = 'number' | 'vector' | 'label' | 'steps' | 'labels';

export interface Row {
  line: number;
  xForm: XForm;
  T: number;
  width: number;
  values: number[];
  tokens: string[];
  yForm: YForm;
  yNumbers: number[];
  yLabels: string[];
}

export const Y_FORM_TEXT: Record<YForm, string> = {
  number: 'a number', vector: 'a list of numbers', label: 'a class label string', steps: 'one vector per step', labels: 'one label per step',
};

/** targets "optional" (prediction input): a missing y is allowed and read as no target. */
export function parseJsonl(file: string, text: string, opts: { targets: 'required' | 'optional' } = { targets: 'required' }): { rows: Row[]; map: LineMap } {
  const map = new LineMap(text);
  const diags: Diagnostic[] = [];
  const rows: Row[] = [];
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const lineText = lines[i].replace(/\r$/, '');
    const base = offset;
    offset += lines[i].length + 1;
    if (lineText.trim() === '') continue;
    if (diags.length >= 20) break; // enough to act on
    const at = (n: { offset: number; length: number } | null, path: string, message: string) =>
      diags.push(diagnosticAt(file, map, base + (n?.offset ?? 0), n?.length ?? lineText.length, `line ${i + 1}${path ? ` ${path}` : ''}`, message));
    const errors: ParseError[] = [];
    const root = parseTree(lineText, errors, { disallowComments: true, allowTrailingComma: false });
    if (errors.length) {
      const e = errors[0];
      const word = /^-?(NaN|Infinity|inf|nan)/i.exec(lineText.slice(e.offset));
      at({ offset: e.offset, length: Math.max(e.length, 1) }, '',
        word ? `${word[0]} is not a valid value: every number must be finite` : `invalid JSON (${printParseErrorCode(e.error)})`);
      continue;
    }
    if (!root || root.type !== 'object') { at(root ?? null, '', 'each line must be a JSON object {"x": ..., "y": ...}'); continue; }
    const props = new Map<string, Node>();
    for (const p of root.children ?? []) {
      const [k, v] = p.children ?? [];
      if (k && v) props.set(String(k.value), v);
      if (k && k.value !== 'x' && k.value !== 'y') at(k, `field "${k.value}"`, 'unknown field; expected only "x" and "y"');
    }
    const x = props.get('x');
    const y = props.get('y');
    if (!x || (!y && opts.targets === 'required')) { at(root, '', `missing field "${!x ? 'x' : 'y'}"`); continue; }
    const row = readRow(x, y ?? null, i + 1, at);
    if (row) rows.push(row);
  }
  if (diags.length === 0 && rows.length === 0) diags.push(fileDiagnostic(file, 'the file has no sequences (it is empty)'));
  if (diags.length) throw new InputError(diags);
  return { rows, map };
}

type At = (n: { offset: number; length: number } | null, path: string, message: string) => void;

function num(n: Node, path: string, at: At): number | null {
  if (n.type !== 'number') {
    at(n, path, `expected a number, got ${n.type === 'string' ? `the string ${JSON.stringify(n.value)}` : n.type}`);
    return null;
  }
  const v = n.value as number;
  if (!Number.isFinite(v)) { at(n, path, `${String(v)} is not finite`); return null; }
  if (Math.abs(v) > MAX_ABS_VALUE) { at(n, path, `${v} is larger than ${MAX_ABS_VALUE} in magnitude; scale your data (huge values make training diverge)`); return null; }
  return v;
}

function readRow(x: Node, y: Node | null, line: number, at: At): Row | null {
  const row: Row = { line, xForm: 'matrix', T: 0, width: 0, values: [], tokens: [], yForm: 'number', yNumbers: [], yLabels: [] };
  let ok = true;
  if (x.type !== 'array' || !x.children?.length) { at(x, 'x', 'x must be a non-empty list of steps'); return null; }
  const steps = x.children;
  row.T = steps.length;
  if (steps[0].type === 'string') {
    row.xForm = 'tokens';
    steps.forEach((s, t) => {
      if (s.type !== 'string') { at(s, `x[${t}]`, 'expected a token string like the other steps'); ok = false; } else row.tokens.push(s.value as string);
    });
  } else if (steps[0].type === 'array') {
    row.xForm = 'matrix';
    row.width = steps[0].children?.length ?? 0;
    if (row.width === 0) { at(steps[0], 'x[0]', 'a step needs at least one feature'); return null; }
    steps.forEach((s, t) => {
      if (s.type !== 'array') { at(s, `x[${t}]`, 'expected a list of features like x[0]'); ok = false; return; }
      const cells = s.children ?? [];
      if (cells.length !== row.width) {
        at(s, `x[${t}]`, `ragged sequence: step ${t} has ${cells.length} features but step 0 has ${row.width}`);
        ok = false;
        return;
      }
      cells.forEach((c, j) => { const v = num(c, `x[${t}][${j}]`, at); if (v === null) ok = false; else row.values.push(v); });
    });
  } else {
    row.xForm = 'vector';
    row.width = 1;
    steps.forEach((s, t) => { const v = num(s, `x[${t}]`, at); if (v === null) ok = false; else row.values.push(v); });
  }
  if (y === null) return ok ? row : null;
  if (y.type === 'number') {
    row.yForm = 'number';
    const v = num(y, 'y', at);
    if (v === null) ok = false; else row.yNumbers.push(v);
  } else if (y.type === 'string') {
    row.yForm = 'label';
    row.yLabels.push(y.value as string);
  } else if (y.type === 'array' && y.children?.length) {
    const first = y.children[0];
    if (first.type === 'number') {
      row.yForm = 'vector';
      y.children.forEach((c, j) => { const v = num(c, `y[${j}]`, at); if (v === null) ok = false; else row.yNumbers.push(v); });
    } else {
      row.yForm = first.type === 'string' ? 'labels' : 'steps';
      if (y.children.length !== row.T) {
        at(y, 'y', `per-step targets: y has ${y.children.length} entries but x has ${row.T} steps`);
        return null;
      }
      const width = first.children?.length ?? 0;
      y.children.forEach((c, t) => {
        if (row.yForm === 'labels') {
          if (c.type !== 'string') { at(c, `y[${t}]`, 'expected a label string like y[0]'); ok = false; } else row.yLabels.push(c.value as string);
        } else if (c.type !== 'array' || (c.children?.length ?? 0) !== width || width === 0) {
          at(c, `y[${t}]`, `expected a list of ${width || 'one or more'} numbers like y[0]`);
          ok = false;
        } else {
          c.children!.forEach((cc, j) => { const v = num(cc, `y[${t}][${j}]`, at); if (v === null) ok = false; else row.yNumbers.push(v); });
        }
      });
    }
  } else {
    at(y, 'y', 'y must be a number, a list of numbers, a label string, or a list with one target per step');
    return null;
  }
  return ok ? row : null;
}

export type JsonlDataset = Omit<Dataset, 'validation' | 'baselines' | 'warnings'> & {
  /** The rows of a separate validation file (data.validationPath), numbered with the training file's vocabulary and labels. */
  validation?: Sequence[];
};

/**
 * Turns parsed rows into a dataset, checking every row agrees with the first on forms and widths; tokens seen fewer
 * than `minFreq` times (default 1: keep every token) are read as <unk>. loadDataset reads files a line at a time
 * (jsonlFile.ts, which also reads a validation file); this whole-text builder is what that is tested against
 * (test/runner/data/streaming.test.ts) and what bench/dataMemory.ts measures as the way before it.
 */
export function jsonlDataset(file: string, text: string, opts: { minFreq?: number } = {}): JsonlDataset {
  const { rows, map } = parseJsonl(file, text);
  const first = rows[0];
  const diags: Diagnostic[] = [];
  for (const r of rows) {
    const at = (msg: string) => diags.push(diagnosticAt(file, map, map.lineStart(r.line), 1, `line ${r.line}`, msg));
    if ((r.xForm === 'tokens') !== (first.xForm === 'tokens')) at(`x is ${r.xForm === 'tokens' ? 'tokens' : 'numbers'} but line ${first.line} has ${first.xForm === 'tokens' ? 'tokens' : 'numbers'}`);
    else if (r.xForm !== 'tokens' && r.width !== first.width) at(`x has ${r.width} features per step but line ${first.line} has ${first.width}`);
    if (r.yForm !== first.yForm && !(isNumericY(r.yForm) && isNumericY(first.yForm) && r.yForm !== 'steps' && first.yForm !== 'steps')) {
      at(`y is ${Y_FORM_TEXT[r.yForm]} but line ${first.line} has ${Y_FORM_TEXT[first.yForm]}`);
    } else if (isNumericY(r.yForm) && yWidth(r) !== yWidth(first)) at(`y has width ${yWidth(r)} but line ${first.line} has ${yWidth(first)}`);
    if (diags.length >= 20) break;
  }
  if (diags.length) throw new InputError(diags);
  const vocab = first.xForm === 'tokens' ? tokenVocabulary(rows.map((r) => r.tokens), opts.minFreq ?? 1) : null;
  const vocabIndex = new Map((vocab?.tokens ?? []).map((t, i) => [t, i]));
  const labels = isNumericY(first.yForm) ? [] : sortLabels(new Set(rows.flatMap((r) => r.yLabels)));
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  return {
    input: vocab ? { kind: 'tokens', vocab: vocab.tokens } : { kind: 'float', size: first.width },
    target: isNumericY(first.yForm)
      ? { kind: 'regression', size: yWidth(first), perStep: first.yForm === 'steps' }
      : { kind: 'class', labels, perStep: first.yForm === 'labels' },
    train: rows.map((r) => ({
      T: r.T,
      x: vocab ? null : Float32Array.from(r.values),
      tokens: vocab ? Int32Array.from(r.tokens, (t) => tokenId(vocabIndex, t)!) : null,
      y: isNumericY(first.yForm) ? Float64Array.from(r.yNumbers) : Int32Array.from(r.yLabels, (l) => labelIndex.get(l)!),
    })),
    ...(vocab?.rare ? { rareTokens: vocab.rare } : {}),
  };
}

const yWidth = (r: Row) => (r.yForm === 'steps' ? r.yNumbers.length / r.T : r.yNumbers.length);

/** Class labels in the order a dataset numbers them (natural order: "item9" before "item10"). */
export const sortLabels = (labels: Iterable<string>): string[] => [...labels].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

export function isNumericY(f: YForm): boolean {
  return f === 'number' || f === 'vector' || f === 'steps';
}
