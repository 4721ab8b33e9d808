#!/usr/bin/python3
"""Writes SeqLab's sequence-to-sequence PyTorch fixtures into test/fixtures/golden/ (seq2seq_*.json).

Run after make_golden.py (`npm run golden` runs both):  /usr/bin/python3 scripts/golden/seq2seq_golden.py

The reference model is the module below, one attention module per attention type; its state_dict keys are SeqLab's
parameter names (src/engine/seq2seq/params.ts), so a SeqLab checkpoint loads into it with load_state_dict(strict=True):

  Seq2Seq
    encoder.embedding   nn.Embedding(source vocab, E)
    encoder.rnn         nn.RNN / nn.GRU / nn.LSTM(E, H, L, bidirectional, batch_first), packed by source length
    bridge, bridge_c    nn.Linear(2H, H) (bidirectional encoders): h0 = tanh(bridge([h_fwd; h_rev])), c0 = bridge_c([c_fwd; c_rev])
    decoder.embedding   nn.Embedding(target vocab, Ed)
    decoder.rnn         nn.RNN / nn.GRU / nn.LSTM(Ed (+ H with input feeding), H, L, batch_first), one step at a time
    decoder.attention   AdditiveAttention (query, key, v) | DotAttention | GeneralAttention (key) | absent for "none"
    decoder.combine     nn.Linear(De + H, H): h~_t = tanh(combine([c_t; h_t]))
    decoder.out         nn.Linear(H, target vocab)

Each fixture holds the state_dict, a batch with padded sources and targets, the teacher-forcing decisions of every
step, the loss (cross-entropy averaged over target tokens), every gradient, the teacher-forced next-token
probabilities, one Adam update, and a greedy decode with its attention weights. The round trip loads
test/fixtures/golden/seq2seq-checkpoint/seqlab.safetensors, written by SeqLab (scripts/golden/seq2seq_checkpoint.ts,
which `npm run golden` runs first), with strict=True, and writes this module's state_dict as torch.safetensors there
for SeqLab to load.
"""
import json
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import OUT_DIR, clip_and_norm, flat, short, tensor_json, torch_optimizer, write  # noqa: E402

RNN = {'rnn': nn.RNN, 'gru': nn.GRU, 'lstm': nn.LSTM}


class AdditiveAttention(nn.Module):
    """Bahdanau's score v . tanh(W_q h_t + W_k h_s + b_k)."""

    def __init__(self, H, De):
        super().__init__()
        self.query = nn.Linear(H, H, bias=False)
        self.key = nn.Linear(De, H)
        self.v = nn.Linear(H, 1, bias=False)

    def scores(self, h, values):
        return self.v(torch.tanh(self.query(h).unsqueeze(1) + self.key(values))).squeeze(2)


class DotAttention(nn.Module):
    """Luong's dot score h_t . h_s (needs De = H)."""

    def scores(self, h, values):
        return torch.bmm(values, h.unsqueeze(2)).squeeze(2)


class GeneralAttention(nn.Module):
    """Luong's general score h_t . W_a h_s."""

    def __init__(self, H, De):
        super().__init__()
        self.key = nn.Linear(De, H, bias=False)

    def scores(self, h, values):
        return torch.bmm(self.key(values), h.unsqueeze(2)).squeeze(2)


def rnn_module(spec, inp, bidirectional):
    kw = dict(input_size=inp, hidden_size=spec['hiddenSize'], num_layers=spec['numLayers'], batch_first=True,
              bidirectional=bidirectional)
    if spec['cell'] == 'rnn':
        kw['nonlinearity'] = spec['nonlinearity']
    return RNN[spec['cell']](**kw)


