#!/usr/bin/python3
"""Loads a SeqLab Transformer checkpoint into its PyTorch module with load_state_dict(strict=True) and prints what that
module predicts, so a test can compare it with SeqLab's own prediction.

  /usr/bin/python3 scripts/golden/load_checkpoint.py CHECKPOINT.safetensors < request.json

request.json: {"spec": ModelSpec, "B": n, "T": n, "x": [B·T·inputSize floats] or null, "tokens": [B·T ids] or null,
"lengths": [B]}. Prints {"keys": the state_dict's names in order, "output": the activated head outputs, flattened,
"shape": their shape}. Runs in float64, with gradients enabled so PyTorch takes its ordinary (not fused inference) path.
"""
import json
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seqlab_transformer import SeqLabTransformer  # noqa: E402


def read_safetensors(path):
    with open(path, 'rb') as f:
        raw = f.read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for name, t in header.items():
        if name == '__metadata__':
            continue
        fmt = {'F32': 'f', 'F64': 'd'}[t['dtype']]
        start, end = t['data_offsets']
        count = (end - start) // struct.calcsize(fmt)
        values = struct.unpack('<%d%s' % (count, fmt), data[start:end])
        out[name] = torch.tensor(values, dtype=torch.float64).reshape(t['shape'])
    return out


def main():
    request = json.load(sys.stdin)
    spec = request['spec']
    module = SeqLabTransformer(spec).double()
    module.load_state_dict(read_safetensors(sys.argv[1]), strict=True)
    module.eval()
    B, T = request['B'], request['T']
    x = torch.tensor(request['x'], dtype=torch.float64).reshape(B, T, -1) if request['x'] is not None else None
    tokens = torch.tensor(request['tokens']).reshape(B, T) if request['tokens'] is not None else None
    logits = module(x, tokens, torch.tensor(request['lengths']))
    act = spec['head']['activation']
    out = torch.softmax(logits, -1) if act == 'softmax' else torch.sigmoid(logits) if act == 'sigmoid' else logits
    print(json.dumps({'keys': list(module.state_dict().keys()), 'output': out.detach().reshape(-1).tolist(),
                      'shape': list(out.shape)}))


if __name__ == '__main__':
    main()
