#!/usr/bin/python3
"""Writes SeqLab's PyTorch golden fixtures into test/fixtures/golden/.

Run with the system interpreter that has torch 1.13:  /usr/bin/python3 scripts/golden/make_golden.py
Deterministic: every fixture seeds torch itself. All reference values are computed in float64.

Fixture kinds (field "kind"):
  model     a model (ModelSpec), its initial state_dict, one batch, torch's prediction, loss and every
            gradient, then `steps` optimizer updates on that batch (TrainSpec: optimizer, schedule, clip)
            with per-step loss / grad norms / lr and the parameters after the last update.
  optimizer torch.optim on two free tensors with given gradients, parameters after every step.
  clip      clip_grad_norm_ then clip_grad_value_ on given gradients.
  schedule  learning rates of torch.optim.lr_scheduler for the first N updates.
The Transformer kind's model fixtures (transformer_*.json) come from transformer_golden.py, called from main().

Standard architectures (nn.RNN / nn.GRU / nn.LSTM, packed sequences) are computed by torch's own modules;
the script also runs its explicit autograd implementation on them and asserts both agree, which is what
validates the explicit code used for the features torch has no module for (reset-before GRU, layer norm per gate
block, residual connections, attention pooling, truncated BPTT).
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

assert torch.__version__.startswith('1.13'), f'expected torch 1.13, got {torch.__version__}'
torch.set_default_dtype(torch.float64)

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures', 'golden')
GATES = {'rnn': 1, 'gru': 3, 'lstm': 4}


def short(t):
    """Rounds inputs to 6 significant digits so the fixture holds them exactly in few characters."""
    return t.detach().clone().apply_(lambda v: float(f'{v:.6g}'))


def flat(t, digits=13):
    return [float(f'{v:.{digits}g}') for v in t.detach().reshape(-1).tolist()]


def tensor_json(t):
    return {'shape': list(t.shape), 'data': flat(t)}


# ---------------------------------------------------------------------------------------------------------------
# Model specs in SeqLab's terms

def model_spec(cell, hidden=3, inp=2, layers=1, bidir=False, variant='resetAfter', nonlinearity='tanh',
               residual=False, layer_norm=False, embedding=None, head_output='last', head_size=2,
               activation='none'):
    return {
        'cell': cell, 'variant': variant, 'nonlinearity': nonlinearity, 'inputSize': inp, 'hiddenSize': hidden,
        'numLayers': layers, 'bidirectional': bidir, 'dropout': 0, 'residual': residual, 'layerNorm': layer_norm,
        'embedding': embedding, 'head': {'output': head_output, 'size': head_size, 'activation': activation},
    }


def is_standard(spec):
    """True when torch.nn.RNN/GRU/LSTM computes this model exactly."""
    return (not spec['residual'] and not spec['layerNorm'] and spec['embedding'] is None
            and not (spec['cell'] == 'gru' and spec['variant'] == 'resetBefore'))


def torch_rnn_module(spec):
    I = spec['embedding']['dim'] if spec['embedding'] else spec['inputSize']
    kw = dict(input_size=I, hidden_size=spec['hiddenSize'], num_layers=spec['numLayers'], batch_first=True,
              bidirectional=spec['bidirectional'])
    if spec['cell'] == 'rnn':
        return nn.RNN(nonlinearity=spec['nonlinearity'], **kw)
    return nn.GRU(**kw) if spec['cell'] == 'gru' else nn.LSTM(**kw)


def initial_params(spec):
    """Torch's default initialization of the whole module (rounded), plus non-trivial layer-norm affines."""
    H, G = spec['hiddenSize'], GATES[spec['cell']]
    dirs = 2 if spec['bidirectional'] else 1
    params = {}
    if spec['embedding']:
        params['embedding.weight'] = nn.Embedding(spec['embedding']['vocabSize'], spec['embedding']['dim']).weight
    rnn = torch_rnn_module(spec)
    for name, p in rnn.named_parameters():
        params[f'rnn.{name}'] = p
    if spec['layerNorm']:
        for k in range(spec['numLayers']):
            for sfx in ([''] + (['_reverse'] if dirs == 2 else [])):
                for kind in ('ih', 'hh'):
                    params[f'rnn.ln_{kind}_l{k}{sfx}.weight'] = 1 + 0.3 * torch.randn(G * H)
                    params[f'rnn.ln_{kind}_l{k}{sfx}.bias'] = 0.2 * torch.randn(G * H)
    D = H * dirs
    if spec['head']['output'] == 'attention':
        att = nn.Linear(D, 1)
        params['attention.weight'], params['attention.bias'] = att.weight, att.bias
    head = nn.Linear(D, spec['head']['size'])
    params['head.weight'], params['head.bias'] = head.weight, head.bias
    return {k: short(v) for k, v in params.items()}