class Encoder(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.embedding = nn.Embedding(spec['embedding']['vocabSize'], spec['embedding']['dim'])
        self.rnn = rnn_module(spec, spec['embedding']['dim'], spec['bidirectional'])

    def forward(self, src, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.embedding(src), lengths, batch_first=True, enforce_sorted=False)
        out, state = self.rnn(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=src.shape[1])
        return out, state


class Decoder(nn.Module):
    def __init__(self, spec):
        super().__init__()
        d, H = spec['decoder'], spec['hiddenSize']
        De = H * (2 if spec['bidirectional'] else 1)
        self.feed = d['inputFeeding']
        self.embedding = nn.Embedding(d['vocabSize'], d['embeddingDim'])
        self.rnn = rnn_module(spec, d['embeddingDim'] + (H if self.feed else 0), False)
        kind = d['attention']
        if kind != 'none':
            self.attention = {'additive': lambda: AdditiveAttention(H, De), 'dot': DotAttention,
                              'general': lambda: GeneralAttention(H, De)}[kind]()
            self.combine = nn.Linear(De + H, H)
        else:
            self.attention = None
        self.out = nn.Linear(H, d['vocabSize'])

    def step(self, tok, state, prev, values, valid):
        """One decoder step: returns logits, the new state, h~_t and the attention weights (or None)."""
        x = self.embedding(tok)
        if self.feed:
            x = torch.cat([x, prev], 1)
        o, state = self.rnn(x.unsqueeze(1), state)
        h = o[:, 0]
        if self.attention is None:
            return self.out(h), state, h, None
        a = torch.softmax(self.attention.scores(h, values).masked_fill(~valid, float('-inf')), 1)
        c = torch.bmm(a.unsqueeze(1), values).squeeze(1)
        ht = torch.tanh(self.combine(torch.cat([c, h], 1)))
        return self.out(ht), state, ht, a


class Seq2Seq(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.spec = spec
        H = spec['hiddenSize']
        self.encoder = Encoder(spec)
        if spec['bidirectional']:
            self.bridge = nn.Linear(2 * H, H)
            if spec['cell'] == 'lstm':
                self.bridge_c = nn.Linear(2 * H, H)
        self.decoder = Decoder(spec)

    def initial_state(self, state):
        spec = self.spec
        lstm = spec['cell'] == 'lstm'
        h_n, c_n = state if lstm else (state, None)
        if not spec['bidirectional']:
            return (h_n, c_n) if lstm else h_n
        L, B, H = spec['numLayers'], h_n.shape[1], spec['hiddenSize']
        both = lambda s: torch.cat([s.view(L, 2, B, H)[:, 0], s.view(L, 2, B, H)[:, 1]], 2)
        h0 = torch.tanh(self.bridge(both(h_n)))
        return (h0, self.bridge_c(both(c_n))) if lstm else h0

    def run(self, src, lengths, steps, feed_token):
        """Decodes `steps` steps; feed_token(t, logits of step t-1) gives step t's input tokens."""
        values, state = self.encoder(src, lengths)
        state = self.initial_state(state)
        valid = torch.arange(src.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
        B, H = src.shape[0], self.spec['hiddenSize']
        prev = torch.zeros(B, H)
        logits, weights, last = [], [], None
        for t in range(steps):
            z, state, prev, a = self.decoder.step(feed_token(t, last), state, prev, values, valid)
            logits.append(z)
            weights.append(a)
            last = z
        return torch.stack(logits, 1), weights


def teacher_feed(spec, batch, decisions):
    start = spec['decoder']['startToken']
    y = batch['y']

    def feed(t, last):
        if t == 0:
            return torch.full((y.shape[0],), start, dtype=torch.long)
        return y[:, t - 1] if decisions[t] else last.detach().argmax(1)
    return feed


def masked_ce(logits, y, lengths):
    valid = torch.arange(y.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
    return F.cross_entropy(logits[valid], y[valid])


def greedy(model, batch, max_length):
    spec = model.spec
    start, end = spec['decoder']['startToken'], spec['decoder']['endToken']
    B = batch['B']
    tokens = [[] for _ in range(B)]

    def feed(t, last):
        if t == 0:
            return torch.full((B,), start, dtype=torch.long)
        return last.argmax(1)
    with torch.no_grad():
        logits, weights = model.run(batch['src'], batch['lengths'], max_length, feed)
    out_w = [[] for _ in range(B)]
    for b in range(B):
        for t in range(max_length):
            tok = int(logits[b, t].argmax())
            tokens[b].append(tok)
            if weights[t] is not None:
                out_w[b].append(flat(weights[t][b, :int(batch['lengths'][b])]))
            if tok == end:
                break
    return tokens, out_w


def seq2seq_spec(cell, attention, bidir=False, layers=1, feed=False, H=4):
    return {
        'cell': cell, 'variant': 'resetAfter', 'nonlinearity': 'tanh', 'inputSize': 3, 'hiddenSize': H,
        'numLayers': layers, 'bidirectional': bidir, 'dropout': 0, 'residual': False, 'layerNorm': False,
        'embedding': {'vocabSize': 7, 'dim': 3},
        'decoder': {'vocabSize': 6, 'embeddingDim': 3, 'attention': attention, 'inputFeeding': feed,
                    'startToken': 1, 'endToken': 2, 'maxLength': 6},
        'head': {'output': 'all', 'size': 6, 'activation': 'none'},
    }


def make_batch(B=3, T=5, U=4):
    lengths = torch.tensor([T, 2, 4])[:B]
    tlengths = torch.tensor([U, 3, 1])[:B]
    src = torch.randint(3, 7, (B, T))
    y = torch.randint(4, 6, (B, U))
    for b in range(B):
        y[b, tlengths[b] - 1] = 2  # the end token
        y[b, tlengths[b]:] = 0     # padding
    return {'B': B, 'T': T, 'U': U, 'src': src, 'lengths': lengths, 'y': y, 'tlengths': tlengths}


def fresh(spec, P0):
    model = Seq2Seq(spec)
    model.load_state_dict(P0, strict=True)
    return model


def fixture(name, spec, teacher_forcing=1.0, seed=0, description=''):
    torch.manual_seed(seed)
    P0 = {k: short(v) for k, v in Seq2Seq(spec).state_dict().items()}
    batch = make_batch()
    U = batch['U']
    decisions = [True] + [bool(torch.rand(()) < teacher_forcing) for _ in range(U - 1)]
    train = {'loss': 'cross_entropy', 'optimizer': {'type': 'adam', 'lr': 0.01, 'beta1': 0.9, 'beta2': 0.999,
                                                    'eps': 1e-8, 'weightDecay': 0},
             'schedule': {'type': 'constant'}, 'clip': {'maxNorm': None, 'maxValue': None}, 'tbptt': None,
             'teacherForcing': teacher_forcing}

    def loss_of(model, dec):
        logits, _ = model.run(batch['src'], batch['lengths'], U, teacher_feed(spec, batch, dec))
        return masked_ce(logits, batch['y'], batch['tlengths']), logits

    model = fresh(spec, P0)
    L, _ = loss_of(model, decisions)
    L.backward()
    grads = {k: p.grad.clone() for k, p in model.named_parameters()}
    with torch.no_grad():
        _, forced = loss_of(model, [True] * U)
    tokens, weights = greedy(model, batch, spec['decoder']['maxLength'])

    model = fresh(spec, P0)
    params = list(model.parameters())
    opt = torch_optimizer(train['optimizer'], params)
    opt.zero_grad(set_to_none=False)
    Ls, _ = loss_of(model, decisions)
    Ls.backward()
    before, after = clip_and_norm(params, train['clip'])
    opt.step()
    write(name, {
        'kind': 'seq2seq', 'name': name, 'description': description, 'torch': torch.__version__,
        'model': spec, 'train': train, 'teacher': decisions,
        'batch': {'B': batch['B'], 'T': batch['T'], 'tokens': batch['src'].reshape(-1).tolist(),
                  'lengths': batch['lengths'].tolist(), 'steps': U, 'y': batch['y'].reshape(-1).tolist(),
                  'targetLengths': batch['tlengths'].tolist()},
        'params': {k: tensor_json(v) for k, v in P0.items()},
        'loss': L.item(), 'grads': {k: flat(g) for k, g in grads.items()},
        'output': tensor_json(torch.softmax(forced, 2)),
        'steps': [{'loss': Ls.item(), 'gradNorm': before, 'gradNormClipped': after, 'lr': train['optimizer']['lr']}],
        'paramsAfter': {k: flat(v) for k, v in model.state_dict().items()},
        'greedy': {'maxLength': spec['decoder']['maxLength'], 'tokens': tokens, 'weights': weights},
    })
    return model, batch


# ---------------------------------------------------------------------------------------------------------------
# state_dict round trip with SeqLab's checkpoints (safetensors, written byte by byte: no `safetensors` package here)

def read_safetensors(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == '__metadata__':
            continue
        assert v['dtype'] in ('F32', 'F64'), (k, v['dtype'])
        a, b = v['data_offsets']
        fmt = 'f' if v['dtype'] == 'F32' else 'd'
        values = struct.unpack('<%d%s' % ((b - a) // (4 if fmt == 'f' else 8), fmt), data[a:b])
        out[k] = torch.tensor(values, dtype=torch.float64).reshape(v['shape'])
    return out


def write_safetensors(path, tensors):
    header, blobs, offset = {'__metadata__': {'format': 'pt'}}, [], 0
    for k, t in tensors.items():
        blob = struct.pack('<%dd' % t.numel(), *t.detach().reshape(-1).tolist())
        header[k] = {'dtype': 'F64', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    h = json.dumps(header, separators=(',', ':')).encode('utf-8')
    h += b' ' * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))


def roundtrip():
    """Loads SeqLab's checkpoint into the module (strict) and records the module's loss with it; writes the module's
    own (trained one Adam step) state_dict for SeqLab to load."""
    folder = os.path.join(OUT_DIR, 'seq2seq-checkpoint')
    seqlab_file = os.path.join(folder, 'seqlab.safetensors')
    with open(os.path.join(folder, 'spec.json')) as f:
        spec = json.load(f)
    model = Seq2Seq(spec)
    result = model.load_state_dict(read_safetensors(seqlab_file), strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    torch.manual_seed(900)
    batch = make_batch()
    with torch.no_grad():
        logits, _ = model.run(batch['src'], batch['lengths'], batch['U'], teacher_feed(spec, batch, [True] * batch['U']))
        seqlab_loss = masked_ce(logits, batch['y'], batch['tlengths']).item()
    trained, _ = fixture('seq2seq_roundtrip', spec, seed=901, description='round trip: the module after one Adam step')
    write_safetensors(os.path.join(folder, 'torch.safetensors'), trained.state_dict())
    with torch.no_grad():
        torch_loss = masked_ce(trained.run(batch['src'], batch['lengths'], batch['U'],
                                           teacher_feed(spec, batch, [True] * batch['U']))[0],
                               batch['y'], batch['tlengths']).item()
    write('seq2seq_roundtrip_losses', {
        'kind': 'seq2seq-roundtrip', 'name': 'seq2seq_roundtrip_losses', 'torch': torch.__version__,
        'batch': {'B': batch['B'], 'T': batch['T'], 'tokens': batch['src'].reshape(-1).tolist(),
                  'lengths': batch['lengths'].tolist(), 'steps': batch['U'], 'y': batch['y'].reshape(-1).tolist(),
                  'targetLengths': batch['tlengths'].tolist()},
        'seqlabCheckpointLoss': seqlab_loss, 'torchCheckpointLoss': torch_loss,
    })


def main():
    for f in os.listdir(OUT_DIR):
        if f.startswith('seq2seq_') and f.endswith('.json'):
            os.remove(os.path.join(OUT_DIR, f))
    cases = [
        ('seq2seq_additive_gru_bi', seq2seq_spec('gru', 'additive', bidir=True), 1.0, 'additive, bidirectional GRU encoder through the bridge'),
        ('seq2seq_additive_lstm_l2_feed_tf', seq2seq_spec('lstm', 'additive', layers=2, feed=True), 0.5,
         'additive, 2-layer LSTM, input feeding, teacher forcing 0.5'),
        ('seq2seq_dot_lstm_l2', seq2seq_spec('lstm', 'dot', layers=2), 1.0, 'dot, 2-layer LSTM'),
        ('seq2seq_dot_rnn_feed', seq2seq_spec('rnn', 'dot', feed=True), 1.0, 'dot, tanh RNN, input feeding'),
        ('seq2seq_general_lstm_bi', seq2seq_spec('lstm', 'general', bidir=True), 1.0, 'general, bidirectional LSTM (bridge and bridge_c)'),
        ('seq2seq_general_gru_tf', seq2seq_spec('gru', 'general', layers=2), 0.5, 'general, 2-layer GRU, teacher forcing 0.5'),
        ('seq2seq_none_gru_bi', seq2seq_spec('gru', 'none', bidir=True), 1.0, 'no attention, bidirectional GRU'),
        ('seq2seq_none_lstm_l2_tf', seq2seq_spec('lstm', 'none', layers=2), 0.5, 'no attention, 2-layer LSTM, teacher forcing 0.5'),
    ]
    for i, (name, spec, tf, description) in enumerate(cases):
        fixture(name, spec, tf, seed=800 + i, description=description)
    roundtrip()
    print(f'wrote {len(cases) + 2} sequence-to-sequence fixtures to {os.path.normpath(OUT_DIR)}')


if __name__ == '__main__':
    main()
