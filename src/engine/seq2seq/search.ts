// Decoding a trained sequence-to-sequence model: greedy (the most probable token at every step) and beam search
// (the k best partial hypotheses by total log-probability), both stopping at the end token or the maximum length.

import type { Buf } from '../backend';
import type { Seq2SeqGraph } from './graph';

/** One decoded sequence. */
export interface Hypothesis {
  /** Target token ids, the end token included when the hypothesis finished. */
  tokens: number[];
  /** Σ log p of its tokens. */
  logProb: number;
  /** logProb / length^α, what beam search ranks finished hypotheses by (α = 0: the plain sum). */
  score: number;
  finished: boolean;
}

export interface Greedy {
  /** Per sequence: its tokens (end token included when reached). */
  tokens: number[][];
  logProbs: number[];
  /** Per sequence, per decoded token: the attention weights over its source steps (empty without attention). */
  weights: number[][][];
}

export function argmax(z: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < z.length; k++) if (z[k] > z[best]) best = k;
  return best;
}

/** log softmax(z)[k]. */
function logProb(z: Buf, k: number): number {
  let m = -Infinity;
  for (let j = 0; j < z.length; j++) m = Math.max(m, z[j]);
  let s = 0;
  for (let j = 0; j < z.length; j++) s += Math.exp(z[j] - m);
  return z[k] - m - Math.log(s);
}

/** Greedy decoding of every sequence of an encoded graph, for at most maxLength (≤ g.U) steps. */
export function greedy(g: Seq2SeqGraph, maxLength: number, alignments: boolean): Greedy {
  const { B, decoder } = g;
  const U = Math.min(maxLength, g.U);
  const d = g.spec.decoder!;
  const out: Greedy = { tokens: Array.from({ length: B }, () => []), logProbs: new Array<number>(B).fill(0), weights: Array.from({ length: B }, () => []) };
  const done = new Array<boolean>(B).fill(false);
  g.beginDecoding();
  for (let t = 0; t < U && done.includes(false); t++) {
    decoder.setInput(t, (b) => (t === 0 ? d.startToken : out.tokens[b][t - 1] ?? d.endToken));
    decoder.step(t);
    for (let b = 0; b < B; b++) {
      if (done[b]) continue;
      const z = decoder.logitsAt(t, b);
      const tok = argmax(z);
      out.tokens[b].push(tok);
      out.logProbs[b] += logProb(z, tok);
      if (alignments && decoder.attention) out.weights[b].push(Array.from(decoder.attention.weightsAt(b, t)));
      if (tok === d.endToken) done[b] = true;
    }
  }
  return out;
}

interface Beam { tokens: number[]; logProb: number }

/**
 * Beam search over a graph whose B rows all hold the same encoded source (B = the beam width k): at every step each
 * live hypothesis is extended by every token, and the k best continuations by total log-probability survive; one
 * that ends with the end token is finished instead. Stops when k hypotheses have finished or after maxLength (≤ g.U) steps.
 * Returns the finished hypotheses (the live ones if none finished), best score first.
 */
export function beamSearch(g: Seq2SeqGraph, maxLength: number, lengthNormalization: number): Hypothesis[] {
  const { B: k, decoder } = g;
  const U = Math.min(maxLength, g.U);
  const d = g.spec.decoder!;
  const finished: Hypothesis[] = [];
  const score = (lp: number, n: number) => lp / Math.pow(n, lengthNormalization);
  let alive: Beam[] = [{ tokens: [], logProb: 0 }];
  g.beginDecoding();
  for (let t = 0; t < U; t++) {
    decoder.setInput(t, (b) => (t === 0 ? d.startToken : alive[Math.min(b, alive.length - 1)].tokens[t - 1]));
    decoder.step(t);
    const next = extend(alive, (b) => decoder.logitsAt(t, b), d.endToken, k, (beam) => finished.push({ ...beam, score: score(beam.logProb, beam.tokens.length), finished: true }));
    if (finished.length >= k || next.length === 0) break;
    alive = next.map((c) => c.beam);
    // Row b continues from the state of its parent's row; spare rows copy row 0.
    decoder.reorder(t, Int32Array.from({ length: k }, (_, b) => next[Math.min(b, next.length - 1)].parent));
  }
  const results = finished.length ? finished
    : alive.map((a) => ({ ...a, score: score(a.logProb, Math.max(1, a.tokens.length)), finished: false }));
  return results.sort((a, b) => b.score - a.score).slice(0, k);
}

/**
 * The best continuations of the live beams by total log-probability: up to k that do not end, each with the row of
 * its parent; those ending with the end token among them (ranked above the k-th live one) go to onFinished.
 */
function extend(alive: Beam[], logits: (b: number) => Buf, end: number, k: number, onFinished: (b: Beam) => void): { beam: Beam; parent: number }[] {
  const cands: { parent: number; token: number; logProb: number }[] = [];
  alive.forEach((beam, b) => {
    const z = logits(b);
    let m = -Infinity;
    for (let j = 0; j < z.length; j++) m = Math.max(m, z[j]);
    let s = 0;
    for (let j = 0; j < z.length; j++) s += Math.exp(z[j] - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < z.length; j++) cands.push({ parent: b, token: j, logProb: beam.logProb + z[j] - lse });
  });
  cands.sort((a, b) => b.logProb - a.logProb);
  const next: { beam: Beam; parent: number }[] = [];
  for (const c of cands) {
    if (next.length === k) break;
    const beam = { tokens: [...alive[c.parent].tokens, c.token], logProb: c.logProb };
    if (c.token === end) onFinished(beam);
    else next.push({ beam, parent: c.parent });
  }
  return next;
}