# ---------------------------------------------------------------------------------------------------------------
# Explicit autograd implementation (the definition of the non-torch features)

def group_ln(v, G, H, w, b):
    """Layer norm over each H-sized gate block of a B×(G·H) pre-activation, per-block affine."""
    B = v.shape[0]
    n = F.layer_norm(v.reshape(B, G, H), (H,), eps=1e-5)
    return (n * w.reshape(G, H) + b.reshape(G, H)).reshape(B, G * H)


def run_direction(spec, P, k, sfx, x, lengths, reverse, tbptt, states=None):
    cell, H, G = spec['cell'], spec['hiddenSize'], GATES[spec['cell']]
    W_ih, W_hh = P[f'rnn.weight_ih_l{k}{sfx}'], P[f'rnn.weight_hh_l{k}{sfx}']
    b_ih, b_hh = P[f'rnn.bias_ih_l{k}{sfx}'], P[f'rnn.bias_hh_l{k}{sfx}']
    ln = spec['layerNorm']

    def norm(kind, v):
        return group_ln(v, G, H, P[f'rnn.ln_{kind}_l{k}{sfx}.weight'], P[f'rnn.ln_{kind}_l{k}{sfx}.bias']) if ln else v

    B, T, _ = x.shape
    h = torch.zeros(B, H)
    c = torch.zeros(B, H)
    out = [None] * T
    for t in (reversed(range(T)) if reverse else range(T)):
        if tbptt and t > 0 and t % tbptt == 0:
            h, c = h.detach(), c.detach()
        m = (t < lengths).to(torch.float64).unsqueeze(1)
        xg = norm('ih', x[:, t] @ W_ih.T) + b_ih
        if cell == 'gru' and spec['variant'] == 'resetBefore':
            # Layer norm applies per block to the two recurrent products: W_hh[r,z]·h and W_hn·(r⊙h).
            hrz = h @ W_hh[:2 * H].T
            if ln:
                w, b = P[f'rnn.ln_hh_l{k}{sfx}.weight'], P[f'rnn.ln_hh_l{k}{sfx}.bias']
                hrz = group_ln(hrz, 2, H, w[:2 * H], b[:2 * H])
            hrz = hrz + b_hh[:2 * H]
            r = torch.sigmoid(xg[:, :H] + hrz[:, :H])
            z = torch.sigmoid(xg[:, H:2 * H] + hrz[:, H:])
            hn_pre = (r * h) @ W_hh[2 * H:].T
            if ln:
                hn_pre = group_ln(hn_pre, 1, H, w[2 * H:], b[2 * H:])
            n = torch.tanh(xg[:, 2 * H:] + hn_pre + b_hh[2 * H:])
            hn = (1 - z) * h + z * n
        else:
            hg = norm('hh', h @ W_hh.T) + b_hh
            if cell == 'rnn':
                pre = xg + hg
                hn = torch.tanh(pre) if spec['nonlinearity'] == 'tanh' else torch.relu(pre)
            elif cell == 'gru':
                r = torch.sigmoid(xg[:, :H] + hg[:, :H])
                z = torch.sigmoid(xg[:, H:2 * H] + hg[:, H:2 * H])
                n = torch.tanh(xg[:, 2 * H:] + r * hg[:, 2 * H:])
                hn = (1 - z) * n + z * h
            else:
                g = xg + hg
                i, f, gg, o = (torch.sigmoid(g[:, :H]), torch.sigmoid(g[:, H:2 * H]), torch.tanh(g[:, 2 * H:3 * H]),
                               torch.sigmoid(g[:, 3 * H:]))
                cn = f * c + i * gg
                hn = o * torch.tanh(cn)
                c = m * cn + (1 - m) * c
        h = m * hn + (1 - m) * h
        if states is not None:
            h.retain_grad()
            states.append((t, h))
        out[t] = m * h  # padded steps output zeros, as pad_packed_sequence does
    return torch.stack(out, dim=1)


