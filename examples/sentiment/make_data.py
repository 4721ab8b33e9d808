"""Writes reviews.jsonl: short movie reviews as word tokens with a sentiment label.
Negation flips the sentiment ("not good" is negative), so word counts alone are not enough.
Run: python3 examples/sentiment/make_data.py (deterministic)."""
import json
import os
import random

rng = random.Random(7)
POS = ["good", "great", "wonderful", "funny", "moving", "brilliant", "charming", "fresh"]
NEG = ["bad", "boring", "awful", "dull", "clumsy", "tedious", "weak", "messy"]
SUBJ = ["the movie", "this film", "the plot", "the acting", "the ending", "the script", "the soundtrack"]
INTENS = ["", "", "really", "very", "quite", "truly"]
TAIL = ["", "", "overall", "i think", "for me", "to be honest"]

rows = []
for _ in range(240):
    positive = rng.random() < 0.5
    negated = rng.random() < 0.35
    word = rng.choice(POS if positive != negated else NEG)
    parts = [rng.choice(SUBJ), "is"] + (["not"] if negated else []) + [rng.choice(INTENS), word, rng.choice(TAIL)]
    if rng.random() < 0.3:
        parts += ["and", rng.choice(SUBJ), "is", rng.choice(POS if positive else NEG)]
    tokens = " ".join(p for p in parts if p).split()
    rows.append({"x": tokens, "y": "positive" if positive else "negative"})

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "reviews.jsonl"), "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
