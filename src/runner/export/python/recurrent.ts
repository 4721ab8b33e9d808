// model.py for the recurrent model kind (RNN, GRU, LSTM stacks): the same computation as src/engine/network.ts and
// cells/. Each layer runs through torch's own nn.RNN/GRU/LSTM (cuDNN on GPUs, packed for ragged rows) borrowing the
// model's parameters, or step by step where torch has no such cell (GRU resetBefore, layer norm inside the cells) and
// where every h_t must be a tensor (gradient flow, gate traces). Parameter names are SeqLab's (torch.nn.LSTM's under
// "rnn."), so checkpoints move unchanged. Heads follow (python/heads.ts).
const RECURRENT_DOC = String.raw`"""The recurrent model: embedding or features -> stacked (bi)directional RNN/GRU/LSTM layers -> head.

A layer runs through torch's own nn.RNN/GRU/LSTM (cuDNN on GPUs; ragged rows packed) sharing this model's parameters,
or step by step: for the cells torch does not have (GRU resetBefore, layer norm inside the cells), and when each hidden
state h_t must be a tensor of its own (the gradient flow through time SeqLab plots, the gate traces). Both give the same
numbers; padded steps keep the state of the last valid one, as in SeqLab.
Parameter names are torch.nn.RNN/GRU/LSTM's under "rnn." (plus rnn.ln_* with layer norm), "embedding.", "attention."
and "head.": a state_dict loads into torch.nn.LSTM(..., batch_first=True) unchanged when the model uses no layer norm.
"""
`;

