// model.py for the sequence-to-sequence model kind: the same computation as src/engine/seq2seq/ (encoder, bridge,
// decoder with attention after the recurrent step, input feeding), its encoder and decoder stacks the recurrent
// kind's layers (python/recurrent.ts), so cells, variants and the fused/step-by-step paths are shared. Parameter names
// are SeqLab's (src/engine/seq2seq/params.ts), so checkpoints move unchanged.
import { RECURRENT_STACK_PY } from './recurrent';

const SEQ2SEQ_DOC = String.raw`"""The sequence-to-sequence model: an encoder (embedding -> stacked RNN/GRU/LSTM) and a decoder with attention.

  x_t  = [embed(y_{t-1}); h~_{t-1} with input feeding]     y_{-1} = the start token, h~_{-1} = 0
  h_t  = the decoder's stacked cells, started from the encoder's final state (bidirectional: through the bridge,
         h0 = tanh(bridge([h_fwd; h_rev])), c0 = bridge_c([c_fwd; c_rev]), per layer)
  c_t  = attention over the encoder outputs with query h_t (additive, dot or general; padded source steps get 0)
  h~_t = tanh(combine([c_t; h_t]))    (h_t itself without attention)
  z_t  = out(h~_t)                    the logits over the target vocabulary

Training feeds the reference tokens (teacher forcing); decoding feeds each step its predecessor's most probable token.
Parameter names are "encoder.embedding.", "encoder.rnn." (torch.nn.LSTM's), "bridge.", "bridge_c.",
"decoder.embedding.", "decoder.rnn.", "decoder.attention.", "decoder.combine." and "decoder.out.".
"""
`;

