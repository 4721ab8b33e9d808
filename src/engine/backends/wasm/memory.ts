// The WASM backend's linear memory: a shared WebAssembly.Memory (growing it never detaches existing
// Float32Array views, unlike a non-shared memory), a bump allocator for the arrays alloc() hands out,
// and a per-call staging arena that copies arrays living outside WASM memory in and out of a kernel call.

const PAGE = 65536;
/** Byte addresses below this are never handed out, so a kernel can read address 0 as "no mask". */
const HEAP_START = 1024;

export class WasmMemory {
  readonly memory: WebAssembly.Memory;
  private top = HEAP_START;
  /** Every SharedArrayBuffer this memory has exposed: views made before a grow keep the older object. */
  private readonly buffers: ArrayBufferLike[] = [];
  private current: ArrayBufferLike;
  /** The whole current buffer as Int32, for staging counts without a new view per call. */
  private int32: Int32Array;

  constructor(readonly maximumPages: number) {
    this.memory = new WebAssembly.Memory({ initial: 16, maximum: maximumPages, shared: true });
    this.current = this.memory.buffer;
    this.buffers.push(this.current);
    this.int32 = new Int32Array(this.current);
  }

  /** True when a is an Int32Array inside this memory. */
  ownsInt32(a: Int32Array): boolean {
    return a.buffer === this.current || this.buffers.includes(a.buffer);
  }

  /** Copies a into the memory at a 4-byte-aligned address. */
  writeInt32(address: number, a: Int32Array): void {
    this.int32.set(a, address / 4); // not >> 2: addresses pass 2^31 in a memory over 2 GiB
  }

  /** True when buf is a Float32Array inside this memory, so kernels can use its byteOffset directly. */
  owns(buf: ArrayBufferView): boolean {
    if (!(buf instanceof Float32Array)) return false;
    const b = buf.buffer;
    return b === this.current || this.buffers.includes(b);
  }

  /** Reserves bytes (16-byte aligned) and returns the address, or -1 when the memory cannot grow that far. */
  reserve(bytes: number): number {
    const start = this.top;
    const end = start + ((bytes + 15) & ~15);
    if (end > this.current.byteLength) {
      const have = this.current.byteLength / PAGE;
      const needPages = Math.ceil(end / PAGE);
      if (needPages > this.maximumPages) return -1;
      // Grow geometrically so a model's many small allocations cost few grows (and few buffer objects).
      const pages = Math.min(this.maximumPages, Math.max(needPages, have * 2)) - have;
      try {
        this.memory.grow(pages);
      } catch {
        return -1;
      }
      this.current = this.memory.buffer;
      this.buffers.push(this.current);
      this.int32 = new Int32Array(this.current);
    }
    this.top = end;
    return start;
  }

  view(address: number, length: number): Float32Array {
    return new Float32Array(this.current, address, length);
  }

}

type AnyBuf = Float32Array | Float64Array;

/**
 * Gives each kernel argument a byte address. Arrays already in WASM memory pass through untouched
 * (the hot path: no copying, no allocation); others are copied into a scratch arena, and those the
 * kernel writes are copied back by finish().
 */
export class Staging {
  private arena = 0;
  private arenaBytes = 0;
  private used = 0;
  // Fixed-capacity records of foreign outputs to copy back (no per-call allocation).
  private readonly backBufs: (AnyBuf | null)[] = new Array<AnyBuf | null>(8).fill(null);
  private readonly backAddr = new Int32Array(8);
  private readonly backLen = new Int32Array(8);
  private backCount = 0;
  constructor(private readonly mem: WasmMemory) {}

  /** Starts a kernel call. */
  begin(): void {
    this.used = 0;
    this.backCount = 0;
  }

  /** Address of an input the kernel only reads. */
  input(a: AnyBuf): number {
    if (this.mem.owns(a)) return a.byteOffset;
    return this.copyIn(a);
  }

  /** Address of an array the kernel overwrites completely. */
  output(a: AnyBuf): number {
    if (this.mem.owns(a)) return a.byteOffset;
    const at = this.take(a.length);
    this.remember(a, at);
    return at;
  }

  /** Address of an array the kernel reads and writes (accumulators, partially written gate blocks). */
  inout(a: AnyBuf): number {
    if (this.mem.owns(a)) return a.byteOffset;
    const at = this.copyIn(a);
    this.remember(a, at);
    return at;
  }

  /** Mask address, 0 for null (the kernels read 0 as "every row valid"). */
  mask(m: Float32Array | null): number {
    return m === null ? 0 : this.input(m);
  }

  /** Address of per-row counts (Int32, only read), 0 for null (the kernels read 0 as "no counts"). */
  counts(c: Int32Array | null): number {
    if (c === null) return 0;
    if (this.mem.ownsInt32(c)) return c.byteOffset;
    const at = this.take(c.length);
    this.mem.writeInt32(at, c);
    return at;
  }

  /** Copies foreign outputs back; call after the kernel returns. */
  finish(): void {
    for (let i = 0; i < this.backCount; i++) {
      const dst = this.backBufs[i]!;
      dst.set(this.mem.view(this.backAddr[i], this.backLen[i]));
      this.backBufs[i] = null;
    }
    this.backCount = 0;
  }

  private take(length: number): number {
    const bytes = (length * 4 + 15) & ~15;
    if (this.used + bytes > this.arenaBytes) {
      // A fresh, larger arena. The old one is abandoned but not reused, so addresses already handed
      // out in this call stay valid.
      const size = Math.max(bytes, this.arenaBytes * 2, 1 << 16);
      const at = this.mem.reserve(size);
      if (at < 0) throw new RangeError(`wasm backend: out of WebAssembly memory while staging a ${length}-element array from outside WASM memory`);
      this.arena = at;
      this.arenaBytes = size;
      this.used = 0;
    }
    const at = this.arena + this.used;
    this.used += bytes;
    return at;
  }

  private copyIn(a: AnyBuf): number {
    const at = this.take(a.length);
    this.mem.view(at, a.length).set(a);
    return at;
  }

  private remember(a: AnyBuf, at: number): void {
    if (this.backCount === this.backBufs.length) throw new Error('wasm backend: too many non-WASM outputs in one call');
    this.backBufs[this.backCount] = a;
    this.backAddr[this.backCount] = at;
    this.backLen[this.backCount] = a.length;
    this.backCount++;
  }
}