def explicit_features(spec, P, batch, tbptt=None, top_states=None):
    """top_states (a list) receives (t, h_t) of every direction of the top layer, h_t retaining its gradient."""
    B, T = batch['B'], batch['T']
    lengths = batch['lengths'] if batch['lengths'] is not None else torch.full((B,), T, dtype=torch.long)
    x = P['embedding.weight'][batch['tokens']] if spec['embedding'] else batch['x']
    for k in range(spec['numLayers']):
        states = top_states if k == spec['numLayers'] - 1 else None
        outs = [run_direction(spec, P, k, '', x, lengths, False, tbptt, states)]
        if spec['bidirectional']:
            outs.append(run_direction(spec, P, k, '_reverse', x, lengths, True, tbptt, states))
        y = torch.cat(outs, dim=2)
        if spec['residual'] and k >= 1:
            y = y + x
        x = y
    return x, lengths


def leaf_params(spec, P0):
    """Fresh leaf tensors for P0. For standard models the rnn.* entries are the parameters of a real
    torch.nn.RNN/GRU/LSTM (so torch's own kernels and autograd compute them); returns (params, module)."""
    P = {k: v.clone().requires_grad_(True) for k, v in P0.items()}
    if not is_standard(spec):
        return P, None
    rnn = torch_rnn_module(spec)
    with torch.no_grad():
        for name, p in rnn.named_parameters():
            p.copy_(P0[f'rnn.{name}'])
            P[f'rnn.{name}'] = p
    return P, rnn


def torch_module_features(rnn, batch):
    B, T = batch['B'], batch['T']
    lengths = batch['lengths'] if batch['lengths'] is not None else torch.full((B,), T, dtype=torch.long)
    packed = nn.utils.rnn.pack_padded_sequence(batch['x'], lengths, batch_first=True, enforce_sorted=False)
    out, _ = rnn(packed)
    out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=T)
    return out, lengths


def head_logits(spec, P, feats, lengths):
    B, T, _ = feats.shape
    mode = spec['head']['output']
    if mode == 'last':
        pooled = feats[torch.arange(B), lengths - 1]
    elif mode == 'attention':
        scores = (feats @ P['attention.weight'].T).squeeze(2) + P['attention.bias']
        valid = torch.arange(T).unsqueeze(0) < lengths.unsqueeze(1)
        alpha = torch.softmax(scores.masked_fill(~valid, float('-inf')), dim=1)
        pooled = (alpha.unsqueeze(2) * feats).sum(dim=1)
    else:
        pooled = feats
    return pooled @ P['head.weight'].T + P['head.bias']


def loss_of(spec, loss, logits, y, lengths):
    """Mean over every valid element; with the "all" head, padded steps do not count."""
    if spec['head']['output'] == 'all':
        T = logits.shape[1]
        valid = (torch.arange(T).unsqueeze(0) < lengths.unsqueeze(1))
        logits, y = logits[valid], y[valid]
    if loss == 'mse':
        return F.mse_loss(logits, y)
    if loss == 'bce':
        return F.binary_cross_entropy_with_logits(logits, y)
    return F.cross_entropy(logits, y)


def activate(spec, logits):
    a = spec['head']['activation']
    return torch.softmax(logits, -1) if a == 'softmax' else torch.sigmoid(logits) if a == 'sigmoid' else logits


# ---------------------------------------------------------------------------------------------------------------
# Batches

def make_batch(spec, loss, B, T, ragged):
    lengths = None
    if ragged:
        lengths = torch.randint(1, T + 1, (B,))
        lengths[0] = T  # the longest sequence defines T, as in a padded batch
        lengths[1] = max(1, T - 2)
    x = tokens = None
    if spec['embedding']:
        tokens = torch.randint(0, spec['embedding']['vocabSize'], (B, T))
    else:
        x = short(torch.randn(B, T, spec['inputSize']))
    size = spec['head']['size']
    lead = (B, T) if spec['head']['output'] == 'all' else (B,)
    if loss == 'cross_entropy':
        y = torch.randint(0, size, lead)
    elif loss == 'bce':
        y = torch.randint(0, 2, lead + (size,)).to(torch.float64)
    else:
        y = short(torch.randn(lead + (size,)))
    return {'B': B, 'T': T, 'x': x, 'tokens': tokens, 'lengths': lengths, 'y': y}


def batch_json(b):
    return {
        'B': b['B'], 'T': b['T'],
        'x': flat(b['x']) if b['x'] is not None else None,
        'tokens': b['tokens'].reshape(-1).tolist() if b['tokens'] is not None else None,
        'lengths': b['lengths'].tolist() if b['lengths'] is not None else None,
        'y': b['y'].reshape(-1).tolist() if b['y'].dtype == torch.long else flat(b['y']),
    }