const SEQ2SEQ_MODEL_PY = String.raw`

class Attention(nn.Module):
    """Scores of a decoder state h_t against every encoder output, softmax over the valid source steps, the context."""

    def __init__(self, kind, H, De):
        super().__init__()
        self.kind = kind
        if kind == "additive":  # Bahdanau: v . tanh(query(h_t) + key(h_s))
            self.query = nn.Linear(H, H, bias=False)
            self.key = nn.Linear(De, H)
            self.v = nn.Linear(H, 1, bias=False)
        elif kind == "general":  # Luong: h_t . key(h_s)
            self.key = nn.Linear(De, H, bias=False)

    def keys(self, values):
        """What the queries are scored against, computed once per source: [B, S, H] (dot: the outputs themselves)."""
        return values if self.kind == "dot" else self.key(values)

    def forward(self, h, values, keys, valid):
        """h [B, n, H] (n decoder steps) -> weights [B, n, S] and contexts [B, n, De]."""
        if self.kind == "additive":
            scores = self.v(torch.tanh(self.query(h).unsqueeze(2) + keys.unsqueeze(1))).squeeze(-1)
        else:
            scores = h @ keys.transpose(1, 2)
        weights = torch.softmax(scores.masked_fill(~valid.unsqueeze(1), float("-inf")), dim=-1)
        return weights, weights @ values


class Encoder(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.embedding = nn.Embedding(spec["embedding"]["vocabSize"], spec["embedding"]["dim"])
        self.rnn = Recurrent(spec, spec["embedding"]["dim"])


class Decoder(nn.Module):
    """The decoder's layers: same cell, size and layer count as the encoder, one direction, no layer norm."""

    def __init__(self, spec):
        super().__init__()
        d, H = spec["decoder"], spec["hiddenSize"]
        De = H * (2 if spec["bidirectional"] else 1)
        self.feed, self.H = d["inputFeeding"], H
        self.embedding = nn.Embedding(d["vocabSize"], d["embeddingDim"])
        cells = dict(spec, bidirectional=False, layerNorm=False, residual=False, dropout=0)
        self.rnn = Recurrent(cells, d["embeddingDim"] + (H if self.feed else 0))
        if d["attention"] != "none":
            self.attention = Attention(d["attention"], H, De)
            self.combine = nn.Linear(De + H, H)
        else:
            self.attention = None
        self.out = nn.Linear(H, d["vocabSize"])

    def readout(self, h, source):
        """h [B, n, H] -> logits [B, n, V], h~ [B, n, H] and the attention weights [B, n, S] (None without attention)."""
        if self.attention is None:
            return self.out(h), h, None
        values, keys, valid = source
        weights, contexts = self.attention(h, values, keys, valid)
        ht = torch.tanh(self.combine(torch.cat([contexts, h], -1)))
        return self.out(ht), ht, weights

    def run(self, tokens, state, source):
        """Every step at once: the cells over all inputs, then attention and output (no input feeding)."""
        x = self.embedding(tokens).transpose(0, 1)
        valid = torch.ones(x.shape[:2], dtype=torch.bool, device=x.device)
        top, _, _ = self.rnn(x, valid, state)
        return self.readout(top.transpose(0, 1), source)[0]

    def unroll(self, tokens, forced, state, source):
        """Step by step (input feeding, or teacher forcing below 1): step t is fed tokens[:, t] when forced[t - 1] (or
        forced is None), else the previous step's most probable tokens."""
        prev, steps = source[0].new_zeros(tokens.shape[0], self.H), []
        for t in range(tokens.shape[1]):
            fed = tokens[:, t] if t == 0 or forced is None or forced[t - 1] else steps[-1].detach().argmax(-1)
            z, state, prev, _ = self.step(fed, state, prev, source)
            steps.append(z)
        return torch.stack(steps, 1)

    def step(self, tokens, state, prev, source):
        """One step from tokens [B] and h~_{t-1}: logits [B, V], the new state, h~_t and the weights [B, S]."""
        x = self.embedding(tokens)
        if self.feed:
            x = torch.cat([x, prev], -1)
        valid = torch.ones(1, x.shape[0], dtype=torch.bool, device=x.device)
        top, state, _ = self.rnn(x.unsqueeze(0), valid, state)
        logits, ht, weights = self.readout(top.transpose(0, 1), source)
        return logits[:, 0], state, ht[:, 0], (None if weights is None else weights[:, 0])


class Model(nn.Module):
    """The whole network. forward() runs whole sequences, teacher-forced; greedy() decodes."""

    supports_tbptt = False

    def __init__(self, spec):
        super().__init__()
        self.spec = spec
        H = spec["hiddenSize"]
        self.encoder = Encoder(spec)
        if spec["bidirectional"]:
            self.bridge = nn.Linear(2 * H, H)
            if spec["cell"] == "lstm":
                self.bridge_c = nn.Linear(2 * H, H)
        self.decoder = Decoder(spec)

    def initial_state(self, B):
        """No state carries from one call to the next: an empty list."""
        return []

    def encode(self, src, lengths, step_by_step=False, traces=None):
        """Encoder outputs as (values [B, S, De], keys, valid [B, S]), the decoder's initial state, and the top layer's
        h_t tensors per direction (step_by_step only)."""
        x = self.encoder.embedding(src).transpose(0, 1)
        valid = torch.arange(x.shape[0], device=x.device).unsqueeze(1) < lengths.unsqueeze(0)
        rnn = self.encoder.rnn
        top, final, top_hs = rnn(x, valid, rnn.zero_state(x.shape[1], x), traces, step_by_step)
        values = top.transpose(0, 1)
        keys = self.decoder.attention.keys(values) if self.decoder.attention is not None else None
        return (values, keys, valid.t()), [self.bridged(layer) for layer in final], top_hs

    def bridged(self, layer):
        """One decoder layer's initial (h, c) from the encoder layer's final state, as a one-direction state."""
        if not self.spec["bidirectional"]:
            return layer
        (hf, cf), (hr, cr) = layer
        h = torch.tanh(self.bridge(torch.cat([hf, hr], -1)))
        c = self.bridge_c(torch.cat([cf, cr], -1)) if cf is not None else None
        return [(h, c)]

    def forward(self, inputs, lengths, start, state, want_flow=False):
        """inputs: (source ids [B, S], target ids [B, U] padded with -1, which steps after the first are teacher-forced:
        a list, or None for all); lengths: source lengths. Returns logits [B, U, V] with the mask of target steps that
        have a loss term, the (empty) state and, with want_flow, the encoder's top layer h_t tensors (their .grad is
        dL/dh_t, the gradient flow SeqLab records)."""
        src, y, forced = inputs
        source, dec_state, top_hs = self.encode(src, lengths, step_by_step=want_flow)
        if want_flow:
            for hs in top_hs:
                for h in hs:
                    h.retain_grad()
        B = y.shape[0]
        first = torch.full((B, 1), self.spec["decoder"]["startToken"], dtype=torch.long, device=y.device)
        tokens = torch.cat([first, y[:, :-1].clamp(min=0)], 1)  # padding is fed as <pad> (id 0), as in SeqLab
        if forced is None and not self.decoder.feed:
            logits = self.decoder.run(tokens, dec_state, source)
        else:
            logits = self.decoder.unroll(tokens, forced, dec_state, source)
        return logits, y >= 0, state, (top_hs if want_flow else None)

    @torch.no_grad()
    def greedy(self, src, lengths, max_length, encoded=None):
        """The most probable token at every step, up to the end token or max_length: per sequence its token ids (the
        end token included when reached) and each step's attention weights over its valid source steps. encoded:
        encode()'s (source, state) when the caller has them."""
        d = self.spec["decoder"]
        source, state = encoded or self.encode(src, lengths)[:2]
        B = src.shape[0]
        token = torch.full((B,), d["startToken"], dtype=torch.long, device=src.device)
        prev = source[0].new_zeros(B, self.spec["hiddenSize"])
        tokens, weights, done = [[] for _ in range(B)], [[] for _ in range(B)], [False] * B
        for _ in range(max_length):
            if all(done):
                break
            logits, state, prev, w = self.decoder.step(token, state, prev, source)
            token = logits.argmax(-1)
            for b in range(B):
                if done[b]:
                    continue
                tokens[b].append(int(token[b]))
                if w is not None:
                    weights[b].append(w[b, :int(lengths[b])].tolist())
                done[b] = tokens[b][-1] == d["endToken"]
        return tokens, weights

    @torch.no_grad()
    def beam_search(self, src, length, k, max_length, alpha):
        """Beam search for one source (ids [S]) as SeqLab's: each step extends every live hypothesis by every token and
        keeps the k best by total log-probability, a continuation ending with the end token finishing instead; stops
        when k have finished or after max_length steps. Returns (tokens, log p, score = log p / length^alpha,
        finished) of the finished ones (the live ones if none finished), best score first."""
        end, H = self.spec["decoder"]["endToken"], self.spec["hiddenSize"]
        source, state, _ = self.encode(src.expand(k, -1), length.view(1).expand(k))
        prev = source[0].new_zeros(k, H)
        finished, alive = [], [([], 0.0)]
        for t in range(max_length):
            fed = [self.spec["decoder"]["startToken"] if t == 0 else alive[min(b, len(alive) - 1)][0][t - 1] for b in range(k)]
            logits, state, prev, _ = self.decoder.step(torch.tensor(fed, device=src.device), state, prev, source)
            logp = torch.log_softmax(logits.double(), -1).tolist()
            cands = sorted(((lp + z, b, j) for b, (_, lp) in enumerate(alive) for j, z in enumerate(logp[b])), key=lambda c: -c[0])
            following = []
            for lp, b, j in cands:
                if len(following) == k:
                    break
                if j == end:
                    finished.append((alive[b][0] + [j], lp, lp / (t + 1) ** alpha, True))
                else:
                    following.append(((alive[b][0] + [j], lp), b))
            if len(finished) >= k or not following:
                break
            alive = [beam for beam, _ in following]
            order = torch.tensor([following[min(b, len(following) - 1)][1] for b in range(k)], device=src.device)
            state = [[(h[order], None if c is None else c[order]) for h, c in layer] for layer in state]
            prev = prev[order]
        results = finished or [(tokens, lp, lp / max(1, len(tokens)) ** alpha, False) for tokens, lp in alive]
        return sorted(results, key=lambda r: -r[2])[:k]

    @torch.no_grad()
    def probe(self, inputs, lengths):
        """The encoder's gate traces (gates.jsonl) and each probe source's greedy decoding with its attention weights
        (attention.jsonl, as token ids: train.py names them)."""
        src = inputs[0]
        traces = []
        source, state, _ = self.encode(src, lengths, traces=traces)
        tokens, weights = self.greedy(src, lengths, self.spec["decoder"]["maxLength"], (source, state))
        out = gate_records(self.spec, traces, lengths)
        for b in range(src.shape[0]):
            out.append({"kind": "alignment", "sequence": b, "source": src[b, :int(lengths[b])].tolist(),
                        "target": tokens[b], "weights": weights[b]})
        return out
`;

export const SEQ2SEQ_PY = SEQ2SEQ_DOC + RECURRENT_STACK_PY + SEQ2SEQ_MODEL_PY;
