// BLEU against NLTK 3.8's corpus_bleu and sentence_bleu (test/fixtures/bleu/nltk.json, written by
// scripts/golden/bleu_nltk.py), and the exact-match and token accuracy definitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusBleu, exactMatch, sentenceBleu, tokenAccuracy } from '../../../src/runner/seq2seq/metrics';

interface Corpus { name: string; references: string[][]; hypotheses: string[][]; corpusBleu: number; sentenceBleu: number[] }
const fixture = JSON.parse(readFileSync(join(__dirname, '../../fixtures/bleu/nltk.json'), 'utf8')) as { nltk: string; corpora: Corpus[] };

test('corpus BLEU-4 (0-100, brevity penalty) equals NLTK\'s corpus_bleu on every fixture corpus', () => {
  assert.ok(fixture.corpora.length >= 10);
  for (const c of fixture.corpora) {
    const ours = corpusBleu(c.references, c.hypotheses);
    assert.ok(Math.abs(ours - c.corpusBleu) < 1e-9, `${c.name}: ${ours} vs NLTK ${c.corpusBleu}`);
  }
  assert.ok(fixture.corpora.some((c) => c.corpusBleu > 40 && c.corpusBleu < 100), 'the fixtures include partial matches');
});

test('sentence BLEU with smoothing method 1 equals NLTK\'s sentence_bleu for every sentence', () => {
  for (const c of fixture.corpora)
    c.references.forEach((r, i) => {
      const ours = sentenceBleu(r, c.hypotheses[i]);
      assert.ok(Math.abs(ours - c.sentenceBleu[i]) < 1e-9, `${c.name} #${i}: ${ours} vs NLTK ${c.sentenceBleu[i]}`);
    });
});

test('exact match counts whole sequences; token accuracy counts reference positions and where the output ends', () => {
  const refs = [['a', 'b', 'c'], ['x']];
  assert.equal(exactMatch(refs, [['a', 'b', 'c'], ['y']]), 0.5);
  assert.equal(exactMatch(refs, [['a', 'b'], ['x', 'x']]), 0);
  // 3 + 1 tokens and 2 ends: a b c ✓✓✓, end ✓; x ✗, end ✓ → 5/6
  assert.equal(tokenAccuracy(refs, [['a', 'b', 'c'], ['y']]), 5 / 6);
  // a b ✓✓, c ✗ (missing), end ✗ (stopped early); x ✓, end ✗ (went on) → 3/6
  assert.equal(tokenAccuracy(refs, [['a', 'b'], ['x', 'x']]), 3 / 6);
});
