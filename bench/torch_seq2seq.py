"""PyTorch's time per sequence-to-sequence training step for `npm run bench` (run with /usr/bin/python3).

Reads a JSON list of configs on stdin ({id, cell, B, S, U, H, E, V}) and the thread count from argv[1]; prints one
JSON object: {"torch": version, "threads": n, "results": {id: {"ms": median, "steps": n}}}.
The model is SeqLab's (src/engine/seq2seq): embedding and one recurrent layer on each side, the decoder started from
the encoder's final state, additive attention after the decoder step (v . tanh(W_q h_t + W_k h_s + b_k)), h~_t =
tanh(W_c [c_t; h_t] + b_c), a Linear output layer, cross-entropy over the target tokens, Adam(lr=1e-3). Teacher
forcing without input feeding lets the decoder run as one nn.LSTM call and attention as batched products over all
steps: the fastest way to write this model in PyTorch. A step is zero_grad, forward, backward and the Adam update.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Seq2Seq(nn.Module):
    def __init__(self, c):
        super().__init__()
        rnn = {'lstm': nn.LSTM, 'gru': nn.GRU, 'rnn': nn.RNN}[c['cell']]
        H, E, V = c['H'], c['E'], c['V']
        self.src_embedding = nn.Embedding(V, E)
        self.encoder = rnn(E, H, batch_first=True)
        self.tgt_embedding = nn.Embedding(V, E)
        self.decoder = rnn(E, H, batch_first=True)
        self.query = nn.Linear(H, H, bias=False)
        self.key = nn.Linear(H, H)
        self.v = nn.Linear(H, 1, bias=False)
        self.combine = nn.Linear(2 * H, H)
        self.out = nn.Linear(H, V)

    def forward(self, src, tgt_in):
        values, state = self.encoder(self.src_embedding(src))
        h, _ = self.decoder(self.tgt_embedding(tgt_in), state)
        scores = self.v(torch.tanh(self.query(h).unsqueeze(2) + self.key(values).unsqueeze(1))).squeeze(3)
        context = torch.bmm(torch.softmax(scores, 2), values)
        return self.out(torch.tanh(self.combine(torch.cat([context, h], 2))))


def measure(c, budget_s):
    torch.manual_seed(0)
    model = Seq2Seq(c)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    src = torch.randint(3, c['V'], (c['B'], c['S']))
    y = torch.randint(3, c['V'], (c['B'], c['U']))
    y[:, -1] = 2
    tgt_in = torch.cat([torch.full((c['B'], 1), 1), y[:, :-1]], 1)

    def step():
        opt.zero_grad()
        logits = model(src, tgt_in)
        loss = F.cross_entropy(logits.reshape(-1, c['V']), y.reshape(-1))
        loss.backward()
        opt.step()

    step()  # warmup
    step()
    times = []
    start = time.perf_counter()
    while len(times) < 30 and (len(times) < 3 or time.perf_counter() - start < budget_s):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    return {'ms': statistics.median(times), 'steps': len(times)}


def main():
    threads = int(sys.argv[1])
    budget_s = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    torch.set_num_threads(threads)
    configs = json.load(sys.stdin)
    results = {c['id']: measure(c, budget_s) for c in configs}
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'results': results}))


if __name__ == '__main__':
    main()
