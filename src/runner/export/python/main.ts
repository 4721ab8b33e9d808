// The head and the tail of train.py: what it is and how to run it, imports (with the message for a missing torch),
// the command line, devices and processes, evaluation and probes as SeqLab records them (evaluate.ts, run.ts),
// and the run itself: start or resume, the loop, checkpoints and the summary, written by rank 0 only.
export const HEADER_PY = String.raw`#!/usr/bin/env python3
"""A SeqLab experiment exported to plain PyTorch (no SeqLab needed to run it; see README.md).

  python3 train.py                             one process: the GPU when there is one, else the CPU
  torchrun --standalone --nproc_per_node=4 train.py    DDP over 4 GPUs (or 4 CPU processes, gloo)

It trains the model of model.py from init.safetensors on the rows in data/, in SeqLab's order, and writes a SeqLab run
folder (.seqlab/runs/<run-id>/ next to this file, or --runs-dir) that SeqLab's dashboard and "seqlab report" open.
"""
import argparse
import array
import contextlib
import json
import math
import mmap
import os
import re
import signal
import struct
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

try:
    import torch
    import torch.distributed as dist
    import torch.nn.functional as F
except ImportError:
    sys.exit("train.py: PyTorch is not installed for %s: install it (pip install torch, or on Debian and Ubuntu "
             "apt install python3-torch) and run again" % sys.executable)

from model import Model

HERE = Path(__file__).resolve().parent
EXP = json.loads((HERE / "seqlab-export.json").read_text(encoding="utf-8"))
SPEC, TRAIN, RUN, DATA = EXP["model"], EXP["train"], EXP["run"], EXP["data"]
INPUT, TARGET, ONE_HOT = DATA["input"], DATA["target"], DATA["oneHot"]
SEQ2SEQ = TARGET["kind"] == "sequence"  # target token sequences (model.decoder)
PER_STEP = TARGET.get("perStep", False)
Y_WIDTH = 1 if TARGET["kind"] in ("class", "sequence") else TARGET["size"]
EVAL_BATCH = 256


def log(message):
    print("train.py: " + message, file=sys.stderr, flush=True)


def fail(message):
    log(message)
    sys.exit(2)
`;