# ---------------------------------------------------------------------------------------------------------------
# Optimizers, schedules, clipping in torch terms

def torch_optimizer(spec, params):
    t = spec['type']
    if t == 'sgd':
        return torch.optim.SGD(params, lr=spec['lr'], momentum=spec['momentum'], dampening=spec['dampening'],
                               nesterov=spec['nesterov'], weight_decay=spec['weightDecay'], foreach=False)
    if t == 'adagrad':
        return torch.optim.Adagrad(params, lr=spec['lr'], eps=spec['eps'], weight_decay=spec['weightDecay'],
                                   foreach=False)
    if t == 'rmsprop':
        return torch.optim.RMSprop(params, lr=spec['lr'], alpha=spec['alpha'], eps=spec['eps'],
                                   momentum=spec['momentum'], centered=spec['centered'],
                                   weight_decay=spec['weightDecay'], foreach=False)
    cls = torch.optim.Adam if t == 'adam' else torch.optim.AdamW
    return cls(params, lr=spec['lr'], betas=(spec['beta1'], spec['beta2']), eps=spec['eps'],
               weight_decay=spec['weightDecay'], foreach=False)


def after_factor(spec, s):
    """Multiplier of a non-warmup schedule at update s (torch's closed forms), for LambdaLR."""
    if spec['type'] == 'constant':
        return 1.0
    if spec['type'] == 'step':
        return spec['gamma'] ** (s // spec['stepSize'])
    raise ValueError('cosine after warmup needs the base lr; handled in torch_scheduler')


class HeldCosine:
    """SeqLab holds a cosine schedule at minLr past totalSteps (torch's closed form would rise again). Stepping
    CosineAnnealingLR only until it reaches T_max keeps torch's own values as the reference."""

    def __init__(self, sched, total):
        self.sched, self.total, self.done = sched, total, 0

    def step(self):
        if self.done < self.total:
            self.sched.step()
        self.done += 1


def torch_scheduler(spec, opt, base_lr):
    t = spec['type']
    if t == 'constant':
        return None
    if t == 'step':
        return torch.optim.lr_scheduler.StepLR(opt, step_size=spec['stepSize'], gamma=spec['gamma'])
    if t == 'cosine':
        return HeldCosine(torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=spec['totalSteps'], eta_min=spec['minLr']),
                          spec['totalSteps'])
    W, after = spec['warmupSteps'], spec['after']

    def factor(s):
        if s < W:
            return s / W  # LinearLR-style ramp from a factor of 0
        s -= W
        if after['type'] == 'cosine':
            s = min(s, after['totalSteps'])  # held at minLr past totalSteps, as HeldCosine
            lr = after['minLr'] + (base_lr - after['minLr']) * (1 + math.cos(math.pi * s / after['totalSteps'])) / 2
            return lr / base_lr
        return after_factor(after, s)
    return torch.optim.lr_scheduler.LambdaLR(opt, factor)


def clip_and_norm(params, clip):
    """Returns (norm before, norm after) and clips in place exactly as torch.nn.utils does."""
    grads = [p.grad for p in params]
    before = torch.norm(torch.stack([torch.norm(g, 2) for g in grads]), 2).item()
    if clip['maxNorm'] is not None:
        total = nn.utils.clip_grad_norm_(params, clip['maxNorm'], norm_type=2.0).item()
        assert abs(total - before) <= 1e-12 * max(1, before)
    if clip['maxValue'] is not None:
        nn.utils.clip_grad_value_(params, clip['maxValue'])
    after = torch.norm(torch.stack([torch.norm(p.grad, 2) for p in params]), 2).item()
    return before, after


# ---------------------------------------------------------------------------------------------------------------
# Fixture builders

