// What a sequence-to-sequence run records at an evaluation: the teacher-forced loss and the scores of greedy
// decoding (metrics.ts), a table of validation examples decoded greedily and by beam search, the beam hypotheses of
// the first probe, and (every gatesEvery steps) the attention alignments of the probe pairs.
import type { SequenceModel } from '../../engine/model';
import type { ProbeResult } from '../../engine/probe';
import { Seq2SeqModel } from '../../engine/seq2seq/model';
import { chunks, makeBatch, type BatchOptions } from '../data/batches';
import { detokenize, END } from '../data/pairs';
import type { Sequence } from '../data/types';
import type { AlignmentRecord, TaskRecord, TranslationExample } from '../events';
import type { Experiment } from '../experiment';
import { corpusBleu, exactMatch, sentenceBleu, tokenAccuracy } from './metrics';

/** Decoding batches: smaller than the evaluation batches, since a decoder graph holds every step of every row. */
const DECODE_BATCH = 64;

export function asSeq2Seq(model: SequenceModel): Seq2SeqModel {
  if (!(model instanceof Seq2SeqModel)) throw new Error('internal: not a sequence-to-sequence model');
  return model;
}

/** Target-side strings of a run: ids → tokens, the end token (and what follows it) left out. */
export function targetTokens(exp: Experiment, ids: ArrayLike<number>): string[] {
  const tg = exp.dataset.target;
  if (tg.kind !== 'sequence') throw new Error('internal: not a sequence-to-sequence dataset');
  const out: string[] = [];
  for (let i = 0; i < ids.length && ids[i] !== END; i++) out.push(tg.vocab[ids[i]]);
  return out;
}

export function sourceTokens(exp: Experiment, ids: ArrayLike<number>): string[] {
  const vocab = exp.dataset.input.kind === 'tokens' ? exp.dataset.input.vocab : [];
  return Array.from(ids, (i) => vocab[i]);
}

function join(exp: Experiment, tokens: string[]): string {
  const tg = exp.dataset.target;
  return detokenize(tokens, tg.kind === 'sequence' ? tg.tokens : 'char');
}

/** Greedy decodings of the rows, as target token lists. */
function decodeAll(model: Seq2SeqModel, exp: Experiment, rows: Sequence[], opts: BatchOptions): string[][] {
  const maxLength = exp.config.decode.maxLength;
  return chunks(rows, DECODE_BATCH).flatMap((c) => model.decodeGreedy(makeBatch(c, exp.dataset, opts), { maxLength }).tokens.map((t) => targetTokens(exp, t)));
}

/** Mean teacher-forced loss per target token, and exactMatch, tokenAccuracy and corpus bleu of greedy decoding. */
export function evaluatePairs(m: SequenceModel, exp: Experiment, rows: Sequence[], opts: BatchOptions): { loss: number; metrics: Record<string, number> } {
  const model = asSeq2Seq(m);
  let sum = 0, tokens = 0;
  for (const c of chunks(rows, DECODE_BATCH)) {
    const n = c.reduce((a, s) => a + s.y.length, 0);
    sum += model.evaluate(makeBatch(c, exp.dataset, opts), 'cross_entropy') * n;
    tokens += n;
  }
  const refs = rows.map((r) => targetTokens(exp, r.y));
  const hyps = decodeAll(model, exp, rows, opts);
  return { loss: sum / tokens, metrics: { exactMatch: exactMatch(refs, hyps), tokenAccuracy: tokenAccuracy(refs, hyps), bleu: corpusBleu(refs, hyps) } };
}

/** The validation examples table and the first probe's beam hypotheses. */
export function pairViews(m: SequenceModel, exp: Experiment, step: number, rows: Sequence[], opts: BatchOptions): TaskRecord[] {
  const model = asSeq2Seq(m);
  const d = exp.config.decode;
  const beamOf = (s: Sequence) => model.decodeBeam(s.tokens!, { beam: d.beam, maxLength: d.maxLength, lengthNormalization: d.lengthNormalization });
  const shown = rows.slice(0, d.examples);
  const greedy = decodeAll(model, exp, shown, opts);
  const examples: TranslationExample[] = shown.map((s, i) => {
    const ref = targetTokens(exp, s.y);
    const beam = targetTokens(exp, beamOf(s)[0].tokens);
    return {
      source: join(exp, sourceTokens(exp, s.tokens!)), reference: join(exp, ref), greedy: join(exp, greedy[i]), beam: join(exp, beam),
      greedyBleu: sentenceBleu(ref, greedy[i]), beamBleu: sentenceBleu(ref, beam),
    };
  });
  const out: TaskRecord[] = [{ kind: 'translations', step, examples }];
  const probeIndex = exp.config.instrumentation.probes[0];
  const probe = probeIndex === undefined ? undefined : rows[probeIndex];
  if (probe) {
    const hypotheses = beamOf(probe).map((h) => ({ text: join(exp, targetTokens(exp, h.tokens)), logProb: h.logProb, score: h.score, finished: h.finished }));
    out.push({ kind: 'beams', step, probe: probeIndex, source: join(exp, sourceTokens(exp, probe.tokens!)), hypotheses });
  }
  return out;
}

/** Weights kept to 5 decimals: what a heatmap can show, in a third of the characters. */
const round5 = (v: number) => Math.round(v * 1e5) / 1e5;

/** A probe result's alignments as records; decoded ids become tokens, the end token as "</s>". */
export function alignmentRecords(exp: Experiment, step: number, res: ProbeResult): AlignmentRecord[] {
  const tg = exp.dataset.target;
  const vocab = tg.kind === 'sequence' ? tg.vocab : [];
  return (res.alignments ?? []).map((a) => ({
    kind: 'alignment', step, probe: a.sequence, source: sourceTokens(exp, a.source), target: a.target.map((i) => vocab[i]),
    weights: a.weights.map((w) => w.map(round5)),
  }));
}
