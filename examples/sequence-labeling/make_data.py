"""Writes tagged.jsonl: sentences from a tiny grammar with one part-of-speech tag per word.
Words like "watch", "park" and "run" are nouns or verbs depending on their place, so the tagger needs context.
Run: python3 examples/sequence-labeling/make_data.py (deterministic)."""
import json
import os
import random

rng = random.Random(11)
DET = ["the", "a", "every", "my"]
ADJ = ["small", "old", "green", "quick", "quiet"]
NOUN = ["dog", "child", "watch", "park", "run", "friend", "river"]
VERB = ["sees", "likes", "watch", "park", "run", "finds"]
ADV = ["today", "often", "slowly", "again"]


def noun_phrase():
    words = [(rng.choice(DET), "DET")]
    if rng.random() < 0.5:
        words.append((rng.choice(ADJ), "ADJ"))
    words.append((rng.choice(NOUN), "NOUN"))
    return words


rows = []
for _ in range(300):
    subj = noun_phrase()
    plural = rng.random() < 0.5
    if plural:
        subj = [("we", "PRON")] if rng.random() < 0.5 else [("they", "PRON")]
        verb = rng.choice(["watch", "park", "run", "like", "find"])
    else:
        verb = rng.choice(["sees", "likes", "watches", "parks", "runs", "finds"])
    sent = subj + [(verb, "VERB")]
    if verb not in ("run", "runs") or rng.random() < 0.5:
        sent += noun_phrase()
    if rng.random() < 0.4:
        sent.append((rng.choice(ADV), "ADV"))
    rows.append({"x": [w for w, _ in sent], "y": [t for _, t in sent]})

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "tagged.jsonl"), "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
