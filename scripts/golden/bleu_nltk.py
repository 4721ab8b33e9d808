#!/usr/bin/python3
"""Writes test/fixtures/bleu/nltk.json: BLEU-4 values from NLTK 3.8 (Debian's python3-nltk) for SeqLab's BLEU tests.

    apt-get install -y python3-nltk && /usr/bin/python3 scripts/golden/bleu_nltk.py

Corpus BLEU is nltk.translate.bleu_score.corpus_bleu with its defaults (uniform weights over 1- to 4-grams, no
smoothing, brevity penalty); sentence BLEU is sentence_bleu with SmoothingFunction().method1 (epsilon 0.1 counts for
n-gram orders without a match). Both are scaled to 0-100 here, as SeqLab reports them.
"""
import json
import os
import random
import warnings

from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu, sentence_bleu

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures', 'bleu', 'nltk.json')


def mutate(tokens, rng, vocab):
    out = list(tokens)
    for _ in range(rng.randint(0, 3)):
        op = rng.random()
        if op < 0.4 and out:
            out[rng.randrange(len(out))] = rng.choice(vocab)
        elif op < 0.7 and out:
            del out[rng.randrange(len(out))]
        else:
            out.insert(rng.randrange(len(out) + 1), rng.choice(vocab))
    return out


def main():
    warnings.simplefilter('ignore')  # method0 warns about orders without a match
    rng = random.Random(5)
    words = 'the cat sat on a mat dog ran in park big small red'.split()
    chars = list('abcdefgh-0123')
    corpora = []
    for name, vocab, lo, hi in [('words', words, 1, 12), ('chars', chars, 3, 14)]:
        for k in range(4):
            refs = [[rng.choice(vocab) for _ in range(rng.randint(lo, hi))] for _ in range(6)]
            hyps = [mutate(r, rng, vocab) for r in refs]
            corpora.append({'name': f'{name} {k}', 'references': refs, 'hypotheses': hyps})
    corpora.append({'name': 'exact', 'references': [list('2021-03-03'), list('1999-12-31')],
                    'hypotheses': [list('2021-03-03'), list('1999-12-31')]})
    corpora.append({'name': 'short hypotheses (brevity penalty, orders longer than a sentence)',
                    'references': [['a', 'b', 'c', 'd', 'e'], ['x', 'y', 'z']], 'hypotheses': [['a', 'b'], ['x']]})
    corpora.append({'name': 'no unigram match', 'references': [['a', 'b', 'c']], 'hypotheses': [['x', 'y']]})
    corpora.append({'name': 'no 4-gram match', 'references': [list('abcdef')], 'hypotheses': [list('abcxef')]})
    corpora.append({'name': 'empty hypothesis', 'references': [['a', 'b']], 'hypotheses': [[]]})
    smooth = SmoothingFunction().method1
    for c in corpora:
        c['corpusBleu'] = 100 * corpus_bleu([[r] for r in c['references']], c['hypotheses'])
        c['sentenceBleu'] = [100 * sentence_bleu([r], h, smoothing_function=smooth) if h else 0.0
                             for r, h in zip(c['references'], c['hypotheses'])]
    import nltk
    with open(OUT, 'w') as f:
        json.dump({'nltk': nltk.__version__, 'corpora': corpora}, f, indent=1)
        f.write('\n')
    print(f'wrote {len(corpora)} corpora to {os.path.normpath(OUT)}')


if __name__ == '__main__':
    main()
