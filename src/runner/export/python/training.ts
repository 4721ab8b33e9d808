// The part of train.py that trains: loss (src/engine/loss.ts), schedule (schedule.ts), optimizer and its state in
// SeqLab's checkpoint names (optim.ts, trainer.ts), clipping (clip.ts), truncated BPTT and the per-step records
// (run.ts), with each global batch split across DDP processes so that the result is that of one process.
export const TRAINING_PY = String.raw`

# ---------------------------------------------------------------- loss, schedule, optimizer

def activate(z):
    act = SPEC["head"]["activation"]
    return torch.sigmoid(z) if act == "sigmoid" else torch.softmax(z, dim=-1) if act == "softmax" else z


def loss_sum(logits, targets, rows):
    """Sum of the loss terms of the rows that have one: MSE on the activated outputs, cross entropy and BCE on the
    raw outputs (logits), as torch.nn.MSELoss / CrossEntropyLoss / BCEWithLogitsLoss with reduction="sum"."""
    loss = TRAIN["loss"]
    if loss == "cross_entropy":
        flat = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1).clamp(min=0), reduction="none")
        terms = flat.reshape(rows.shape)
    elif loss == "bce":
        terms = F.binary_cross_entropy_with_logits(logits, targets, reduction="none").sum(-1)
    else:
        terms = ((activate(logits) - targets) ** 2).sum(-1)
    return torch.where(rows, terms, torch.zeros_like(terms)).sum()


def term_count(rows, ids):
    """How many terms the mean loss over rows ids averages over (the whole global batch, whatever this process
    holds): target tokens of a sequence-to-sequence model, else steps or sequences (times outputs but for cross
    entropy)."""
    if SEQ2SEQ:
        return sum(rows.target_lengths[i] for i in ids)
    lengths = [rows.lengths[i] for i in ids]
    terms = sum(lengths) if SPEC["head"]["output"] == "all" else len(lengths)
    return terms * (1 if TRAIN["loss"] == "cross_entropy" else SPEC["head"]["size"])


def learning_rate(s, base, step):
    """The learning rate of update number step (0-based), SeqLab's closed forms of torch's schedulers."""
    if s["type"] == "step":
        return base * s["gamma"] ** (step // s["stepSize"])
    if s["type"] == "cosine":
        return s["minLr"] + (base - s["minLr"]) * (1 + math.cos(math.pi * min(step, s["totalSteps"]) / s["totalSteps"])) / 2
    if s["type"] == "warmup":
        if step < s["warmupSteps"]:
            return base * step / s["warmupSteps"]
        return learning_rate(s["after"], base, step - s["warmupSteps"])
    return base


def make_optimizer(params):
    o = TRAIN["optimizer"]
    kind, lr, wd = o["type"], o["lr"], o["weightDecay"]
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=o["momentum"], dampening=o["dampening"], nesterov=o["nesterov"], weight_decay=wd)
    if kind == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, eps=o["eps"], weight_decay=wd)
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=o["alpha"], eps=o["eps"], momentum=o["momentum"], centered=o["centered"], weight_decay=wd)
    adam = torch.optim.AdamW if kind == "adamw" else torch.optim.Adam
    return adam(params, lr=lr, betas=(o["beta1"], o["beta2"]), eps=o["eps"], weight_decay=wd)


def state_keys():
    """The optimizer's per-parameter state, as torch names it (and SeqLab's checkpoints store it)."""
    o = TRAIN["optimizer"]
    if o["type"] == "sgd":
        return ["momentum_buffer"] if o["momentum"] != 0 else []
    if o["type"] == "adagrad":
        return ["sum"]
    if o["type"] == "rmsprop":
        return ["square_avg"] + (["momentum_buffer"] if o["momentum"] > 0 else []) + (["grad_avg"] if o["centered"] else [])
    return ["exp_avg", "exp_avg_sq"]


def optimizer_state(opt, named, step, coins):
    """SeqLab's trainer state: optim.step, optim.<param>.<key>, and its dropout stream (SeqLab's masks are not drawn
    here; the teacher-forcing coin flips are, from coins)."""
    out = {"optim.step": torch.tensor([float(step)], dtype=torch.float64)}
    for name, p in named:
        for key in state_keys():
            value = opt.state[p].get(key)
            out["optim.%s.%s" % (name, key)] = (value if value is not None else torch.zeros_like(p)).detach().flatten()
    out["trainer.rng"] = torch.tensor(coins.s + [0, 0], dtype=torch.float64)
    return out


def load_optimizer_state(opt, named, state, coins):
    step = int(state["optim.step"][0])
    coins.s = [int(w) for w in state["trainer.rng"][:4].tolist()]
    for name, p in named:
        st = {key: state["optim.%s.%s" % (name, key)].to(p.device, p.dtype).reshape(p.shape).clone() for key in state_keys()}
        if TRAIN["optimizer"]["type"] != "sgd":
            st["step"] = torch.tensor(float(step))
        opt.state[p] = st
    return step


# ---------------------------------------------------------------- one update

class Diverged(Exception):
    pass


def share(ids, ctx):
    """This process's contiguous share of a global batch, and its weight (0 for a stand-in row when the batch has
    fewer rows than there are processes: every process must take part in every gradient exchange)."""
    per = -(-len(ids) // ctx.world)
    mine = ids[ctx.rank * per:(ctx.rank + 1) * per]
    return (mine, 1.0) if mine else (ids[:1], 0.0)


def all_sum(value, ctx):
    if ctx.world == 1:
        return value
    dist.all_reduce(value)
    return value


def forward_backward(net, model, batch, ctx, want_flow):
    """Forward, loss and backward over the whole batch in chunks of tbptt steps (state carried, graph cut between
    chunks). Gradients are exchanged once, after the last chunk. Returns the loss sum and the squared flow."""
    inputs, lengths, targets, T, count, weight = batch
    k = TRAIN["tbptt"]
    chunk = T if k is None or k >= T else k
    starts = list(range(0, T, chunk))
    state = model.initial_state(lengths.shape[0])
    total = torch.zeros((), dtype=torch.float64, device=ctx.device)
    flow = torch.zeros(T, dtype=torch.float64, device=ctx.device) if want_flow else None
    scale = ctx.world * weight / count  # DDP averages over processes; each holds part of one global mean
    for n, s in enumerate(starts):
        sync = ctx.world == 1 or n == len(starts) - 1
        with (contextlib.nullcontext() if sync else net.no_sync()):
            part = inputs if len(starts) == 1 else inputs[:, s:s + chunk]  # seq2seq inputs: a tuple, never chunked
            logits, rows, state, hs = net(part, lengths, s, state, want_flow)
            terms = loss_sum(logits, targets[:, s:s + chunk] if PER_STEP else targets, rows)
            (terms * scale).backward()
        total += terms.detach().double() * weight
        if want_flow and scale:
            # h.grad is scale * d(terms)/dh; the flow SeqLab plots is d(mean loss)/dh = d(terms)/dh / count
            for direction in hs:
                for t, h in enumerate(direction):
                    if h.grad is not None:
                        flow[s + t] += (h.grad.double() / (scale * count)).pow(2).sum()
        state = [[(h.detach(), None if c is None else c.detach()) for h, c in layer] for layer in state]
    return total, flow


def coin_flips(rows, ids, coins):
    """Whether each decoder step after the first is teacher-forced (train.teacherForcing < 1): one draw of SeqLab's
    dropout stream per step of the global batch's longest target, as SeqLab draws them; None: every step is."""
    ratio = TRAIN.get("teacherForcing", 1)
    if ratio == 1:
        return None
    return [coins.uniform() < ratio for _ in range(max(rows.target_lengths[i] for i in ids) - 1)]


def train_step(net, model, opt, named, rows, ids, step, ctx, coins):
    """One optimizer update on the global batch ids. Returns SeqLab's step record (and the gradient flow)."""
    T, count = max(rows.lengths[i] for i in ids), term_count(rows, ids)
    mine, weight = share(ids, ctx)
    inputs, lengths, targets = make_batch(rows, mine, T, ctx.device, ctx.dtype)
    if SEQ2SEQ:
        inputs = inputs[:2] + (coin_flips(rows, ids, coins),)
    opt.zero_grad(set_to_none=False)
    want_flow = every(RUN["gradFlowEvery"], step + 1)
    total, flow = forward_backward(net, model, (inputs, lengths, targets, T, count, weight), ctx, want_flow)
    loss = float(all_sum(total, ctx)) / count
    if not math.isfinite(loss):
        raise Diverged("the loss is %s" % loss)
    norms = [float(p.grad.detach().double().norm()) for _, p in named]
    for (name, _), n in zip(named, norms):
        if not math.isfinite(n):
            raise Diverged("the gradient of %s is not finite (norm %s)" % (name, n))
    grad_norm = math.sqrt(sum(n * n for n in norms))
    params = [p for _, p in named]
    clip = TRAIN["clip"]
    if clip["maxNorm"] is not None:
        torch.nn.utils.clip_grad_norm_(params, clip["maxNorm"])
    if clip["maxValue"] is not None:
        torch.nn.utils.clip_grad_value_(params, clip["maxValue"])
    clipped = grad_norm
    if clip["maxNorm"] is not None or clip["maxValue"] is not None:
        clipped = math.sqrt(sum(float(p.grad.detach().double().norm()) ** 2 for p in params))
    lr = learning_rate(TRAIN["schedule"], TRAIN["optimizer"]["lr"], step)
    for group in opt.param_groups:
        group["lr"] = lr
    opt.step()
    record = {"kind": "step", "step": step + 1, "loss": loss, "gradNorm": grad_norm, "gradNormClipped": clipped,
              "paramGradNorms": {name: n for (name, _), n in zip(named, norms)}, "lr": lr}
    flow_norms = all_sum(flow, ctx).sqrt().tolist() if want_flow else None
    return record, flow_norms


def every(n, step):
    return n > 0 and step % n == 0
`;
