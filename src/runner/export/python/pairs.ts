// The part of train.py that evaluates a sequence-to-sequence model as src/runner/seq2seq/ does: the teacher-forced
// loss per target token, greedy decoding scored by exact match, token accuracy and corpus BLEU-4 (metrics.ts, NLTK's
// definitions), the validation examples decoded greedily and by beam search and the first probe's beam hypotheses
// (evaluate.ts's pairViews), and the probe alignments named by their tokens (alignmentRecords).
export const PAIRS_PY = String.raw`

# ---------------------------------------------------------------- sequence-to-sequence evaluation

END_TOKEN = 2  # </s>, at id 2 of every target vocabulary (SeqLab's special tokens <pad> <s> </s> <unk>)
DECODE_BATCH = 64
BLEU_ORDERS = 4


def target_strings(ids):
    """Target ids as tokens, the end token and what follows it left out."""
    out = []
    for i in ids:
        if i == END_TOKEN:
            break
        out.append(TARGET["vocab"][i])
    return out


def ngram_counts(tokens, n):
    counts = {}
    for i in range(len(tokens) - n + 1):
        key = tuple(tokens[i:i + n])
        counts[key] = counts.get(key, 0) + 1
    return counts


def bleu_stats(reference, hypothesis):
    """Per order 1..4: clipped n-gram matches and hypothesis n-grams (at least 1, as NLTK counts); both lengths."""
    matches, totals = [], []
    for n in range(1, BLEU_ORDERS + 1):
        hyp, ref = ngram_counts(hypothesis, n), ngram_counts(reference, n)
        matches.append(sum(min(c, ref.get(g, 0)) for g, c in hyp.items()))
        totals.append(max(1, sum(hyp.values())))
    return matches, totals, len(hypothesis), len(reference)


def corpus_bleu(references, hypotheses):
    """Corpus BLEU-4, 0-100: n-gram statistics summed over the corpus, uniform weights, brevity penalty; 0 when an
    order has no match (NLTK's corpus_bleu without smoothing)."""
    matches, totals, hyp_len, ref_len = [0] * BLEU_ORDERS, [0] * BLEU_ORDERS, 0, 0
    for r, h in zip(references, hypotheses):
        m, t, hl, rl = bleu_stats(r, h)
        matches = [a + b for a, b in zip(matches, m)]
        totals = [a + b for a, b in zip(totals, t)]
        hyp_len, ref_len = hyp_len + hl, ref_len + rl
    if hyp_len == 0 or min(matches) == 0:
        return 0.0
    log_sum = sum(math.log(m / t) / BLEU_ORDERS for m, t in zip(matches, totals))
    penalty = 1 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    return 100 * penalty * math.exp(log_sum)


def exact_match(references, hypotheses):
    return sum(r == h for r, h in zip(references, hypotheses)) / len(references) if references else float("nan")


def token_accuracy(references, hypotheses):
    """Position-wise accuracy over each reference's tokens and its end (the hypothesis must end where it does)."""
    right = total = 0
    for r, h in zip(references, hypotheses):
        for j in range(len(r) + 1):
            total += 1
            right += (j < len(h) and h[j] == r[j]) if j < len(r) else len(h) == len(r)
    return right / total if total else float("nan")


@torch.no_grad()
def evaluate_pairs(model, rows, ctx):
    """Mean teacher-forced cross entropy per target token; exactMatch, tokenAccuracy and bleu of greedy decoding."""
    loss_total, tokens, refs, hyps = 0.0, 0, [], []
    for at in range(0, len(rows), DECODE_BATCH):
        ids = list(range(at, min(len(rows), at + DECODE_BATCH)))
        inputs, lengths, targets = make_batch(rows, ids, max(rows.lengths[i] for i in ids), ctx.device, ctx.dtype)
        logits, mask, _, _ = model(inputs, lengths, 0, model.initial_state(len(ids)))
        loss_total += float(loss_sum(logits, targets, mask))
        tokens += term_count(rows, ids)
        decoded, _ = model.greedy(inputs[0], lengths, SPEC["decoder"]["maxLength"])
        refs += [target_strings(rows.row(i)[1].tolist()) for i in ids]
        hyps += [target_strings(d) for d in decoded]
    metrics = {"exactMatch": exact_match(refs, hyps), "tokenAccuracy": token_accuracy(refs, hyps), "bleu": corpus_bleu(refs, hyps)}
    return loss_total / tokens, metrics, None


def sentence_bleu(reference, hypothesis):
    """BLEU-4 of one sentence, 0-100, with NLTK's smoothing method 1 (an order without a match counts 0.1)."""
    matches, totals, hyp_len, ref_len = bleu_stats(reference, hypothesis)
    if hyp_len == 0 or matches[0] == 0:
        return 0.0
    log_sum = sum(math.log((m or 0.1) / t) / BLEU_ORDERS for m, t in zip(matches, totals))
    penalty = 1 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    return 100 * penalty * math.exp(log_sum)


def joined(tokens):
    return ("" if TARGET["tokens"] == "char" else " ").join(tokens)


@torch.no_grad()
def pair_views(model, rows, step, ctx):
    """SeqLab's tasks.jsonl views of an evaluation: the first decode.examples pairs decoded greedily and by beam search
    with each output's sentence BLEU, and the first probe's beam hypotheses."""
    d = EXP["config"]["decode"]
    shown = list(range(min(d["examples"], len(rows))))
    beam = lambda i: model.beam_search(rows.row(i)[0].long().to(ctx.device), torch.tensor(rows.lengths[i], device=ctx.device),
                                       d["beam"], d["maxLength"], d["lengthNormalization"])
    source = lambda i: joined(INPUT["vocab"][t] for t in rows.row(i)[0].tolist())
    examples = []
    if shown:
        inputs, lengths, _ = make_batch(rows, shown, max(rows.lengths[i] for i in shown), ctx.device, ctx.dtype)
        decoded, _ = model.greedy(inputs[0], lengths, d["maxLength"])
        for i, greedy in zip(shown, decoded):
            ref, greedy, best = target_strings(rows.row(i)[1].tolist()), target_strings(greedy), target_strings(beam(i)[0][0])
            examples.append({"source": source(i), "reference": joined(ref), "greedy": joined(greedy), "beam": joined(best),
                             "greedyBleu": sentence_bleu(ref, greedy), "beamBleu": sentence_bleu(ref, best)})
    out = [{"kind": "translations", "step": step, "examples": examples}]
    probe = RUN["probes"][0] if RUN["probes"] else None
    if probe is not None and probe < len(rows):
        hypotheses = [{"text": joined(target_strings(tokens)), "logProb": lp, "score": score, "finished": done}
                      for tokens, lp, score, done in beam(probe)]
        out.append({"kind": "beams", "step": step, "probe": probe, "source": source(probe), "hypotheses": hypotheses})
    return out


def alignment_tokens(record):
    """A probe's alignment with its source and decoded ids as tokens (the end token as "</s>") and the weights kept
    to 5 decimals, as SeqLab writes attention.jsonl (rounding half up, as JavaScript's Math.round)."""
    return {"source": [INPUT["vocab"][i] for i in record["source"]], "target": [TARGET["vocab"][i] for i in record["target"]],
            "weights": [[math.floor(v * 1e5 + 0.5) / 1e5 for v in w] for w in record["weights"]]}
`;
