"""Golden fixtures of SeqLab's Transformer kind (called by make_golden.py, whose fixture format they share).

Each fixture is torch.nn.TransformerEncoder inside seqlab_transformer.SeqLabTransformer: its initial state_dict
(rounded, with non-trivial layer norms and attention biases), one batch, the prediction, the loss, ‖dL/dx_t‖ at the stack's
input, every gradient, then optimizer updates on that batch. Dropout is 0: PyTorch's dropout masks cannot be reproduced.
"""
import torch

import make_golden as g
from seqlab_transformer import SeqLabTransformer


def transformer_spec(inp=3, d=8, layers=2, heads=2, ff=12, activation='relu', norm_first=False, positional='sinusoidal',
                     max_length=7, causal=False, embedding=None, head_output='last', head_size=2, head_activation='none'):
    spec = g.model_spec('transformer', hidden=d, inp=inp, layers=layers, embedding=embedding, head_output=head_output,
                        head_size=head_size, activation=head_activation)
    spec['transformer'] = {'heads': heads, 'feedForward': ff, 'activation': activation, 'normFirst': norm_first,
                           'positional': positional, 'maxLength': max_length, 'causal': causal}
    if embedding:
        spec['embedding'] = {'vocabSize': embedding, 'dim': d}
        spec['inputSize'] = d
    return spec


def initial_module(spec):
    """Torch's initialization, with layer norms and the zero-initialized attention biases moved off their defaults (so
    their gradients are checked at a generic point), rounded so the fixture holds the values exactly."""
    module = SeqLabTransformer(spec)
    with torch.no_grad():
        for name, p in module.named_parameters():
            if 'norm' in name and name.endswith('weight'):
                p.copy_(1 + 0.3 * torch.randn_like(p))
            elif 'norm' in name or name.endswith('in_proj_bias') or name.endswith('out_proj.bias'):
                p.copy_(0.2 * torch.randn_like(p))
            p.copy_(g.short(p))
    return module


def run(module, spec, loss, batch, keep=None):
    B, T = batch['B'], batch['T']
    lengths = batch['lengths'] if batch['lengths'] is not None else torch.full((B,), T, dtype=torch.long)
    logits = module(batch['x'], batch['tokens'], lengths, keep)
    return logits, g.loss_of(spec, loss, logits, batch['y'], lengths)


def transformer_fixture(name, spec, loss, B=3, T=5, ragged=True, steps=1, train_extra=None, seed=0, description=''):
    torch.manual_seed(seed)
    module = initial_module(spec)
    module.train()  # dropout is 0; train mode keeps PyTorch on the path autograd differentiates
    P0 = {k: v.detach().clone() for k, v in module.state_dict().items()}
    batch = g.make_batch(spec, loss, B, T, ragged)
    train = {'loss': loss, 'optimizer': dict(g.SGD), 'schedule': {'type': 'constant'}, 'clip': dict(g.NO_CLIP), 'tbptt': None}
    train.update(train_extra or {})

    keep = []
    logits, L = run(module, spec, loss, batch, keep)
    L.backward()
    grads = {k: p.grad.clone() for k, p in module.named_parameters()}
    flow = (keep[0].grad ** 2).sum(dim=(0, 2)).sqrt()

    trained = SeqLabTransformer(spec)
    trained.load_state_dict(P0, strict=True)
    trained.train()
    params = list(trained.parameters())
    opt = g.torch_optimizer(train['optimizer'], params)
    sched = g.torch_scheduler(train['schedule'], opt, train['optimizer']['lr'])
    records = []
    for _ in range(steps):
        opt.zero_grad(set_to_none=False)
        _, Ls = run(trained, spec, loss, batch)
        Ls.backward()
        before, after = g.clip_and_norm(params, train['clip'])
        lr = opt.param_groups[0]['lr']
        opt.step()
        if sched:
            sched.step()
        records.append({'loss': Ls.item(), 'gradNorm': before, 'gradNormClipped': after, 'lr': lr})

    g.write(name, {
        'kind': 'model', 'name': name, 'description': description, 'torch': torch.__version__,
        'model': spec, 'train': train, 'batch': g.batch_json(batch),
        'params': {k: g.tensor_json(v) for k, v in P0.items()},
        'output': g.tensor_json(g.activate(spec, logits)), 'loss': L.item(), 'gradFlow': g.flat(flow),
        'grads': {k: g.flat(v) for k, v in grads.items()},
        'steps': records,
        'paramsAfter': {k: g.flat(v) for k, v in trained.state_dict().items()},
    })


def write_transformer_fixtures():
    transformer_fixture('transformer_post_relu_sin_last_mse', transformer_spec(), 'mse', seed=600,
                        description='2 post-norm layers, relu, sinusoidal positions, head last, padded batch')
    transformer_fixture('transformer_pre_gelu_learned_embedding_causal_all_ce',
                        transformer_spec(norm_first=True, activation='gelu', positional='learned', causal=True, embedding=7,
                                         head_output='all', head_size=4, head_activation='softmax'),
                        'cross_entropy', seed=601,
                        description='2 pre-norm layers and the final norm, gelu, learned positions, tokens through '
                                    'embedding.weight, causal mask, head all, padded batch')
    transformer_fixture('transformer_post_gelu_learned_attention_bce',
                        transformer_spec(activation='gelu', positional='learned', head_output='attention',
                                         head_activation='sigmoid'),
                        'bce', seed=602, description='post-norm, gelu, learned positions, attention pooling, padded batch')
    transformer_fixture('transformer_pre_relu_sin_causal_all_mse',
                        transformer_spec(layers=1, heads=4, norm_first=True, causal=True, head_output='all'), 'mse',
                        ragged=False, seed=603, description='1 pre-norm layer of 4 heads of 2, relu, causal mask, '
                                                            'head all, full-length batch')
    transformer_fixture('transformer_post_gelu_sin_noncausal_all_mse',
                        transformer_spec(layers=1, activation='gelu', head_output='all'), 'mse', seed=605,
                        description='head all without the causal mask (every step sees the whole sequence), padded')
    transformer_fixture('transformer_pre_gelu_sin_last_ce_adam_clip',
                        transformer_spec(norm_first=True, activation='gelu', head_size=3, head_activation='softmax'),
                        'cross_entropy', steps=3, seed=604,
                        train_extra={'optimizer': {'type': 'adam', 'lr': 0.01, 'beta1': 0.9, 'beta2': 0.999, 'eps': 1e-8,
                                                   'weightDecay': 0.01},
                                     'clip': {'maxNorm': 0.5, 'maxValue': None}},
                        description='pre-norm, gelu: 3 Adam updates with gradient-norm clipping, padded batch')
