// The part of train.py that reads and writes SeqLab's files: safetensors (src/runner/safetensors.ts), atomic
// replacement (temp file, fsync, rename), and the run folder of src/runner/runDir.ts with its checkpoints
// (src/runner/checkpoints.ts), so `seqlab report`, `seqlab run --resume` and the extension read what it writes.
export const RUN_FOLDER_PY = String.raw`

# ---------------------------------------------------------------- files: safetensors, atomic writes, run folders

ST_DTYPES = {"F32": torch.float32, "F64": torch.float64, "I32": torch.int32, "I64": torch.int64}
ST_NAMES = {v: k for k, v in ST_DTYPES.items()}


def read_safetensors(path):
    """name -> tensor (memory-mapped, read lazily) and the metadata of a .safetensors file."""
    with open(path, "rb") as f:
        buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)
    n = struct.unpack("<Q", buf[:8])[0]
    header = json.loads(buf[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, e in header.items():
        dtype = ST_DTYPES[e["dtype"]]
        begin, end = e["data_offsets"]
        count = (end - begin) // torch.tensor([], dtype=dtype).element_size()
        if count == 0:
            tensors[name] = torch.empty(e["shape"], dtype=dtype)
        else:
            tensors[name] = torch.frombuffer(buf, dtype=dtype, count=count, offset=8 + n + begin).reshape(e["shape"])
    return tensors, meta


def tensor_bytes(t):
    t = t.detach().contiguous().cpu()
    try:
        return t.numpy().tobytes()
    except (RuntimeError, TypeError):  # PyTorch without NumPy
        code = {torch.float32: "f", torch.float64: "d", torch.int32: "i", torch.int64: "q"}[t.dtype]
        return array.array(code, t.flatten().tolist()).tobytes()


def write_atomic(path, data):
    """Replaces path with data so that a crash leaves the old file or the new one, never a half-written one."""
    path = Path(path)
    tmp = path.with_name("%s.tmp-%d" % (path.name, os.getpid()))
    with open(tmp, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_safetensors(path, tensors, metadata):
    header, parts, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        data = tensor_bytes(t)
        header[name] = {"dtype": ST_NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        parts.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":"))
    head += " " * ((8 - (8 + len(head.encode("utf-8"))) % 8) % 8)  # data starts 8-byte aligned
    head = head.encode("utf-8")
    write_atomic(path, struct.pack("<Q", len(head)) + head + b"".join(parts))


def dumps(value):
    return json.dumps(value, allow_nan=False, separators=(",", ":"))


class RunFolder:
    """A SeqLab run folder. Record lines are appended whole, in batches (at most FLUSH_SECONDS late, always before
    a checkpoint or summary); summary.json, run.json, config.json and checkpoints are replaced atomically."""

    FLUSH_SECONDS = 0.2
    RECORD_FILES = {"step": "metrics.jsonl", "eval": "metrics.jsonl", "gradflow": "gradflow.jsonl", "gates": "gates.jsonl",
                    "selfattention": "selfattention.jsonl", "alignment": "attention.jsonl"}
    ALL_FILES = ["metrics.jsonl", "gradflow.jsonl", "gates.jsonl", "attention.jsonl", "selfattention.jsonl", "tasks.jsonl"]

    def __init__(self, path):
        self.path = Path(path)
        self.pending = {}
        self.last_flush = time.time()

    def create(self, run_info, config):
        (self.path / "checkpoints").mkdir(parents=True, exist_ok=True)
        if run_info is not None:
            self.write_json("config.json", config)
            self.write_json("run.json", run_info)
        for name in self.ALL_FILES:
            (self.path / name).touch()

    def write_json(self, name, value):
        write_atomic(self.path / name, json.dumps(value, indent=2, allow_nan=False) + "\n")

    def read_json(self, name):
        return json.loads((self.path / name).read_text(encoding="utf-8"))

    def append(self, record, file=None):
        name = file or self.RECORD_FILES[record["kind"]]
        self.pending[name] = self.pending.get(name, "") + dumps(record) + "\n"
        if time.time() - self.last_flush >= self.FLUSH_SECONDS:
            self.flush()

    def flush(self):
        for name, text in self.pending.items():
            with open(self.path / name, "a", encoding="utf-8") as f:
                f.write(text)
        self.pending = {}
        self.last_flush = time.time()

    def summary(self, s):
        self.flush()
        self.write_json("summary.json", s)

    def truncate_after(self, step):
        """Drops records after step (and a half-written last line), as SeqLab does before resuming."""
        for name in self.ALL_FILES:
            f = self.path / name
            if not f.exists():
                continue
            keep, data = 0, f.read_bytes()
            for line in data.split(b"\n")[:-1]:
                try:
                    if json.loads(line).get("step", 0) > step:
                        break
                except ValueError:
                    break
                keep += len(line) + 1
            with open(f, "r+b") as fh:
                fh.truncate(keep)

    def checkpoint_files(self):
        """(label, params file, state file), newest first; "final" counts as the newest."""
        d = self.path / "checkpoints"
        labels = [p.name[:-len(".safetensors")] for p in d.glob("*.safetensors")
                  if re.fullmatch(r"(step-\d+|final)\.safetensors", p.name)]
        labels.sort(key=lambda l: float("inf") if l == "final" else int(l[5:]), reverse=True)
        return [(l, d / (l + ".safetensors"), d / (l + ".state.safetensors")) for l in labels]

    def write_checkpoint(self, label, params, state, step, stream, wall):
        self.flush()
        meta = {"format": "pt", "step": str(step), "stream": json.dumps(stream, separators=(",", ":")),
                "wallTimeSec": repr(float(wall))}
        d = self.path / "checkpoints"
        write_safetensors(d / (label + ".safetensors"), params, meta)
        write_safetensors(d / (label + ".state.safetensors"), state, meta)

    def latest_checkpoint(self):
        """The newest checkpoint whose two halves read back and agree, or None."""
        for label, params_file, state_file in self.checkpoint_files():
            try:
                params, meta = read_safetensors(params_file)
                state, smeta = read_safetensors(state_file)
                if meta.get("step") != smeta.get("step"):
                    raise ValueError("its two files are from different steps")
                return params, state, smeta
            except (OSError, ValueError, KeyError) as e:
                log("checkpoint %s cannot be used (%s); trying the one before it" % (label, e))
        return None
`;