export const MAIN_PY = String.raw`

# ---------------------------------------------------------------- processes, devices

class Context:
    """This process: its rank among world processes, its device and dtype."""

    def __init__(self, args):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.device = pick_device(args.device, int(os.environ.get("LOCAL_RANK", "0")))
        self.dtype = torch.float64 if args.dtype == "float64" else torch.float32
        if RUN["batchSize"] % self.world != 0:
            fail("the batch size %d does not divide among %d processes: run a number of processes that divides it "
                 "(e.g. --nproc_per_node=%d), or change train.batchSize in the SeqLab config and export again"
                 % (RUN["batchSize"], self.world, max(d for d in range(1, self.world + 1) if RUN["batchSize"] % d == 0)))
        if self.world > 1:
            if self.device.type == "cuda":
                torch.cuda.set_device(self.device)  # NCCL's collectives run on the current device
            dist.init_process_group("nccl" if self.device.type == "cuda" else "gloo")
        self.leader = self.rank == 0


def pick_device(name, local_rank):
    if name == "auto":
        return torch.device("cuda", local_rank) if torch.cuda.is_available() else torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            fail("--device %s asks for CUDA, but this PyTorch (%s) sees no CUDA device: use --device cpu, or a machine "
                 "and a PyTorch build with CUDA" % (name, torch.__version__))
        device = torch.device("cuda", local_rank) if name == "cuda" else torch.device(name)
        if device.index is not None and device.index >= torch.cuda.device_count():
            fail("%s does not exist: this machine has %d CUDA device(s)" % (device, torch.cuda.device_count()))
        return device
    return torch.device(name)


def parse_args():
    p = argparse.ArgumentParser(description="Train %s (exported from SeqLab). See README.md." % RUN["name"])
    p.add_argument("--steps", type=int, default=RUN["steps"], help="optimizer updates to reach (default %d)" % RUN["steps"])
    p.add_argument("--device", default="auto", help="auto (this process's GPU when there is one, else CPU), cpu, cuda or cuda:N")
    p.add_argument("--runs-dir", default=str(HERE / ".seqlab" / "runs"), help="where the run folder goes (default: .seqlab/runs here)")
    p.add_argument("--resume", metavar="RUN_DIR", help="continue this run folder from its newest checkpoint")
    p.add_argument("--init", metavar="CHECKPOINT", help="start from these parameters instead of init.safetensors")
    p.add_argument("--dtype", choices=["float32", "float64"], default=RUN["dtype"], help="default: %s" % RUN["dtype"])
    args = p.parse_args()
    if args.steps < 1:
        p.error("--steps must be at least 1")
    return args


def load_params(model, path):
    """Loads a state_dict file: every name must match and every shape agree."""
    tensors, _ = read_safetensors(path)
    own = model.state_dict()
    missing, unexpected = [k for k in own if k not in tensors], [k for k in tensors if k not in own]
    if missing or unexpected:
        fail("%s does not match the model: missing %s, unexpected %s" % (path, missing or "none", unexpected or "none"))
    for k, v in own.items():
        if tuple(tensors[k].shape) != tuple(v.shape):
            fail("%s: %s has shape %s, the model expects %s" % (path, k, list(tensors[k].shape), list(v.shape)))
    model.load_state_dict({k: tensors[k].to(v.dtype) for k, v in own.items()})


# ---------------------------------------------------------------- evaluation and probes

@torch.no_grad()
def evaluate(model, rows, ctx):
    """Mean loss over rows (in batches of 256, weighted by sequences), accuracy and the confusion matrix."""
    loss_total, right, n = 0.0, 0, 0
    classes = TARGET["kind"] == "class"
    C = len(TARGET["labels"]) if classes else 0
    matrix = [[0] * C for _ in range(C)]
    # A CSV series' forecast errors in its own units: SeqLab's rmseOriginal and maeOriginal.
    std = DATA["normalization"]["std"] if DATA["normalization"] and not classes else None
    se_units, ae_units, n_units = 0.0, 0.0, 0
    for at in range(0, len(rows), EVAL_BATCH):
        ids = list(range(at, min(len(rows), at + EVAL_BATCH)))
        lengths_all = [rows.lengths[i] for i in ids]
        inputs, lengths, targets = make_batch(rows, ids, max(lengths_all), ctx.device, ctx.dtype)
        logits, mask, _, _ = model(inputs, lengths, 0, model.initial_state(len(ids)))
        loss_total += float(loss_sum(logits, targets, mask)) / term_count(rows, ids) * len(ids)
        if std is not None:
            err = (activate(logits) - targets) * torch.tensor(std, device=logits.device, dtype=logits.dtype)
            se_units += float((err ** 2).sum())
            ae_units += float(err.abs().sum())
            n_units += err.numel()
        if classes:
            predicted = logits.argmax(-1)
            right += int(((predicted == targets) & mask).sum())
            n += int(mask.sum())
            if not PER_STEP:
                for a, p in zip(targets.tolist(), predicted.tolist()):
                    matrix[a][p] += 1
    loss = loss_total / len(rows)
    metrics = {}
    if classes:
        metrics["accuracy"] = right / n
        if DATA["source"] == "text":
            metrics["perplexity"] = math.exp(loss)
        if not PER_STEP:
            metrics["majorityAccuracy"] = max(sum(r) for r in matrix) / len(rows)
    elif TRAIN["loss"] == "mse":
        metrics["rmse"] = math.sqrt(loss)
    if std is not None:
        metrics["rmseOriginal"] = math.sqrt(se_units / n_units)
        metrics["maeOriginal"] = ae_units / n_units
    return loss, metrics, (matrix if classes and not PER_STEP else None)


def probe_records(model, rows, step, ctx):
    """What the probe sequences show, as SeqLab records it: gate traces (gates.jsonl) of recurrent cells, attention
    maps (selfattention.jsonl) of the Transformer, a decoder's alignments (attention.jsonl)."""
    ids = RUN["probes"]
    inputs, lengths, _ = make_batch(rows, ids, max(rows.lengths[i] for i in ids), ctx.device, ctx.dtype)
    out = []
    for t in model.probe(inputs, lengths):
        record = {"kind": t.pop("kind"), "step": step, "probe": t.pop("sequence")}
        record.update(alignment_tokens(t) if record["kind"] == "alignment" else t)
        out.append(record)
    return out


# ---------------------------------------------------------------- the run

def run_id(runs_dir):
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    base = "%s-%s-pytorch" % (stamp, re.sub(r"[^A-Za-z0-9=,._-]", "_", RUN["name"]))
    name, k = base, 2
    while (runs_dir / name).exists():
        name, k = "%s-%d" % (base, k), k + 1
    return name


class Run:
    """One training run: the model, its optimizer, the data stream, and (on rank 0) the run folder it writes."""

    def __init__(self, args, ctx):
        self.args, self.ctx = args, ctx
        torch.manual_seed(RUN["seed"] + ctx.rank)  # dropout masks: torch's generator, one stream per process
        self.model = Model(SPEC).to(ctx.device, ctx.dtype)
        if TRAIN["tbptt"] is not None and not self.model.supports_tbptt:
            fail("this model kind cannot train with truncated BPTT; set train.bptt to full in the SeqLab config")
        load_params(self.model, args.init or HERE / "init.safetensors")
        named = dict(self.model.named_parameters())
        self.named = [(name, named[name]) for name in EXP["parameterOrder"]]
        self.net = self.model
        if ctx.world > 1:
            self.net = torch.nn.parallel.DistributedDataParallel(self.model, device_ids=[ctx.device.index] if ctx.device.type == "cuda" else None)
        self.opt = make_optimizer([p for _, p in self.named])
        self.train_rows = Rows(HERE / "data", DATA["files"]["train"])
        self.val_rows = Rows(HERE / "data", DATA["files"]["validation"]) if DATA["files"]["validation"] else None
        self.stream = BatchStream(len(self.train_rows), RUN["batchSize"], RUN["shuffle"], RUN["seed"])
        self.coins = SeqLabRng(RUN["seed"]).fork("dropout")  # SeqLab's dropout stream: the teacher-forcing coin flips
        self.step, self.prior_wall, self.recent = 0, 0.0, []
        self.folder = None

    def start(self):
        """A new run folder, or the one to resume (its records after the checkpoint dropped)."""
        args, ctx = self.args, self.ctx
        if args.resume:
            self.folder = RunFolder(Path(args.resume).resolve())
            found = self.folder.latest_checkpoint() if (self.folder.path / "run.json").exists() else None
            if found is None:
                fail("%s has no complete checkpoint to resume from" % self.folder.path)
            params, state, meta = found
            self.model.load_state_dict({k: params[k].to(v.dtype) for k, v in self.model.state_dict().items()})
            self.step = load_optimizer_state(self.opt, self.named, state, self.coins)
            stream = json.loads(meta["stream"])
            self.stream = BatchStream(len(self.train_rows), RUN["batchSize"], RUN["shuffle"], RUN["seed"], stream["epoch"], stream["cursor"])
            self.prior_wall = float(meta.get("wallTimeSec", 0))
            self.run_id = self.folder.path.name
            if ctx.leader:
                self.folder.truncate_after(self.step)
                log("resuming %s from step %d" % (self.run_id, self.step))
            return
        runs_dir = Path(args.runs_dir).resolve()
        self.run_id = run_id(runs_dir)
        self.folder = RunFolder(runs_dir / self.run_id)
        if ctx.leader:
            info = dict(EXP["runInfo"], runId=self.run_id)
            self.folder.create(info, EXP["config"])

    def begin(self):
        self.started = time.time()
        self.summary = {"runId": self.run_id, "name": RUN["name"], "status": "running", "steps": self.step,
                        "finalLoss": None, "finalValLoss": None, "metrics": {}, "wallTimeSec": self.prior_wall,
                        "backend": "pytorch/%s %s%s" % (self.ctx.device.type, self.args.dtype, " x%d" % self.ctx.world if self.ctx.world > 1 else ""),
                        "startedAt": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"), "endedAt": None}
        if self.args.resume and (self.folder.path / "summary.json").exists():
            old = self.folder.read_json("summary.json")
            for key in ("finalLoss", "finalValLoss", "metrics", "startedAt"):
                self.summary[key] = old.get(key, self.summary[key])
        if self.ctx.leader:
            self.folder.create(None, None)
        self.publish()
        self.last_publish = time.time()

    def elapsed(self):
        return self.prior_wall + time.time() - self.started

    def publish(self):
        if self.ctx.leader:
            self.summary["wallTimeSec"] = self.elapsed()
            self.folder.summary(self.summary)

    def emit(self, record, file=None):
        if self.ctx.leader:
            self.folder.append(record, file)

    def loop(self, total):
        last_eval = -1
        if self.step == 0 and RUN["gatesEvery"] > 0:
            self.record_probes(0)
        while self.step < total:
            self.train_one(total)
            if self.after_step():
                last_eval = self.step
            if self.step < total and stop_agreed(self.ctx):
                self.save("step-%d" % self.step)
                self.summary["status"] = "stopped"
                log("stopped after step %d" % self.step)
                break
        self.finish(last_eval)

    def train_one(self, total):
        ids = self.stream.next()
        self.model.train()
        record, flow = train_step(self.net, self.model, self.opt, self.named, self.train_rows, ids, self.step, self.ctx, self.coins)
        self.step += 1
        now = self.elapsed()
        self.recent = (self.recent + [now])[-20:]
        span = self.recent[-1] - self.recent[0]
        record.update(time=now, stepsPerSec=(len(self.recent) - 1) / max(1e-9, span) if len(self.recent) > 1 else 0)
        self.summary["steps"], self.summary["finalLoss"] = self.step, record["loss"]
        if every(RUN["stepEvery"], self.step) or self.step == total or self.step == 1:
            self.emit(record)
        if flow is not None:
            self.emit({"kind": "gradflow", "step": self.step, "norms": flow})
        if time.time() - self.last_publish > 2:  # the extension's tree follows summary.json while it trains
            self.publish()
            self.last_publish = time.time()

    def after_step(self):
        if every(RUN["gatesEvery"], self.step):
            self.record_probes(self.step)
        evaluated = every(RUN["evalEvery"], self.step)
        if evaluated:
            self.record_eval(self.step)
        if every(RUN["checkpointEvery"], self.step):
            self.save("step-%d" % self.step)
            self.publish()
        return evaluated

    def record_eval(self, step):
        if not self.ctx.leader:
            return
        self.model.eval()
        views = self.val_rows if self.val_rows is not None and len(self.val_rows) else self.train_rows
        loss, metrics, matrix = (evaluate_pairs if SEQ2SEQ else evaluate)(self.model, views, self.ctx)
        if views is self.val_rows:
            metrics = dict(DATA["baselines"], **metrics)
            self.emit({"kind": "eval", "step": step, "valLoss": loss, "metrics": metrics, "time": self.elapsed()})
            self.summary["finalValLoss"], self.summary["metrics"] = loss, metrics
        if matrix is not None:
            self.emit({"kind": "confusion", "step": step, "labels": TARGET["labels"], "matrix": matrix}, "tasks.jsonl")
        if SEQ2SEQ:
            for view in pair_views(self.model, views, step, self.ctx):
                self.emit(view, "tasks.jsonl")

    def record_probes(self, step):
        if not self.ctx.leader or not RUN["probes"]:
            return
        self.model.eval()
        rows = self.val_rows if self.val_rows is not None and len(self.val_rows) else self.train_rows
        for record in probe_records(self.model, rows, step, self.ctx):
            self.emit(record)

    def save(self, label):
        if self.ctx.leader:
            params = {name: p for name, p in self.named}
            state = optimizer_state(self.opt, self.named, self.step, self.coins)
            self.folder.write_checkpoint(label, params, state, self.step, self.stream.state(), self.elapsed())

    def finish(self, last_eval):
        """A completed or stopped run ends evaluated and with a final checkpoint, as in SeqLab."""
        if last_eval != self.step:
            self.record_eval(self.step)
        self.save("final")
        if self.summary["status"] == "running":
            self.summary["status"] = "completed"
        self.summary["endedAt"] = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
        self.publish()

    def failed(self, reason):
        self.summary["status"], self.summary["reason"] = "failed", reason
        self.summary["endedAt"] = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
        self.publish()
        log(reason)


STOP = {"requested": False}


def request_stop(signum, frame):
    """Ctrl-C: stop after the current step with a checkpoint (a second Ctrl-C quits at once)."""
    if STOP["requested"]:
        raise KeyboardInterrupt
    STOP["requested"] = True
    log("stopping after the current step (Ctrl-C again to quit now)")


def stop_agreed(ctx):
    """Whether any process was asked to stop: all stop after the same step, or the others would wait forever."""
    if ctx.world == 1:
        return STOP["requested"]
    flag = torch.tensor([1.0 if STOP["requested"] else 0.0], device=ctx.device)
    dist.all_reduce(flag)
    return bool(flag.item() > 0)


def main():
    args = parse_args()
    ctx = Context(args)
    run = Run(args, ctx)
    run.start()
    run.begin()
    signal.signal(signal.SIGINT, request_stop)
    code = 0
    try:
        run.loop(args.steps)
    except Diverged as e:
        run.failed("training diverged at step %d: %s" % (run.step + 1, e))
        code = 1
    except BaseException as e:  # the run folder says why it ended before the traceback does
        run.failed("%s: %s" % (type(e).__name__, e))
        raise
    if ctx.leader:
        print(run.folder.path)
    if ctx.world > 1:
        dist.barrier()
        dist.destroy_process_group()
    return code


if __name__ == "__main__":
    sys.exit(main())
`;
