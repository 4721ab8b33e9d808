// Source–target pairs for sequence-to-sequence models: a JSONL file of {"source": "...", "target": "..."} lines or a
// TSV file of two tab-separated columns; character or whitespace-separated word tokens; one vocabulary per side,
// built from the training pairs, each starting with the special tokens below (so ids 0..3 mean the same everywhere).
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Rng } from '../../engine/rng';
import { diagnosticAt, fileDiagnostic, InputError, LineMap, type Diagnostic } from '../diagnostics';
import type { Dataset, Sequence } from './types';

/** Padding, start, end and unknown tokens, at ids 0..3 of both vocabularies. */
export const SPECIAL_TOKENS = ['<pad>', '<s>', '</s>', '<unk>'];
export const PAD = 0, START = 1, END = 2, UNK = 3;

export type Tokenization = 'char' | 'word';

export interface TextPair {
  source: string;
  /** null: a prediction input without a target. */
  target: string | null;
  /** 1-based line in its file (0 for generated pairs). */
  line: number;
}

export function tokenize(text: string, mode: Tokenization): string[] {
  return mode === 'char' ? [...text] : text.split(/\s+/).filter((w) => w !== '');
}

/** Tokens back to text: characters joined as they were, words with single spaces. */
export function detokenize(tokens: string[], mode: Tokenization): string {
  return tokens.join(mode === 'char' ? '' : ' ');
}

/** The special tokens, then every other token of the lists in sorted order. */
export function buildVocab(lists: string[][]): string[] {
  const seen = new Set<string>();
  for (const l of lists) for (const t of l) if (!SPECIAL_TOKENS.includes(t)) seen.add(t);
  return [...SPECIAL_TOKENS, ...[...seen].sort()];
}

/** Token ids (unknown tokens → <unk>). */
export function encodeTokens(tokens: string[], index: ReadonlyMap<string, number>): Int32Array {
  return Int32Array.from(tokens, (t) => index.get(t) ?? UNK);
}

type At = (offset: number, length: number, path: string, message: string) => void;

/**
 * Pairs of a JSONL or TSV file (by extension: .tsv or .tab is TSV, anything else JSONL). targets "optional" (prediction
 * input): a JSONL line (.jsonl, .json, .ndjson) may leave out "target", and any other file is one source per line.
 */
export function parsePairs(file: string, text: string, targets: 'required' | 'optional' = 'required'): TextPair[] {
  const map = new LineMap(text);
  const diags: Diagnostic[] = [];
  const pairs: TextPair[] = [];
  const form = /\.(tsv|tab)$/i.test(file) ? 'tsv' : targets === 'optional' && !/\.(jsonl|json|ndjson)$/i.test(file) ? 'lines' : 'jsonl';
  let offset = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length && diags.length < 20; i++) {
    const line = lines[i].replace(/\r$/, '');
    const base = offset;
    offset += lines[i].length + 1;
    if (line.trim() === '') continue;
    const at: At = (o, n, path, message) => diags.push(diagnosticAt(file, map, base + o, n, `line ${i + 1}${path ? ` ${path}` : ''}`, message));
    const pair = form === 'tsv' ? tsvLine(line, at) : form === 'lines' ? { source: line, target: null } : jsonLine(line, targets, at);
    if (pair) pairs.push({ ...pair, line: i + 1 });
  }
  if (diags.length === 0 && pairs.length === 0) diags.push(fileDiagnostic(file, 'the file has no pairs (it is empty)'));
  if (diags.length) throw new InputError(diags);
  return pairs;
}

function tsvLine(line: string, at: At): Omit<TextPair, 'line'> | null {
  const cols = line.split('\t');
  if (cols.length !== 2) {
    at(0, line.length, '', `expected 2 tab-separated columns (source, target), found ${cols.length}`);
    return null;
  }
  return { source: cols[0], target: cols[1] };
}

