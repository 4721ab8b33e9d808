// The synchronous side of a backend whose ops run on a GPU thread (gpu.js:webgpu): each op is checked here, its
// operands copied into shared memory (./wire.ts), the thread told, and this thread blocks (Atomics.wait) until the
// results are there; then they are copied into the caller's buffers. That is how an asynchronous WebGPU device
// serves the synchronous Backend contract.
// Every op copies its operands up and its results back, as the other GPU.js modes do; the sequence ops (a recurrent
// direction's whole forward or backward pass in one call, backend.ts SequenceOps) keep what lies between their kernels
// on the GPU, so a direction costs two round trips per training step instead of several per time step.
import type { Backend, BackendInfo } from '../../backend';
import { checkArgs, implementOps, implementSequenceOps, type AnyOpSpec } from '../../backendOps';
import { State, controlWords, copyResults, encodeCall, layout, readText, signal, waitWhile } from './wire';

/** How this side reaches the GPU thread; the host (src/runner/backends) spawns the thread and implements it. */
export interface GpuThreadLink {
  /** The control memory both sides share (wire.ts's CONTROL_BYTES). */
  readonly control: SharedArrayBuffer;
  /** Tells the GPU thread a request is in shared memory; `data` goes along when it is new to the thread. */
  send(data: SharedArrayBuffer | null): void;
  /** Asks the GPU thread to release the device and end (it signals closed). */
  close(): void;
  /** Ends the GPU thread at once, for one that does not answer. */
  terminate(): void;
}

export interface GpuThreadBackend extends Backend {
  /** Ends the GPU thread; the backend must not be used afterwards. */
  destroy(): void;
}

/** Options: stallMs, how long the GPU thread may go without a heartbeat before a waiting op gives up. */
export function createGpuThreadBackend(link: GpuThreadLink, info: BackendInfo, opts: { stallMs: number }): GpuThreadBackend {
  const control = controlWords(link.control);
  const label = `${info.name}:${info.mode}`;
  let data = new SharedArrayBuffer(1 << 16);
  let dataIsNew = true;
  let ended: Error | null = null;

  const call = (op: AnyOpSpec, argv: unknown[]): void => {
    if (ended) throw ended;
    checkArgs(info.name, op, argv, true);
    const { offsets, words } = layout(op, argv);
    if (words * 4 > data.byteLength) {
      data = new SharedArrayBuffer(Math.max(words * 4, 2 * data.byteLength));
      dataIsNew = true;
    }
    encodeCall(op, argv, offsets, control, data);
    signal(control, State.request);
    link.send(dataIsNew ? data : null);
    dataIsNew = false;
    let state: number;
    try {
      state = waitWhile(control, State.request, opts.stallMs, `${label} ${op.name}`);
    } catch (e) {
      ended = e as Error;
      throw e;
    }
    if (state === State.done) return copyResults(op, argv, offsets, data);
    const text = readText(link.control);
    if (state === State.failed) throw new Error(`${label} ${op.name} failed on the GPU thread: ${text}`);
    ended = new Error(`${label}: the GPU thread has ended (${text}); the run cannot continue on this backend`);
    throw ended;
  };

  return {
    info,
    ...implementOps((op) => (...argv: unknown[]) => call(op, argv)),
    sequence: implementSequenceOps((op) => (...argv: unknown[]) => call(op, argv)),
    alloc: (n) => new Float32Array(n),
    // Waits until the GPU thread has let go of the device: a thread torn down while it still calls into Dawn (when
    // the training worker ends right after the run) can abort the whole process.
    destroy() {
      if (ended) return link.terminate();
      ended = new Error(`${label}: the backend was destroyed`);
      signal(control, State.closing);
      link.close();
      try {
        waitWhile(control, State.closing, opts.stallMs, `${label} close`);
      } catch {
        link.terminate();
      }
    },
  };
}