/** The stacked recurrent layers (the recurrent model's, and the sequence-to-sequence encoder's and decoder's). */
export const RECURRENT_STACK_PY = String.raw`import warnings

import torch
import torch.nn.functional as F
from torch import nn

GATES = {"rnn": 1, "gru": 3, "lstm": 4}
GATE_NAMES = {"rnn": [], "gru": ["r", "z", "n"], "lstm": ["i", "f", "g", "o"]}
LN_EPS = 1e-5
# cuDNN would like one contiguous weight buffer; these parameters are the model's own, so it copies them each call.
warnings.filterwarnings("ignore", message="RNN module weights are not part of single contiguous chunk")


def block_norm(x, weight, bias, H):
    """Layer norm over each block of H values (one per gate), with one scale and shift per value."""
    shape = x.shape
    y = F.layer_norm(x.reshape(*shape[:-1], shape[-1] // H, H), (H,), eps=LN_EPS)
    return y.reshape(shape) * weight + bias


class Recurrent(nn.Module):
    """The stacked recurrent layers; parameters named as torch.nn.LSTM's (weight_ih_l0, bias_hh_l1_reverse, ...)."""

    def __init__(self, spec, input_width):
        super().__init__()
        self.cell, self.H, self.L = spec["cell"], spec["hiddenSize"], spec["numLayers"]
        self.variant, self.nonlinearity = spec["variant"], spec["nonlinearity"]
        self.dirs = [False, True] if spec["bidirectional"] else [False]
        self.dropout, self.residual, self.layer_norm = spec["dropout"], spec["residual"], spec["layerNorm"]
        self.fused = {}  # layer -> torch's own RNN module sharing these parameters (not a submodule: names stay)
        G, H = GATES[self.cell], self.H
        D = H * len(self.dirs)
        for k in range(self.L):
            for rev in self.dirs:
                sfx = suffix(k, rev)
                width = input_width if k == 0 else D
                self.register_parameter("weight_ih_" + sfx, nn.Parameter(torch.empty(G * H, width)))
                self.register_parameter("weight_hh_" + sfx, nn.Parameter(torch.empty(G * H, H)))
                self.register_parameter("bias_ih_" + sfx, nn.Parameter(torch.empty(G * H)))
                self.register_parameter("bias_hh_" + sfx, nn.Parameter(torch.empty(G * H)))
        if self.layer_norm:
            for k in range(self.L):
                for rev in self.dirs:
                    for which in ("ln_ih_", "ln_hh_"):
                        ln = nn.Module()
                        ln.weight = nn.Parameter(torch.ones(G * H))
                        ln.bias = nn.Parameter(torch.zeros(G * H))
                        self.add_module(which + suffix(k, rev), ln)

    def p(self, name, k, rev):
        return getattr(self, name + "_" + suffix(k, rev))

    def project(self, x, w, b, ln, lo, hi):
        """x·W[lo:hi]ᵀ, layer-normalized per gate block when layer norm is on, plus b[lo:hi]."""
        y = x @ w[lo:hi].t()
        if ln is not None:
            y = block_norm(y, ln.weight[lo:hi], ln.bias[lo:hi], self.H)
        return y + b[lo:hi]

    def step(self, k, rev, xg, h, c):
        """One step of one direction from the input projection xg: (h_t, c_t, activated gates)."""
        H, w, b = self.H, self.p("weight_hh", k, rev), self.p("bias_hh", k, rev)
        ln = self.p("ln_hh", k, rev) if self.layer_norm else None
        if self.cell == "rnn":
            act = torch.tanh if self.nonlinearity == "tanh" else torch.relu
            return act(xg + self.project(h, w, b, ln, 0, H)), None, []
        if self.cell == "lstm":
            i, f, g, o = (xg + self.project(h, w, b, ln, 0, 4 * H)).chunk(4, dim=-1)
            i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
            c = f * c + i * g
            return o * torch.tanh(c), c, [i, f, g, o]
        xr, xz, xn = xg.chunk(3, dim=-1)
        if self.variant == "resetAfter":
            # torch.nn.GRU: r scales W_hn·h + b_hn; z keeps the old state
            hr, hz, hn = self.project(h, w, b, ln, 0, 3 * H).chunk(3, dim=-1)
            r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
            n = torch.tanh(xn + r * hn)
            return (1 - z) * n + z * h, None, [r, z, n]
        # resetBefore (Cho et al.): r scales h before W_hn; here z admits the candidate, h = (1-z)*h + z*n
        hr, hz = self.project(h, w, b, ln, 0, 2 * H).chunk(2, dim=-1)
        r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
        n = torch.tanh(xn + self.project(r * h, w, b, ln, 2 * H, 3 * H))
        return (1 - z) * h + z * n, None, [r, z, n]

    def direction(self, k, rev, x, valid, h, c, trace):
        """Runs one direction over x [T, B, width]; padded steps (valid False) keep the state. Returns h_t per step."""
        ln = self.p("ln_ih", k, rev) if self.layer_norm else None
        w, b = self.p("weight_ih", k, rev), self.p("bias_ih", k, rev)
        xg = self.project(x, w, b, ln, 0, w.shape[0])  # the input projection of every step at once
        T = x.shape[0]
        hs = [None] * T
        for t in (reversed(range(T)) if rev else range(T)):
            h_new, c_new, gates = self.step(k, rev, xg[t], h, c)
            keep = valid[t].unsqueeze(-1)
            h = torch.where(keep, h_new, h)
            if c is not None:
                c = torch.where(keep, c_new, c)
            hs[t] = h
            if trace is not None:
                trace.append((t, gates, h, c))
        return hs, h, c

    def zero_state(self, B, like):
        zeros = lambda: like.new_zeros(B, self.H)
        state = [[(zeros(), zeros() if self.cell == "lstm" else None) for _ in self.dirs] for _ in range(self.L)]
        return state

    def fused_layer(self, k):
        """torch's own RNN/GRU/LSTM for layer k (cuDNN on GPUs), borrowing this model's parameters; None when the cell
        has no torch equivalent (GRU resetBefore, layer norm inside the cells)."""
        if self.layer_norm or (self.cell == "gru" and self.variant != "resetAfter"):
            return None
        if k not in self.fused:
            kind = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[self.cell]
            extra = {"nonlinearity": self.nonlinearity} if self.cell == "rnn" else {}
            module = kind(self.p("weight_ih", k, False).shape[1], self.H, bidirectional=len(self.dirs) == 2, **extra)
            for name, _ in list(module.named_parameters()):
                setattr(module, name, getattr(self, name.replace("_l0", "_l%d" % k)))
            self.fused[k] = module
        return self.fused[k]

    def run_fused(self, module, k, x, valid, state):
        """One layer through the fused module; rows padded at the end go through it packed, so their state is that of
        their last valid step. Outputs at padded steps are zeros there (no loss term reads them)."""
        lstm = self.cell == "lstm"
        h0 = torch.stack([h for h, _ in state[k]])
        hx = (h0, torch.stack([c for _, c in state[k]])) if lstm else h0
        n = valid.sum(0)
        if bool((n == x.shape[0]).all()):
            y, hn = module(x, hx)
        else:
            packed = nn.utils.rnn.pack_padded_sequence(x, n.clamp(min=1).cpu(), enforce_sorted=False)
            y, hn = module(packed, hx)
            y, _ = nn.utils.rnn.pad_packed_sequence(y, total_length=x.shape[0])
            ended = (n == 0).view(1, -1, 1)  # no valid step in this chunk: the state stays
            hn = tuple(torch.where(ended, a, b) for a, b in zip(hx, hn)) if lstm else torch.where(ended, h0, hn)
        h, c = hn if lstm else (hn, None)
        return y, [(h[d], None if c is None else c[d]) for d in range(len(self.dirs))]

    def run_steps(self, k, x, valid, state, traces):
        """One layer step by step: each h_t is its own tensor (for the gradient flow and the gate traces)."""
        outs, layer_state = [], []
        for d, rev in enumerate(self.dirs):
            h0, c0 = state[k][d]
            trace = [] if traces is not None else None
            hs, h, c = self.direction(k, rev, x, valid, h0, c0, trace)
            if traces is not None:
                traces.append((k, rev, trace))
            outs.append(hs)
            layer_state.append((h, c))
        return torch.cat([torch.stack(hs) for hs in outs], dim=-1), layer_state, outs

    def forward(self, x, valid, state, traces=None, step_by_step=False):
        """x [T, B, width] time-major; valid [T, B]. Returns the top layer's outputs [T, B, D], the final state of
        every layer and direction, and with step_by_step the top layer's h_t tensors per direction (for the gradient
        flow). Layers run through torch's fused RNNs unless step_by_step or traces ask for every step."""
        new_state, inp, top_hs = [], x, None
        for k in range(self.L):
            module = None if step_by_step or traces is not None else self.fused_layer(k)
            if module is not None:
                y, layer_state = self.run_fused(module, k, inp, valid, state)
            else:
                y, layer_state, top_hs = self.run_steps(k, inp, valid, state, traces)
            if self.residual and k >= 1:
                y = y + inp
            new_state.append(layer_state)
            if k < self.L - 1 and self.training and self.dropout > 0:
                y = F.dropout(y, self.dropout, training=True)
            inp = y
        return inp, new_state, top_hs


def suffix(k, rev):
    return "l%d%s" % (k, "_reverse" if rev else "")


def gate_records(spec, traces, lengths):
    """The traces of Recurrent(..., traces) as SeqLab's gates.jsonl records them, per sequence (its valid steps),
    layer and direction: name -> T x H values row-major by time."""
    names = GATE_NAMES[spec["cell"]]
    out = []
    for b in range(len(lengths)):
        n = int(lengths[b])
        for k, rev, trace in traces:
            by_t = sorted((e for e in trace if e[0] < n), key=lambda e: e[0])
            values = {}
            for q, name in enumerate(names):
                values[name] = [v for _, g, _, _ in by_t for v in g[q][b].tolist()]
            values["h"] = [v for _, _, h, _ in by_t for v in h[b].tolist()]
            if spec["cell"] == "lstm":
                values["c"] = [v for _, _, _, c in by_t for v in c[b].tolist()]
            out.append({"kind": "gates", "sequence": b, "layer": k, "direction": "reverse" if rev else "forward",
                        "cell": spec["cell"], "T": n, "H": spec["hiddenSize"], "values": values})
    return out
`;