def model_fixture(name, spec, loss, train_extra=None, B=3, T=4, ragged=True, steps=1, tbptt=None, seed=0,
                  description='', lengths=None):
    torch.manual_seed(seed)
    P0 = initial_params(spec)
    batch = make_batch(spec, loss, B, T, ragged or lengths is not None)
    if lengths is not None:
        batch['lengths'] = torch.tensor(lengths)
    train = {'loss': loss, 'optimizer': {'type': 'sgd', 'lr': 0.1, 'momentum': 0, 'nesterov': False,
                                         'dampening': 0, 'weightDecay': 0},
             'schedule': {'type': 'constant'}, 'clip': {'maxNorm': None, 'maxValue': None}, 'tbptt': tbptt}
    train.update(train_extra or {})

    def forward(P, module):
        if module is not None and tbptt is None:
            feats, lengths = torch_module_features(module, batch)
        else:
            feats, lengths = explicit_features(spec, P, batch, tbptt)
        logits = head_logits(spec, P, feats, lengths)
        return logits, loss_of(spec, loss, logits, batch['y'], lengths)

    P, module = leaf_params(spec, P0)
    logits, L = forward(P, module)
    L.backward()
    grads = {k: p.grad.clone() for k, p in P.items()}

    if is_standard(spec) and tbptt is None:
        # Validate the explicit implementation against torch's modules on this very case.
        Q = {k: v.clone().requires_grad_(True) for k, v in P0.items()}
        feats_e, lengths_e = explicit_features(spec, Q, batch, tbptt)
        logits_e = head_logits(spec, Q, feats_e, lengths_e)
        L_e = loss_of(spec, loss, logits_e, batch['y'], lengths_e)
        L_e.backward()
        assert abs(L_e.item() - L.item()) < 1e-12, (name, L_e.item(), L.item())
        for k in P0:
            assert torch.allclose(Q[k].grad, grads[k], rtol=1e-9, atol=1e-12), (name, k)

    # Gradient flow: ‖dL/dh_t‖ over the batch and both directions of the top layer (total derivative).
    Q = {k: v.clone().requires_grad_(True) for k, v in P0.items()}
    top = []
    feats_f, lengths_f = explicit_features(spec, Q, batch, tbptt, top)
    loss_of(spec, loss, head_logits(spec, Q, feats_f, lengths_f), batch['y'], lengths_f).backward()
    flow = torch.zeros(T)
    for t, h in top:
        if h.grad is not None:
            flow[t] += (h.grad ** 2).sum()
    flow = flow.sqrt()

    output = activate(spec, logits)
    # Optimizer updates on the same batch.
    P, module = leaf_params(spec, P0)
    plist = list(P.values())
    opt = torch_optimizer(train['optimizer'], plist)
    sched = torch_scheduler(train['schedule'], opt, train['optimizer']['lr'])
    records = []
    for _ in range(steps):
        opt.zero_grad(set_to_none=False)
        _, Ls = forward(P, module)
        Ls.backward()
        before, after = clip_and_norm(plist, train['clip'])
        lr = opt.param_groups[0]['lr']
        opt.step()
        if sched:
            sched.step()
        records.append({'loss': Ls.item(), 'gradNorm': before, 'gradNormClipped': after, 'lr': lr})

    fixture = {
        'kind': 'model', 'name': name, 'description': description, 'torch': torch.__version__,
        'model': spec, 'train': train, 'batch': batch_json(batch),
        'params': {k: tensor_json(v) for k, v in P0.items()},
        'output': tensor_json(output), 'loss': L.item(), 'gradFlow': flat(flow),
        'grads': {k: flat(g) for k, g in grads.items()},
        'steps': records,
        'paramsAfter': {k: flat(v) for k, v in P.items()},
    }
    write(name, fixture)


def optimizer_fixture(name, spec, schedule=None, steps=5, seed=0):
    torch.manual_seed(seed)
    shapes = [(2, 3), (4,)]
    init = [short(torch.randn(s)) for s in shapes]
    grads = [[short(torch.randn(s)) for s in shapes] for _ in range(steps)]
    params = [v.clone().requires_grad_(True) for v in init]
    opt = torch_optimizer(spec, params)
    schedule = schedule or {'type': 'constant'}
    sched = torch_scheduler(schedule, opt, spec['lr'])
    after, lrs = [], []
    for s in range(steps):
        for p, g in zip(params, grads[s]):
            p.grad = g.clone()
        lrs.append(opt.param_groups[0]['lr'])
        opt.step()
        if sched:
            sched.step()
        after.append([flat(p) for p in params])
    names = ['a.weight', 'b.bias']
    write(name, {
        'kind': 'optimizer', 'name': name, 'torch': torch.__version__, 'optimizer': spec, 'schedule': schedule,
        'params': {n: tensor_json(v) for n, v in zip(names, init)},
        'grads': [{n: flat(g) for n, g in zip(names, gs)} for gs in grads],
        'lrs': lrs,
        'after': [{n: a for n, a in zip(names, step)} for step in after],
    })


