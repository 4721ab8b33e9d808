// Loading the dataset a config names: generators, or workspace files (confined to the workspace).
import { readFileSync } from 'node:fs';
import { Rng } from '../../engine/rng';
import type { ConfigSource } from '../config/load';
import type { Config } from '../config/schema';
import { fileDiagnostic, InputError } from '../diagnostics';
import { csvFileDataset } from './csvFile';
import { addingProblem, copyTask, multisineTask, parityTask, sineTask } from './generators';
import { jsonlFileDataset } from './jsonlFile';
import { decodeUtf8 } from './lines';
import { vocabularyWarnings } from './textChecks';
import { pairsDataset, parsePairs, splitPairs } from './pairs';
import { datesTask, reverseTask } from './translationTasks';
import type { Dataset, Sequence } from './types';
import { PathError, resolveDataPath } from './workspace';

export interface DataLocation {
  /** Folder of the config file: data paths are relative to it. */
  configDir: string;
  /** Data files must be inside this folder. */
  workspace: string;
  /** For ranging path errors on the config's data.path. */
  source?: ConfigSource;
}

export function loadDataset(config: Config, where: DataLocation): Dataset {
  const d = config.data;
  const rng = new Rng(config.seed).fork(`data:${d.source}`);
  switch (d.source) {
    case 'adding': return addingProblem(d, rng);
    case 'copy': return copyTask(d, rng);
    case 'sine': return sineTask(d, rng);
    case 'multisine': return multisineTask(d, rng);
    case 'parity': return parityTask(d, rng);
    case 'text': {
      const { file, text } = readDataFile(d.path, where);
      return textDataset(file, text, d.seqLength, d.validation);
    }
    case 'csv': {
      return csvFileDataset(resolveDataFile(d.path, where), d, { source: where.source });
    }
    case 'jsonl': {
      const file = resolveDataFile(d.path, where);
      const held = d.validationPath === null ? undefined : resolveDataFile(d.validationPath, where, ['data', 'validationPath']);
      const base = jsonlFileDataset(file, { minFreq: d.minFreq, validation: held });
      const { train, validation } = base.validation ? { train: base.train, validation: base.validation } : splitRows(base.train, d.validation, rng);
      return { ...base, train, validation, baselines: {}, warnings: [] };
    }
    case 'pairs': {
      const { file, text } = readDataFile(d.path, where);
      const { train, validation } = splitPairs(parsePairs(file, text), d.validation, rng);
      return pairsDataset(file, train, validation, d, text);
    }
    case 'reverse': return reverseTask(d, rng);
    case 'dates': return datesTask(d, rng);
  }
}

function readDataFile(path: string, where: DataLocation): { file: string; text: string } {
  const file = resolveDataFile(path, where);
  const text = decodeUtf8(file, readFileSync(file));
  if (text.trim() === '') throw new InputError([fileDiagnostic(file, 'the file is empty')]);
  return { file, text };
}

/** A data file's real path; a path that cannot be used is reported at its config entry (`at`, default data.path). */
function resolveDataFile(path: string, where: DataLocation, at = ['data', 'path']): string {
  try {
    return resolveDataPath(path, where.configDir, where.workspace);
  } catch (e) {
    if (!(e instanceof PathError)) throw e;
    throw new InputError([where.source ? where.source.at(at, e.message) : fileDiagnostic(path, e.message, at.join('.'))]);
  }
}

/** Holds out a seeded random `fraction` of rows for validation; the training rows keep their file order. */
export function splitRows(rows: Sequence[], fraction: number, rng: Rng): { train: Sequence[]; validation: Sequence[] } {
  const nVal = Math.min(rows.length - 1, Math.round(rows.length * fraction));
  if (nVal <= 0) return { train: rows, validation: [] };
  const order = rng.fork('split').shuffle(rows.map((_, i) => i));
  const held = new Set(order.slice(0, nVal));
  return { train: rows.filter((_, i) => !held.has(i)), validation: rows.filter((_, i) => held.has(i)) };
}

/**
 * Character-level language modeling: the first (1 − validation) of the text trains, the rest validates.
 * Each sequence is seqLength characters and its targets are the next character at every step.
 */
export function textDataset(file: string, text: string, seqLength: number, validation: number): Dataset {
  const chars = [...text];
  if (chars.length < seqLength + 1) {
    throw new InputError([fileDiagnostic(file, `the text has ${chars.length} characters; seqLength ${seqLength} needs at least ${seqLength + 1}`)]);
  }
  const vocab = [...new Set(chars)].sort();
  const index = new Map(vocab.map((c, i) => [c, i]));
  const ids = Int32Array.from(chars, (c) => index.get(c)!);
  const cut = validation > 0 ? Math.round(ids.length * (1 - validation)) : ids.length;
  const chunks = (from: number, to: number): Sequence[] => {
    const out: Sequence[] = [];
    for (let s = from; s + seqLength + 1 <= to; s += seqLength) {
      out.push({ T: seqLength, x: null, tokens: ids.slice(s, s + seqLength), y: ids.slice(s + 1, s + seqLength + 1) });
    }
    return out;
  };
  const train = chunks(0, cut);
  if (train.length === 0) throw new InputError([fileDiagnostic(file, `the training part of the text is shorter than seqLength + 1 = ${seqLength + 1} characters`)]);
  return {
    input: { kind: 'tokens', vocab },
    target: { kind: 'class', labels: vocab, perStep: true },
    train, validation: chunks(cut, ids.length),
    // A model that knows only character frequencies: the unigram entropy of the training text.
    baselines: { baselineCrossEntropy: unigramEntropy(ids.subarray(0, cut), vocab.length) },
    warnings: vocabularyWarnings(file, vocab.length, chars.length),
    text: chars.slice(0, cut).join(''),
  };
}

function unigramEntropy(ids: Int32Array, V: number): number {
  const counts = new Float64Array(V);
  for (const i of ids) counts[i]++;
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / ids.length) * Math.log(c / ids.length);
  return h;
}
