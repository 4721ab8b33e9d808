"""SeqLab's Transformer model kind as a PyTorch module, parameter for parameter (its state_dict is SeqLab's checkpoint).

  input_proj (nn.Linear) or embedding (nn.Embedding)  ->  + positions (sinusoidal, or pos_embedding: nn.Embedding)
  ->  transformer: nn.TransformerEncoder(nn.TransformerEncoderLayer(d, heads, feedForward, dropout, activation,
      batch_first=True, norm_first), numLayers, norm=nn.LayerNorm(d) when norm_first)
  ->  head: last valid step, every step, or attention pooling (attention: nn.Linear(d, 1)), then head: nn.Linear(d, size)

`spec` is SeqLab's ModelSpec as JSON (src/engine/spec.ts). Used by make_golden.py (through transformer_golden.py),
test/runner/fixtures/make_fixtures.py and load_checkpoint.py.
"""
import math

import torch
import torch.nn as nn


def sinusoidal(T, d, dtype):
    """PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(p / 10000^(2i/d)) (Vaswani et al. 2017)."""
    pe = torch.zeros(T, d, dtype=dtype)
    for p in range(T):
        for i in range((d + 1) // 2):
            angle = p / 10000 ** (2 * i / d)
            pe[p, 2 * i] = math.sin(angle)
            if 2 * i + 1 < d:
                pe[p, 2 * i + 1] = math.cos(angle)
    return pe


class SeqLabTransformer(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.spec = spec
        o, d = spec['transformer'], spec['hiddenSize']
        if spec['embedding']:
            self.embedding = nn.Embedding(spec['embedding']['vocabSize'], d)
        else:
            self.input_proj = nn.Linear(spec['inputSize'], d)
        if o['positional'] == 'learned':
            self.pos_embedding = nn.Embedding(o['maxLength'], d)
        layer = nn.TransformerEncoderLayer(d, o['heads'], o['feedForward'], dropout=spec['dropout'],
                                           activation=o['activation'], batch_first=True, norm_first=o['normFirst'])
        self.transformer = nn.TransformerEncoder(layer, spec['numLayers'], norm=nn.LayerNorm(d) if o['normFirst'] else None,
                                                 enable_nested_tensor=False)
        if spec['head']['output'] == 'attention':
            self.attention = nn.Linear(d, 1)
        self.head = nn.Linear(d, spec['head']['size'])

    def embed(self, x, tokens):
        h = self.embedding(tokens) if tokens is not None else self.input_proj(x)
        T = h.shape[1]
        if self.spec['transformer']['positional'] == 'learned':
            return h + self.pos_embedding.weight[:T]
        return h + sinusoidal(T, h.shape[2], h.dtype)

    def features(self, x, tokens, lengths, keep=None):
        """The encoder's output (B, T, d); keep (a list) receives the stack's input with its gradient retained."""
        h = self.embed(x, tokens)
        if keep is not None:
            h.retain_grad()
            keep.append(h)
        T = h.shape[1]
        padding = torch.arange(T).unsqueeze(0) >= lengths.unsqueeze(1)
        causal = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1) if self.spec['transformer']['causal'] else None
        return self.transformer(h, mask=causal, src_key_padding_mask=padding)

    def forward(self, x, tokens, lengths, keep=None):
        """Head logits: (B, size), or (B, T, size) for head "all"."""
        feats = self.features(x, tokens, lengths, keep)
        B, T, _ = feats.shape
        mode = self.spec['head']['output']
        if mode == 'last':
            pooled = feats[torch.arange(B), lengths - 1]
        elif mode == 'attention':
            scores = self.attention(feats).squeeze(2)
            valid = torch.arange(T).unsqueeze(0) < lengths.unsqueeze(1)
            alpha = torch.softmax(scores.masked_fill(~valid, float('-inf')), dim=1)
            pooled = (alpha.unsqueeze(2) * feats).sum(dim=1)
        else:
            pooled = feats
        return self.head(pooled)
