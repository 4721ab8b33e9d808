// Scores of decoded sequences against their references (token lists, end token left out), as NLTK 3.8 computes them
// (test/fixtures/bleu/nltk.json holds its values):
//   exactMatch     fraction of sequences equal to their reference
//   tokenAccuracy  fraction of reference tokens (the end token included) that the output has at the same position
//   bleu           corpus BLEU-4 (Papineni et al. 2002): clipped n-gram counts summed over the corpus, uniform weights
//                  over n = 1..4, brevity penalty; 0-100. NLTK's corpus_bleu without smoothing: 0 when some order has no
//                  match (NLTK's value there is about 1e-75).
//   sentenceBleu   the same for one sentence with NLTK's smoothing method 1 (an order without a match counts 0.1)

interface BleuStats {
  /** Per n-gram order 1..4: clipped matches and hypothesis n-grams (at least 1 per sentence, as NLTK counts). */
  matches: number[];
  totals: number[];
  hypLength: number;
  refLength: number;
}

const ORDERS = 4;

function ngramCounts(tokens: string[], n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = JSON.stringify(tokens.slice(i, i + n));
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

function sentenceStats(reference: string[], hypothesis: string[]): BleuStats {
  const matches: number[] = [];
  const totals: number[] = [];
  for (let n = 1; n <= ORDERS; n++) {
    const hyp = ngramCounts(hypothesis, n);
    const ref = ngramCounts(reference, n);
    let m = 0, total = 0;
    for (const [g, c] of hyp) {
      m += Math.min(c, ref.get(g) ?? 0);
      total += c;
    }
    matches.push(m);
    totals.push(Math.max(1, total));
  }
  return { matches, totals, hypLength: hypothesis.length, refLength: reference.length };
}

/** BLEU (0-100) from summed statistics; epsilon: the count an order without a match gets (0: the score is 0). */
function bleuFrom(s: BleuStats, epsilon: number): number {
  if (s.matches[0] === 0 || s.hypLength === 0) return 0;
  let logSum = 0;
  for (let n = 0; n < ORDERS; n++) {
    const m = s.matches[n] === 0 ? epsilon : s.matches[n];
    if (m === 0) return 0;
    logSum += Math.log(m / s.totals[n]) / ORDERS;
  }
  const bp = s.hypLength > s.refLength ? 1 : Math.exp(1 - s.refLength / s.hypLength);
  return 100 * bp * Math.exp(logSum);
}

/** Corpus BLEU-4 of hypotheses against one reference each, 0-100. */
export function corpusBleu(references: string[][], hypotheses: string[][]): number {
  const total: BleuStats = { matches: new Array<number>(ORDERS).fill(0), totals: new Array<number>(ORDERS).fill(0), hypLength: 0, refLength: 0 };
  references.forEach((r, i) => {
    const s = sentenceStats(r, hypotheses[i]);
    for (let n = 0; n < ORDERS; n++) {
      total.matches[n] += s.matches[n];
      total.totals[n] += s.totals[n];
    }
    total.hypLength += s.hypLength;
    total.refLength += s.refLength;
  });
  return bleuFrom(total, 0);
}

/** BLEU-4 of one sentence (NLTK's sentence_bleu with smoothing method 1), 0-100. */
export function sentenceBleu(reference: string[], hypothesis: string[]): number {
  return bleuFrom(sentenceStats(reference, hypothesis), 0.1);
}

export function exactMatch(references: string[][], hypotheses: string[][]): number {
  if (references.length === 0) return NaN;
  let right = 0;
  references.forEach((r, i) => { if (r.length === hypotheses[i].length && r.every((t, j) => t === hypotheses[i][j])) right++; });
  return right / references.length;
}

/** Position-wise accuracy over the reference tokens and each reference's end (a hypothesis must end where it does). */
export function tokenAccuracy(references: string[][], hypotheses: string[][]): number {
  let right = 0, total = 0;
  references.forEach((r, i) => {
    const h = hypotheses[i];
    for (let j = 0; j <= r.length; j++) {
      total++;
      if (j < r.length ? h[j] === r[j] : h.length === r.length) right++;
    }
  });
  return total ? right / total : NaN;
}
