// The part of train.py that reads the exported data (shards written by export/dataShards.ts) and walks it in SeqLab's
// order: src/engine/rng.ts's generator, ported exactly, reproduces BatchStream's shuffled epochs
// (src/runner/data/batches.ts), so a shuffled run sees the same batches in PyTorch as in SeqLab.
export const DATA_PY = String.raw`

# ---------------------------------------------------------------- data: shards, SeqLab's batch order

M32 = 0xFFFFFFFF


class SeqLabRng:
    """SeqLab's generator (xoshiro128** seeded through splitmix32, streams forked by label), for its shuffles and
    the teacher-forcing coin flips."""

    def __init__(self, seed):
        self.seed = seed & M32
        s, words = self.seed, []
        for _ in range(4):
            s = (s + 0x9E3779B9) & M32
            z = ((s ^ (s >> 16)) * 0x85EBCA6B) & M32
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M32
            words.append((z ^ (z >> 16)) & M32)
        self.s = words if any(words) else [1, 0, 0, 0]

    def fork(self, label):
        h = (0x811C9DC5 ^ self.seed) & M32
        for ch in label:
            h = ((h ^ ord(ch)) * 0x01000193) & M32
        return SeqLabRng(h)

    def next_uint32(self):
        s = self.s
        x = (s[1] * 5) & M32
        result = ((((x << 7) | (x >> 25)) & M32) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = ((s[3] << 11) | (s[3] >> 21)) & M32
        return result

    def uniform(self):
        """Uniform in [0, 1) with 53 random bits."""
        hi = self.next_uint32() >> 5
        lo = self.next_uint32() >> 6
        return (hi * 67108864 + lo) / 9007199254740992

    def int(self, n):
        limit = 2 ** 32 - (2 ** 32 % n)
        while True:
            v = self.next_uint32()
            if v < limit:
                return v % n

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.int(i + 1)
            items[i], items[j] = items[j], items[i]
        return items


class Rows:
    """The sequences of one split, read from its shards: data/<split>-00000.safetensors, ... Each shard holds
    lengths [n] and, concatenated over its rows, x [steps, features] or tokens [steps], and y (targets); with target
    token sequences also target_lengths [n]."""

    def __init__(self, folder, files):
        self.lengths, self.target_lengths, self.inputs, self.targets, self.index = [], [], [], [], []
        for name in files:
            t, _ = read_safetensors(folder / name)
            shard = len(self.inputs)
            self.inputs.append(t["x"] if "x" in t else t["tokens"])
            self.targets.append(t["y"])
            lengths = t["lengths"].tolist()
            widths = t["target_lengths"].tolist() if SEQ2SEQ else [n * Y_WIDTH if PER_STEP else Y_WIDTH for n in lengths]
            x_at = y_at = 0
            for n, ny in zip(lengths, widths):
                self.index.append((shard, x_at, y_at, n, ny))
                x_at += n
                y_at += ny
            self.lengths += lengths
            self.target_lengths += widths

    def __len__(self):
        return len(self.index)

    def row(self, i):
        shard, x_at, y_at, n, ny = self.index[i]
        return self.inputs[shard][x_at:x_at + n], self.targets[shard][y_at:y_at + ny], n


class BatchStream:
    """SeqLab's training order: batches of batch_size rows, epoch after epoch, each epoch shuffled by the seed
    (or in file order); the last batch of an epoch may be smaller. state() / the constructor resume it exactly."""

    def __init__(self, count, batch_size, shuffle, seed, epoch=0, cursor=0):
        self.count, self.batch_size, self.shuffle, self.seed = count, batch_size, shuffle, seed
        self.epoch, self.cursor = epoch, cursor
        self.order = self.epoch_order(epoch)

    def epoch_order(self, epoch):
        order = list(range(self.count))
        return SeqLabRng(self.seed).fork("shuffle:%d" % epoch).shuffle(order) if self.shuffle else order

    def next(self):
        if self.cursor >= self.count:
            self.epoch, self.cursor = self.epoch + 1, 0
            self.order = self.epoch_order(self.epoch)
        end = min(self.count, self.cursor + self.batch_size)
        out = self.order[self.cursor:end]
        self.cursor = end
        return out

    def state(self):
        return {"epoch": self.epoch, "cursor": self.cursor}


def make_batch(rows, ids, T, device, dtype):
    """Padded batch-first tensors of the given rows, T steps long: inputs, lengths and targets."""
    if SEQ2SEQ:
        return pair_batch(rows, ids, T, device)
    B = len(ids)
    lengths = torch.zeros(B, dtype=torch.long)
    if INPUT["kind"] == "float" or ONE_HOT:
        width = INPUT["size"] if INPUT["kind"] == "float" else len(INPUT["vocab"])
        inputs = torch.zeros(B, T, width, dtype=dtype)
    else:
        inputs = torch.zeros(B, T, dtype=torch.long)
    y_class = TARGET["kind"] == "class"
    y_shape = ((B, T) if PER_STEP else (B,)) if y_class else ((B, T, Y_WIDTH) if PER_STEP else (B, Y_WIDTH))
    targets = torch.full(y_shape, -1, dtype=torch.long) if y_class else torch.zeros(y_shape, dtype=dtype)
    for b, i in enumerate(ids):
        x, y, n = rows.row(i)
        lengths[b] = n
        if INPUT["kind"] == "tokens" and ONE_HOT:
            inputs[b, torch.arange(n), x.long()] = 1
        else:
            inputs[b, :n] = x.to(inputs.dtype)
        if PER_STEP:
            targets[b, :n] = y.reshape(targets[b, :n].shape).to(targets.dtype)
        else:
            targets[b] = y.reshape(targets[b].shape).to(targets.dtype)
    return inputs.to(device), lengths.to(device), targets.to(device)


def pair_batch(rows, ids, T, device):
    """Source-target pairs: inputs (source ids [B, T], target ids [B, U] padded with -1, None: every decoder step
    teacher-forced), source lengths, and the target ids again as the targets."""
    B, U = len(ids), max(rows.target_lengths[i] for i in ids)
    src = torch.zeros(B, T, dtype=torch.long)
    y = torch.full((B, U), -1, dtype=torch.long)
    lengths = torch.zeros(B, dtype=torch.long)
    for b, i in enumerate(ids):
        x, tokens, n = rows.row(i)
        lengths[b] = n
        src[b, :n] = x.long()
        y[b, :len(tokens)] = tokens.long()
    src, y = src.to(device), y.to(device)
    return (src, y, None), lengths.to(device), y
`;