def clip_fixture(name, clip, scale, seed=0):
    torch.manual_seed(seed)
    grads = [short(scale * torch.randn(s)) for s in [(3, 2), (5,)]]
    params = [torch.zeros_like(g).requires_grad_(True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    before, after = clip_and_norm(params, clip)
    write(name, {
        'kind': 'clip', 'name': name, 'torch': torch.__version__, 'clip': clip,
        'grads': [flat(g) for g in grads], 'paramNorms': [torch.norm(g).item() for g in grads],
        'normBefore': before, 'normAfter': after, 'clipped': [flat(p.grad) for p in params],
    })


def schedule_fixture(name, schedule, base_lr=0.5, steps=16):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base_lr)
    sched = torch_scheduler(schedule, opt, base_lr)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]['lr'])
        opt.step()
        if sched:
            sched.step()
    write(name, {'kind': 'schedule', 'name': name, 'torch': torch.__version__, 'schedule': schedule,
                 'baseLr': base_lr, 'lrs': lrs})


def write(name, fixture):
    with open(os.path.join(OUT_DIR, f'{name}.json'), 'w') as f:
        json.dump(fixture, f, separators=(',', ':'))
        f.write('\n')


# ---------------------------------------------------------------------------------------------------------------

SGD = {'type': 'sgd', 'lr': 0.1, 'momentum': 0, 'nesterov': False, 'dampening': 0, 'weightDecay': 0}
NO_CLIP = {'maxNorm': None, 'maxValue': None}


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for f in os.listdir(OUT_DIR):
        if f.endswith('.json'):
            os.remove(os.path.join(OUT_DIR, f))

    # Standard cells: every cell × 1/2 layers × uni/bidirectional, rotating heads, losses and raggedness.
    cases = [('rnn', 'tanh'), ('rnn', 'relu'), ('gru', 'tanh'), ('lstm', 'tanh')]
    heads = [('last', 'mse', 'none'), ('all', 'cross_entropy', 'softmax'), ('last', 'bce', 'sigmoid'),
             ('all', 'mse', 'none'), ('last', 'cross_entropy', 'softmax'), ('all', 'bce', 'sigmoid')]
    n = 0
    for cell, nl in cases:
        for layers in (1, 2):
            for bidir in (False, True):
                head, loss, act = heads[n % len(heads)]
                spec = model_spec(cell, nonlinearity=nl, layers=layers, bidir=bidir, head_output=head,
                                  head_size=3 if loss == 'cross_entropy' else 2, activation=act)
                label = f"{cell}{'_relu' if nl == 'relu' else ''}_l{layers}{'_bi' if bidir else ''}_{head}_{loss}"
                model_fixture(f'model_{label}', spec, loss, ragged=(n % 4 != 3), seed=100 + n,
                              description=f'torch.nn.{cell.upper()} {layers} layer(s), '
                                          f"{'bi' if bidir else 'uni'}directional, head {head}, {loss}")
                n += 1

    # Features torch has no module for (explicit autograd).
    model_fixture('model_gru_reset_before_last_mse', model_spec('gru', variant='resetBefore'), 'mse', seed=200,
                  description='reset-before GRU (reset gate on h before the recurrent product), ragged')
    model_fixture('model_gru_reset_before_l2_bi_all_ce',
                  model_spec('gru', variant='resetBefore', layers=2, bidir=True, head_output='all', head_size=3,
                             activation='softmax'),
                  'cross_entropy', seed=201, description='reset-before GRU, 2 layers, bidirectional')
    model_fixture('model_lstm_layernorm_l2_last_mse', model_spec('lstm', layers=2, layer_norm=True), 'mse', seed=202,
                  description='LSTM with layer norm per gate block on W_ih·x and W_hh·h')
    model_fixture('model_gru_layernorm_bi_all_bce',
                  model_spec('gru', bidir=True, layer_norm=True, head_output='all', activation='sigmoid'), 'bce',
                  seed=203, description='torch-style GRU with layer norm, bidirectional')
    model_fixture('model_rnn_layernorm_last_mse', model_spec('rnn', layer_norm=True), 'mse', seed=204,
                  description='tanh RNN with layer norm')
    model_fixture('model_lstm_residual_l3_all_mse', model_spec('lstm', layers=3, residual=True, head_output='all'),
                  'mse', seed=205, description='3-layer LSTM with residual connections between stacked layers')
    model_fixture('model_gru_residual_l2_bi_last_ce',
                  model_spec('gru', layers=2, bidir=True, residual=True, head_size=3, activation='softmax'),
                  'cross_entropy', seed=206, description='bidirectional GRU with residual')
    model_fixture('model_lstm_attention_mse', model_spec('lstm', head_output='attention'), 'mse', seed=207,
                  description='attention pooling head over valid steps')
    model_fixture('model_gru_bi_attention_ce',
                  model_spec('gru', bidir=True, head_output='attention', head_size=3, activation='softmax'),
                  'cross_entropy', seed=208, description='bidirectional GRU, attention head')
    model_fixture('model_embedding_lstm_last_ce',
                  model_spec('lstm', embedding={'vocabSize': 6, 'dim': 3}, head_size=3, activation='softmax'),
                  'cross_entropy', seed=209, description='token input through nn.Embedding')
    model_fixture('model_embedding_rnn_all_bce',
                  model_spec('rnn', embedding={'vocabSize': 5, 'dim': 2}, head_output='all', activation='sigmoid'),
                  'bce', seed=210, description='embedding + RNN, per-step binary targets')
    model_fixture('model_gru_reset_before_layernorm_bi_last_bce',
                  model_spec('gru', variant='resetBefore', bidir=True, layer_norm=True, activation='sigmoid'), 'bce',
                  seed=212, description='reset-before GRU with layer norm on W_hh[r,z]·h and W_hn·(r⊙h), bidirectional')
    model_fixture('model_kitchen_sink',
                  model_spec('lstm', layers=2, bidir=True, layer_norm=True, residual=True,
                             embedding={'vocabSize': 7, 'dim': 3}, head_output='attention', head_size=3,
                             activation='softmax'),
                  'cross_entropy', seed=213, description='embedding, 2-layer bidirectional LSTM, layer norm, '
                                                          'residual, attention head, ragged')
    model_fixture('model_gru_single_step_all_ce',
                  model_spec('gru', head_output='all', head_size=3, activation='softmax'), 'cross_entropy', B=2,
                  T=1, ragged=False, seed=214, description='edge case T = 1')
    model_fixture('model_rnn_len1_all_mse', model_spec('rnn', layers=2, bidir=True, head_output='all'), 'mse', B=2,
                  T=3, seed=215, description='a sequence of length 1 next to a full one', lengths=[3, 1])
    model_fixture('model_lstm_tbptt2_all_mse', model_spec('lstm', layers=2, head_output='all'), 'mse', T=5,
                  tbptt=2, ragged=False, seed=211,
                  description='truncated BPTT in chunks of 2: state carried, graph cut at t = 2, 4')

    # Optimizers, schedules and clipping driven by real model gradients, several steps on one batch.
    lstm = model_spec('lstm')
    gru_all = model_spec('gru', head_output='all')
    train_cases = [
        ('sgd_momentum', {'optimizer': dict(SGD, momentum=0.9, dampening=0.1)}, lstm),
        ('sgd_nesterov_wd', {'optimizer': dict(SGD, momentum=0.8, nesterov=True, weightDecay=0.01)}, gru_all),
        ('adagrad', {'optimizer': {'type': 'adagrad', 'lr': 0.05, 'eps': 1e-10, 'weightDecay': 0.01}}, lstm),
        ('rmsprop_centered_momentum', {'optimizer': {'type': 'rmsprop', 'lr': 0.01, 'alpha': 0.9, 'eps': 1e-8,
                                                     'momentum': 0.5, 'centered': True, 'weightDecay': 0.001}}, gru_all),
        ('rmsprop_plain', {'optimizer': {'type': 'rmsprop', 'lr': 0.01, 'alpha': 0.99, 'eps': 1e-8, 'momentum': 0,
                                         'centered': False, 'weightDecay': 0}}, lstm),
        ('adam_clipnorm', {'optimizer': {'type': 'adam', 'lr': 0.01, 'beta1': 0.9, 'beta2': 0.999, 'eps': 1e-8,
                                         'weightDecay': 0.01},
                           'clip': {'maxNorm': 0.05, 'maxValue': None}}, lstm),
        ('adamw_clipvalue_cosine', {'optimizer': {'type': 'adamw', 'lr': 0.02, 'beta1': 0.8, 'beta2': 0.99,
                                                  'eps': 1e-8, 'weightDecay': 0.1},
                                    'clip': {'maxNorm': None, 'maxValue': 0.01},
                                    'schedule': {'type': 'cosine', 'totalSteps': 3, 'minLr': 0.001}}, gru_all),
        ('sgd_clipboth_steplr', {'optimizer': dict(SGD, lr=0.5),
                                 'clip': {'maxNorm': 0.1, 'maxValue': 0.02},
                                 'schedule': {'type': 'step', 'stepSize': 2, 'gamma': 0.5}}, lstm),
        ('adam_warmup_cosine', {'optimizer': {'type': 'adam', 'lr': 0.05, 'beta1': 0.9, 'beta2': 0.999,
                                              'eps': 1e-8, 'weightDecay': 0},
                                'schedule': {'type': 'warmup', 'warmupSteps': 2,
                                             'after': {'type': 'cosine', 'totalSteps': 4, 'minLr': 0.0}}}, gru_all),
    ]
    for i, (label, extra, spec) in enumerate(train_cases):
        loss = 'mse'
        model_fixture(f'train_{label}', spec, loss, train_extra=extra, steps=4, seed=300 + i,
                      description=f'{label}: 4 updates on one batch')

    # Optimizers on free tensors (no model), five steps with given gradients.
    opt_cases = {
        'sgd': dict(SGD),
        'sgd_momentum_dampening_wd': dict(SGD, momentum=0.9, dampening=0.3, weightDecay=0.05),
        'sgd_nesterov': dict(SGD, momentum=0.7, nesterov=True),
        'adagrad': {'type': 'adagrad', 'lr': 0.1, 'eps': 1e-10, 'weightDecay': 0},
        'adagrad_wd': {'type': 'adagrad', 'lr': 0.1, 'eps': 1e-10, 'weightDecay': 0.1},
        'rmsprop': {'type': 'rmsprop', 'lr': 0.01, 'alpha': 0.99, 'eps': 1e-8, 'momentum': 0, 'centered': False,
                    'weightDecay': 0},
        'rmsprop_centered_momentum_wd': {'type': 'rmsprop', 'lr': 0.01, 'alpha': 0.9, 'eps': 1e-6, 'momentum': 0.6,
                                         'centered': True, 'weightDecay': 0.02},
        'adam': {'type': 'adam', 'lr': 0.01, 'beta1': 0.9, 'beta2': 0.999, 'eps': 1e-8, 'weightDecay': 0},
        'adam_l2': {'type': 'adam', 'lr': 0.01, 'beta1': 0.8, 'beta2': 0.95, 'eps': 1e-6, 'weightDecay': 0.1},
        'adamw': {'type': 'adamw', 'lr': 0.01, 'beta1': 0.9, 'beta2': 0.999, 'eps': 1e-8, 'weightDecay': 0.05},
    }
    for i, (label, spec) in enumerate(opt_cases.items()):
        optimizer_fixture(f'optim_{label}', spec, seed=400 + i)
    optimizer_fixture('optim_adam_steplr', opt_cases['adam'], schedule={'type': 'step', 'stepSize': 2, 'gamma': 0.3},
                      seed=420)

    clip_fixture('clip_norm_active', {'maxNorm': 1.0, 'maxValue': None}, 2.0, seed=500)
    clip_fixture('clip_norm_inactive', {'maxNorm': 100.0, 'maxValue': None}, 1.0, seed=501)
    clip_fixture('clip_value', {'maxNorm': None, 'maxValue': 0.5}, 1.0, seed=502)
    clip_fixture('clip_norm_then_value', {'maxNorm': 2.0, 'maxValue': 0.3}, 1.5, seed=503)

    schedule_fixture('schedule_step', {'type': 'step', 'stepSize': 3, 'gamma': 0.5})
    schedule_fixture('schedule_cosine', {'type': 'cosine', 'totalSteps': 10, 'minLr': 0.01}, steps=24)
    schedule_fixture('schedule_warmup_constant', {'type': 'warmup', 'warmupSteps': 4, 'after': {'type': 'constant'}})
    schedule_fixture('schedule_warmup_step', {'type': 'warmup', 'warmupSteps': 3,
                                              'after': {'type': 'step', 'stepSize': 4, 'gamma': 0.1}})
    schedule_fixture('schedule_warmup_cosine', {'type': 'warmup', 'warmupSteps': 5,
                                                'after': {'type': 'cosine', 'totalSteps': 8, 'minLr': 0.05}})
    from transformer_golden import write_transformer_fixtures
    write_transformer_fixtures()

    total = sum(os.path.getsize(os.path.join(OUT_DIR, f)) for f in os.listdir(OUT_DIR))
    print(f'wrote {len(os.listdir(OUT_DIR))} fixtures, {total} bytes, to {os.path.normpath(OUT_DIR)}')


if __name__ == '__main__':
    main()
