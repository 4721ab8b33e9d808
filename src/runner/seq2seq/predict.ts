// `seqlab predict` for a sequence-to-sequence run: each source (a JSONL {"source": ...} line, a TSV line, or a plain
// text line) decoded by beam search (width 1: greedy) into the target text.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SequenceModel } from '../../engine/model';
import { detokenize, encodeTokens, parsePairs, tokenize } from '../data/pairs';
import { UnusableInputError } from '../diagnostics';
import type { Experiment } from '../experiment';
import { asSeq2Seq, targetTokens } from './evaluate';

/** The decoded text of every source in `file`, in order. beam: the width (default the run's decode.beam). */
export function translateFile(exp: Experiment, m: SequenceModel, file: string, beam: number | undefined): string[] {
  const model = asSeq2Seq(m);
  const tg = exp.dataset.target;
  if (tg.kind !== 'sequence' || exp.dataset.input.kind !== 'tokens') throw new Error('internal: not a sequence-to-sequence run');
  const k = beam ?? exp.config.decode.beam;
  if (!Number.isInteger(k) || k < 1) throw new UnusableInputError(`--beam must be a positive integer, got ${k}`);
  const pairs = parsePairs(resolve(file), readFileSync(file, 'utf8'), 'optional');
  const index = new Map(exp.dataset.input.vocab.map((t, i) => [t, i]));
  const d = exp.config.decode;
  return pairs.map((p) => {
    const tokens = tokenize(p.source, tg.tokens);
    if (tokens.length === 0) throw new UnusableInputError(`${file}:${p.line}: the source is empty`);
    const src = encodeTokens(tokens, index);
    const ids = k === 1
      ? model.decodeGreedy({ B: 1, T: src.length, x: null, tokens: src, lengths: null, y: new Int32Array(0) }, { maxLength: d.maxLength }).tokens[0]
      : model.decodeBeam(src, { beam: k, maxLength: d.maxLength, lengthNormalization: d.lengthNormalization })[0].tokens;
    return detokenize(targetTokens(exp, ids), tg.tokens);
  });
}
