"""Writes headlines.jsonl: headline-style sentences with one part-of-speech tag per word, in which the first word
("park", "ship", "watch", ...) is a noun ("park closes today") or a verb ("park the old car today") and only the
words after it tell which. A left-to-right tagger must guess at that word; a bidirectional one sees what follows.
Run: python3 examples/bidirectional/make_data.py (deterministic)."""
import json
import os
import random

rng = random.Random(16)
AMBIGUOUS = ["park", "ship", "watch", "run", "test", "book", "fish", "train"]
DET = ["the", "a", "every", "my"]
ADJ = ["small", "old", "green", "quick", "quiet"]
NOUN = ["dog", "child", "friend", "river", "car", "city"] + AMBIGUOUS
VERB_3SG = ["closes", "opens", "ends", "stops", "sinks", "wins"]
ADV = ["today", "often", "quickly", "again", "early"]


def noun_phrase():
    words = [(rng.choice(DET), "DET")]
    if rng.random() < 0.5:
        words.append((rng.choice(ADJ), "ADJ"))
    words.append((rng.choice(NOUN), "NOUN"))
    return words


def adverbs(most):
    return [(rng.choice(ADV), "ADV") for _ in range(rng.randint(0, most))]


rows = []
for _ in range(400):
    first = rng.choice(AMBIGUOUS)
    if rng.random() < 0.5:
        # Headline: the first word is the subject; a verb follows, maybe after adverbs.
        sent = [(first, "NOUN")] + adverbs(2) + [(rng.choice(VERB_3SG), "VERB")]
        if rng.random() < 0.5:
            sent += noun_phrase()
    else:
        # Imperative: the first word is the verb; its object follows, maybe after adverbs.
        sent = [(first, "VERB")] + adverbs(2) + noun_phrase()
    sent += adverbs(1)
    rows.append({"x": [w for w, _ in sent], "y": [t for _, t in sent]})

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "headlines.jsonl"), "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
