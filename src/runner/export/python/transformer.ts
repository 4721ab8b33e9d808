// model.py for the Transformer model kind: the same computation as src/engine/transformer/, through torch's own
// nn.TransformerEncoder, so parameter names are SeqLab's checkpoint names as they stand and the layers run on torch's
// kernels. Heads follow (python/heads.ts).
export const TRANSFORMER_PY = String.raw`"""The Transformer: input_proj (features) or embedding (tokens), plus positions -> torch.nn.TransformerEncoder -> head.

Positions are added unscaled: sinusoidal (Vaswani et al. 2017, no parameters) or learned (pos_embedding). The encoder
is torch's own nn.TransformerEncoder of nn.TransformerEncoderLayer (batch_first; post-norm, or pre-norm with a final
nn.LayerNorm). Padded steps are masked as keys; with per-step targets a causal mask keeps each step from seeing later
ones. Parameter names are those modules' ("transformer.layers.0.self_attn.in_proj_weight", ...), plus "input_proj."
or "embedding.", "pos_embedding.", "attention." and "head.": SeqLab's checkpoints load unchanged.
"""
import torch
from torch import nn


def sinusoidal(T, d):
    """PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(p / 10000^(2i/d)), computed in float64 as SeqLab does."""
    p = torch.arange(T, dtype=torch.float64).unsqueeze(1)
    angle = p / 10000 ** (torch.arange(0, d, 2, dtype=torch.float64) / d)
    pe = torch.zeros(T, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle[:, :d // 2])
    return pe


class Model(nn.Module):
    """The whole network. forward() runs whole sequences: every step attends to the others at once."""

    supports_tbptt = False

    def __init__(self, spec):
        super().__init__()
        self.spec = spec
        o, d = spec["transformer"], spec["hiddenSize"]
        if spec["embedding"]:
            self.embedding = nn.Embedding(spec["embedding"]["vocabSize"], d)
        else:
            self.input_proj = nn.Linear(spec["inputSize"], d)
        if o["positional"] == "learned":
            self.pos_embedding = nn.Embedding(o["maxLength"], d)
        layer = nn.TransformerEncoderLayer(d, o["heads"], o["feedForward"], dropout=spec["dropout"], activation=o["activation"],
                                           batch_first=True, norm_first=o["normFirst"])
        self.transformer = nn.TransformerEncoder(layer, spec["numLayers"], norm=nn.LayerNorm(d) if o["normFirst"] else None,
                                                 enable_nested_tensor=False)
        add_head(self, spec["head"], d)

    def initial_state(self, B):
        """No state carries from one call to the next: an empty list."""
        return []

    def embed(self, inputs):
        """What enters the encoder stack [B, T, d]: the projected features or embedded tokens, plus positions."""
        x = self.embedding(inputs) if self.spec["embedding"] else self.input_proj(inputs)
        T = x.shape[1]
        if self.spec["transformer"]["positional"] == "learned":
            return x + self.pos_embedding.weight[:T]
        return x + sinusoidal(T, x.shape[2]).to(x)

    def masks(self, T, lengths):
        """padding [B, T]: True at steps past each sequence's end; causal [T, T] (per-step targets only): True where
        key j comes after query i."""
        steps = torch.arange(T, device=lengths.device)
        padding = steps.unsqueeze(0) >= lengths.unsqueeze(1)
        causal = steps.unsqueeze(0) > steps.unsqueeze(1) if self.spec["transformer"]["causal"] else None
        return padding, causal

    def forward(self, inputs, lengths, start, state, want_flow=False):
        """inputs: features [B, T, I] or token ids [B, T]; lengths: each sequence's valid steps. Returns head logits with
        a mask of the rows that have a loss term, the (empty) state and, with want_flow, the stack's input x_t tensors
        (their .grad is dL/dx_t, the gradient flow SeqLab records for the Transformer)."""
        x = self.embed(inputs)
        steps = None
        if want_flow:
            steps = list(x.unbind(1))
            for x_t in steps:
                x_t.retain_grad()
            x = torch.stack(steps, 1)
        padding, causal = self.masks(x.shape[1], lengths)
        top = self.transformer(x, mask=causal, src_key_padding_mask=padding).transpose(0, 1)
        logits, rows = head_logits(self, top, lengths - start, ~padding.t())
        return logits, rows, state, ([steps] if want_flow else None)

    @torch.no_grad()
    def probe(self, inputs, lengths):
        """Every layer's attention weights for each sequence's valid steps, per head, as SeqLab's selfattention.jsonl
        records them: T x T row-major per head (query rows), to 4 significant digits as SeqLab writes them."""
        x = self.embed(inputs)
        padding, causal = self.masks(x.shape[1], lengths)
        maps = []
        for layer in self.transformer.layers:
            seen = layer.norm1(x) if layer.norm_first else x
            _, weights = layer.self_attn(seen, seen, seen, attn_mask=causal, key_padding_mask=padding,
                                         need_weights=True, average_attn_weights=False)
            maps.append(weights)  # [B, heads, T, T]
            x = layer(x, src_mask=causal, src_key_padding_mask=padding)
        out = []
        for b in range(x.shape[0]):
            n = int(lengths[b])
            for k, w in enumerate(maps):
                heads = [[float("%.4g" % v) for v in w[b, h, :n, :n].flatten().tolist()] for h in range(w.shape[1])]
                out.append({"kind": "selfattention", "sequence": b, "layer": k, "T": n, "weights": heads})
        return out
`;
