"""PyTorch's time per training step for `npm run bench` (run with /usr/bin/python3).

Reads a JSON list of configs on stdin ({id, cell, B, T, I, H}) and the thread count from argv[1];
prints one JSON object: {"torch": version, "threads": n, "results": {id: {"ms": median, "steps": n}}}.
The model matches SeqLab's benchmark model: one recurrent layer (batch_first), a Linear(H, 1) head on
every step, MSE, Adam(lr=1e-3); a step is zero_grad, forward, backward and the Adam update.
"""
import json
import statistics
import sys
import time

import torch


def measure(cfg, budget_s):
    torch.manual_seed(0)
    rnn_cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cfg["cell"]]
    rnn = rnn_cls(cfg["I"], cfg["H"], batch_first=True)
    head = torch.nn.Linear(cfg["H"], 1)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    x = torch.rand(cfg["B"], cfg["T"], cfg["I"]) * 2 - 1
    y = torch.rand(cfg["B"], cfg["T"], 1) * 2 - 1

    def step():
        opt.zero_grad()
        out, _ = rnn(x)
        loss = torch.nn.functional.mse_loss(head(out), y)
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