function jsonLine(line: string, targets: 'required' | 'optional', at: At): Omit<TextPair, 'line'> | null {
  const errors: ParseError[] = [];
  const root = parseTree(line, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length) {
    at(errors[0].offset, Math.max(1, errors[0].length), '', `invalid JSON (${printParseErrorCode(errors[0].error)})`);
    return null;
  }
  if (!root || root.type !== 'object') {
    at(root?.offset ?? 0, root?.length ?? line.length, '', 'each line must be a JSON object {"source": "...", "target": "..."}');
    return null;
  }
  const fields = new Map<string, Node>();
  let ok = true;
  for (const p of root.children ?? []) {
    const [k, v] = p.children ?? [];
    if (!k || !v) continue;
    const name = String(k.value);
    if (name !== 'source' && name !== 'target') at(k.offset, k.length, `field "${name}"`, 'unknown field; expected only "source" and "target"');
    else if (v.type !== 'string') at(v.offset, v.length, `field "${name}"`, `expected a string, got ${v.type === 'array' ? 'an array' : v.type}`);
    else fields.set(name, v);
    ok &&= fields.has(name);
  }
  const source = fields.get('source');
  const target = fields.get('target');
  if (ok && (!source || (!target && targets === 'required'))) at(root.offset, root.length, '', `missing field "${!source ? 'source' : 'target'}"`);
  if (!ok || !source || (!target && targets === 'required')) return null;
  return { source: source.value as string, target: target ? (target.value as string) : null };
}

export interface PairOptions {
  tokens: Tokenization;
  maxSourceLength: number;
  maxTargetLength: number;
}

/**
 * A sequence-to-sequence dataset: vocabularies from the training pairs, each source as token ids and each target as
 * token ids followed by the end token. Pairs beyond the length limits are left out with a warning; an empty source
 * is an error at its line.
 */
export function pairsDataset(file: string, train: TextPair[], validation: TextPair[], opts: PairOptions, text: string | null): Dataset {
  const tok = (s: string) => tokenize(s, opts.tokens);
  const map = text === null ? null : new LineMap(text);
  const where = (p: TextPair) => (map ? diagnosticAt(file, map, map.lineStart(p.line), 1, `line ${p.line}`, '') : fileDiagnostic(file, ''));
  const empty = [...train, ...validation].filter((p) => tok(p.source).length === 0).slice(0, 20);
  if (empty.length) throw new InputError(empty.map((p) => ({ ...where(p), message: 'the source is empty; every pair needs at least one source token' })));
  const fits = (p: TextPair) => tok(p.source).length <= opts.maxSourceLength && tok(p.target ?? '').length + 1 <= opts.maxTargetLength;
  const dropped = [...train, ...validation].filter((p) => !fits(p));
  const warnings: Diagnostic[] = dropped.length === 0 ? [] : [{
    ...where(dropped[0]), severity: 'warning',
    message: `${dropped.length} pair(s) longer than maxSourceLength ${opts.maxSourceLength} or maxTargetLength ${opts.maxTargetLength} (end token included) were left out, the first at this line`,
  }];
  const keptTrain = train.filter(fits);
  if (keptTrain.length === 0) throw new InputError([fileDiagnostic(file, 'no training pair fits the length limits (data.maxSourceLength, data.maxTargetLength)')]);
  const sourceVocab = buildVocab(keptTrain.map((p) => tok(p.source)));
  const targetVocab = buildVocab(keptTrain.map((p) => tok(p.target ?? '')));
  const si = new Map(sourceVocab.map((t, i) => [t, i]));
  const ti = new Map(targetVocab.map((t, i) => [t, i]));
  const encode = (p: TextPair): Sequence => {
    const src = encodeTokens(tok(p.source), si);
    const y = new Int32Array([...encodeTokens(tok(p.target ?? ''), ti), END]);
    return { T: src.length, x: null, tokens: src, y };
  };
  return {
    input: { kind: 'tokens', vocab: sourceVocab },
    target: { kind: 'sequence', vocab: targetVocab, tokens: opts.tokens },
    train: keptTrain.map(encode), validation: validation.filter(fits).map(encode), baselines: {}, warnings,
  };
}

/** Holds out a seeded random `fraction` of the pairs for validation (training pairs keep file order). */
export function splitPairs(pairs: TextPair[], fraction: number, rng: Rng): { train: TextPair[]; validation: TextPair[] } {
  const nVal = Math.min(pairs.length - 1, Math.round(pairs.length * fraction));
  if (nVal <= 0) return { train: pairs, validation: [] };
  const held = new Set(rng.fork('split').shuffle(pairs.map((_, i) => i)).slice(0, nVal));
  return { train: pairs.filter((_, i) => !held.has(i)), validation: pairs.filter((_, i) => held.has(i)) };
}