export const RECURRENT_PY = RECURRENT_DOC + RECURRENT_STACK_PY + String.raw`

class Model(nn.Module):
    """The whole network. forward() runs steps [start, start + steps) of a batch from the given state."""

    supports_tbptt = True

    def __init__(self, spec):
        super().__init__()
        self.spec = spec
        emb = spec["embedding"]
        if emb:
            self.embedding = nn.Embedding(emb["vocabSize"], emb["dim"])
        width = emb["dim"] if emb else spec["inputSize"]
        self.rnn = Recurrent(spec, width)
        D = spec["hiddenSize"] * (2 if spec["bidirectional"] else 1)
        add_head(self, spec["head"], D)

    def initial_state(self, B):
        """Zero state of every layer and direction for a batch of B."""
        return self.rnn.zero_state(B, self.rnn.weight_hh_l0)

    def forward(self, inputs, lengths, start, state, want_flow=False):
        """inputs: features [B, steps, I] or token ids [B, steps]; lengths: each sequence's valid steps in the whole
        batch. Returns head logits with a mask of the rows that have a loss term, the state after these steps (for
        truncated BPTT) and, with want_flow, the top layer's h_t tensors (their .grad is dL/dh_t)."""
        x = self.embedding(inputs) if self.spec["embedding"] else inputs
        x = x.transpose(0, 1)
        T = x.shape[0]
        steps = torch.arange(start, start + T, device=x.device).unsqueeze(1)
        valid = steps < lengths.unsqueeze(0)
        top, new_state, top_hs = self.rnn(x, valid, state, step_by_step=want_flow)
        if want_flow:
            for hs in top_hs:
                for h in hs:
                    h.retain_grad()
        logits, rows = head_logits(self, top, lengths - start, valid)
        return logits, rows, new_state, (top_hs if want_flow else None)

    @torch.no_grad()
    def probe(self, inputs, lengths):
        """Gate activations and states of each sequence (its valid steps), per layer and direction, as SeqLab's
        gates.jsonl records them: name -> T x H values row-major by time."""
        x = self.embedding(inputs) if self.spec["embedding"] else inputs
        x = x.transpose(0, 1)
        T, B = x.shape[0], x.shape[1]
        valid = torch.arange(T, device=x.device).unsqueeze(1) < lengths.unsqueeze(0)
        traces = []
        self.rnn(x, valid, self.initial_state(B), traces)
        return gate_records(self.spec, traces, lengths)
`;
