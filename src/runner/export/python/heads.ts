// The output heads of model.py (every model kind's top outputs [T, B, D] go through one), as src/engine/heads/: what
// the linear layer "head" (nn.Linear(D, size)) reads — each sequence's last valid step, every step, or an attention
// pooling with its own nn.Linear(D, 1) "attention" — and which rows have a loss term.
export const HEADS_PY = String.raw`

def pool_last(model, top, remaining, valid):
    """Each sequence's last valid step; under truncated BPTT only the chunk holding it has the loss term."""
    T, B = top.shape[0], top.shape[1]
    last = remaining - 1
    rows = (last >= 0) & (last < T)
    picked = top[last.clamp(0, T - 1), torch.arange(B, device=top.device)]
    return torch.where(rows.unsqueeze(-1), picked, torch.zeros_like(picked)), rows


def pool_all(model, top, remaining, valid):
    """Every step, batch-first [B, T, D]; padded steps have no loss term."""
    return top.transpose(0, 1), valid.t()


def pool_attention(model, top, remaining, valid):
    """score_t = attention(out_t), softmax over each sequence's valid steps, the weighted sum of the outputs."""
    scores = model.attention(top).squeeze(-1).masked_fill(~valid, float("-inf"))
    alpha = torch.softmax(scores, dim=0)
    return (alpha.unsqueeze(-1) * top).sum(dim=0), torch.ones_like(valid[0])


POOLS = {"last": pool_last, "all": pool_all, "attention": pool_attention}


def add_head(model, head, D):
    """Registers the head's layers on the model ("attention" before "head", SeqLab's state_dict order)."""
    if head["output"] == "attention":
        model.attention = nn.Linear(D, 1)
    model.head = nn.Linear(D, head["size"])
    model.pool = POOLS[head["output"]]


def head_logits(model, top, remaining, valid):
    """Logits [B, size] (or [B, T, size] for "all") and the mask of rows with a loss term."""
    pooled, rows = model.pool(model, top, remaining, valid)
    return model.head(pooled), rows
`;
