"""PyTorch's time per training step for `npm run bench` (run with /usr/bin/python3).

Reads a JSON list of configs on stdin ({id, cell, B, T, I, H, transformer}) and the thread count from argv[1];
prints one JSON object: {"torch": version, "threads": n, "results": {id: {"ms": median, "steps": n}}}.
The model matches SeqLab's benchmark model: one recurrent layer (batch_first), a Linear(H, 1) head on
every step, MSE, Adam(lr=1e-3); a step is zero_grad, forward, backward and the Adam update.
Cell "transformer": Linear(I, d) + sinusoidal positions, torch.nn.TransformerEncoder of TransformerEncoderLayer(d, heads,
feedForward, dropout=0, relu, batch_first=True, post-norm) with a causal mask, then the same head, loss and optimizer.
"""
import json
import math
import statistics
import sys
import time

import torch


def transformer_model(cfg):
    t, d, T = cfg["transformer"], cfg["H"], cfg["T"]
    proj = torch.nn.Linear(cfg["I"], d)
    layer = torch.nn.TransformerEncoderLayer(d, t["heads"], t["feedForward"], dropout=0.0, batch_first=True)
    encoder = torch.nn.TransformerEncoder(layer, t["layers"], enable_nested_tensor=False)
    pe = torch.zeros(T, d)
    for p in range(T):
        for i in range(0, d, 2):
            angle = p / 10000 ** (i / d)
            pe[p, i], pe[p, i + 1] = math.sin(angle), math.cos(angle)
    causal = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    return [proj, encoder], lambda x: encoder(proj(x) + pe, mask=causal)


def measure(cfg, budget_s):
    torch.manual_seed(0)
    if cfg["cell"] == "transformer":
        modules, body = transformer_model(cfg)
    else:
        rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cfg["cell"]](cfg["I"], cfg["H"], batch_first=True)
        modules, body = [rnn], lambda x: rnn(x)[0]
    head = torch.nn.Linear(cfg["H"], 1)
    params = [p for m in modules for p in m.parameters()] + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    x = torch.rand(cfg["B"], cfg["T"], cfg["I"]) * 2 - 1
    y = torch.rand(cfg["B"], cfg["T"], 1) * 2 - 1

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(head(body(x)), y)
        loss.backward()
        opt.step()

    step()  # warmup
    times = []
    start = time.perf_counter()
    while len(times) < 30 and (len(times) < 3 or time.perf_counter() - start < budget_s):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    return {"ms": statistics.median(times), "steps": len(times)}


def main():
    threads = int(sys.argv[1])
    budget_s = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    torch.set_num_threads(threads)
    configs = json.load(sys.stdin)
    results = {c["id"]: measure(c, budget_s) for c in configs}
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}))


if __name__ == "__main__":
    main()
