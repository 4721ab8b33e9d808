// The shared-memory protocol between a synchronous backend and the GPU thread that runs its ops (./client.ts,
// ./server.ts). Two SharedArrayBuffers: `control`, fixed, holds the state word the two sides wait on, a heartbeat,
// the op and its scalar arguments, and a text area (errors, the start-up report); `data` holds the op's buffers, one
// after the other in float32 words, and is replaced by a larger one when a call needs more.
// Everything an op needs is in its table row (../../backendOps.ts): buffer lengths follow from its sizes, so only
// the sizes, flags, choices and each buffer's offset (−1 for a null mask or counts) are sent.
import type { Activation } from '../../backend';
import { OPS, SEQUENCE_OPS, requiredLength, roleIn, type AnyOpSpec } from '../../backendOps';

/** The state word: who holds the shared memory now. */
export const State = {
  /** The GPU thread is loading WebGPU and asking for an adapter. */
  starting: 0,
  /** Start-up done; the text area holds the adapter report (JSON). */
  ready: 1,
  /** Start-up failed; the text area says why. */
  unavailable: 2,
  /** A call is in shared memory for the GPU thread. */
  request: 3,
  /** The GPU thread has written the call's results. */
  done: 4,
  /** The call failed; the text area holds the error. */
  failed: 5,
  /** The GPU thread has ended; the text area says why. */
  dead: 6,
  /** The backend asks the GPU thread to release the device and end. */
  closing: 7,
  /** The GPU thread has released everything; it makes no more WebGPU calls. */
  closed: 8,
} as const;

const STATE = 0;
const HEARTBEAT = 1;
const OP = 2;
const TEXT_BYTES = 3;
const ARGS = 4;
const MAX_ARGS = 24;
const TEXT_AT = (ARGS + MAX_ARGS) * 4;
const TEXT_MAX = 8192;
export const CONTROL_BYTES = TEXT_AT + TEXT_MAX;

const OP_LIST: AnyOpSpec[] = [...Object.values(OPS), ...Object.values(SEQUENCE_OPS)];

export function controlWords(control: SharedArrayBuffer): Int32Array {
  return new Int32Array(control, 0, ARGS + MAX_ARGS);
}

/** Sets the state and wakes the other side. */
export function signal(control: Int32Array, state: number): void {
  Atomics.store(control, STATE, state);
  Atomics.notify(control, STATE);
}

export function stateOf(control: Int32Array): number {
  return Atomics.load(control, STATE);
}

/** The GPU thread counts this up while its event loop runs, so a waiting side can tell a busy thread from a stuck one. */
export function beat(control: Int32Array): void {
  Atomics.add(control, HEARTBEAT, 1);
}

/** Writes `text` (cut to the text area's size) and sets `state`. */
export function signalText(buffer: SharedArrayBuffer, state: number, text: string): void {
  const bytes = new TextEncoder().encode(text).subarray(0, TEXT_MAX);
  new Uint8Array(buffer, TEXT_AT, TEXT_MAX).set(bytes);
  const control = controlWords(buffer);
  control[TEXT_BYTES] = bytes.length;
  signal(control, state);
}

export function readText(buffer: SharedArrayBuffer): string {
  const n = controlWords(buffer)[TEXT_BYTES];
  return new TextDecoder().decode(new Uint8Array(buffer, TEXT_AT, n).slice());
}

/**
 * Blocks while the state is `state`, in slices, and returns the new state. Throws when the heartbeat stops for
 * stallMs: the GPU thread's event loop is stuck or gone without saying so.
 */
export function waitWhile(control: Int32Array, state: number, stallMs: number, what: string): number {
  let beats = Atomics.load(control, HEARTBEAT);
  let since = Date.now();
  for (;;) {
    Atomics.wait(control, STATE, state, 250);
    // Only a changed state ends the wait: a wake-up alone can be the late notify of the previous call's signal (the
    // GPU thread stored `done`, this side saw it and sent the next request before that notify arrived).
    const current = stateOf(control);
    if (current !== state) return current;
    const now = Atomics.load(control, HEARTBEAT);
    if (now !== beats) {
      beats = now;
      since = Date.now();
    } else if (Date.now() - since > stallMs) {
      throw new Error(`${what}: the GPU thread has not run for ${stallMs} ms (no heartbeat); it is stuck or gone`);
    }
  }
}

/** Where each buffer argument of a call goes in `data` (float32 words; −1 for a null mask or counts), and the words needed. */
export function layout(op: AnyOpSpec, argv: ArrayLike<unknown>): { offsets: number[]; words: number } {
  const offsets: number[] = [];
  let words = 0;
  op.args.forEach((a, i) => {
    const isData = a.kind === 'buf' || a.kind === 'mask' || a.kind === 'counts';
    if (!isData || argv[i] === null) {
      offsets.push(-1);
      return;
    }
    offsets.push(words);
    words += requiredLength(op, argv, i);
  });
  return { offsets, words };
}

/** Puts a checked call into shared memory: its scalars in control, the buffers the GPU thread reads into data. */
export function encodeCall(op: AnyOpSpec, argv: ArrayLike<unknown>, offsets: number[], control: Int32Array, data: SharedArrayBuffer): void {
  if (op.args.length > MAX_ARGS) throw new Error(`gpu thread wire: ${op.name} has more than ${MAX_ARGS} arguments`);
  control[OP] = OP_LIST.indexOf(op);
  op.args.forEach((a, i) => {
    const v = argv[i];
    if (a.kind === 'size') control[ARGS + i] = v as number;
    else if (a.kind === 'flag') control[ARGS + i] = v ? 1 : 0;
    else if (a.kind === 'choice') control[ARGS + i] = a.values.indexOf(v as Activation);
    else control[ARGS + i] = offsets[i];
    if (offsets[i] < 0 || (a.kind === 'buf' && writtenWhole(op, argv, i))) return;
    const src = v as Float32Array | Int32Array;
    const n = requiredLength(op, argv, i);
    const dst = src instanceof Int32Array ? new Int32Array(data, offsets[i] * 4, n) : new Float32Array(data, offsets[i] * 4, n);
    dst.set(src.subarray(0, n));
  });
}

/** True for an output the op overwrites entirely, whose old values the GPU thread need not see. */
function writtenWhole(op: AnyOpSpec, argv: ArrayLike<unknown>, i: number): boolean {
  return roleIn(op, argv, i) === 'out' && op.args[i].blocks === null;
}

/** The GPU thread's side: the call in shared memory, with views into data for its buffers. */
export function decodeCall(control: Int32Array, data: SharedArrayBuffer): { op: AnyOpSpec; argv: unknown[] } {
  const op = OP_LIST[control[OP]];
  if (!op) throw new Error(`gpu thread wire: unknown op index ${control[OP]}`);
  const argv: unknown[] = op.args.map((a, i) => {
    const v = control[ARGS + i];
    if (a.kind === 'size') return v;
    if (a.kind === 'flag') return v === 1;
    if (a.kind === 'choice') return a.values[v];
    return v < 0 ? null : v;
  });
  // Buffer lengths follow from the sizes, which are all decoded now.
  op.args.forEach((a, i) => {
    if (argv[i] === null || typeof argv[i] !== 'number' || a.kind === 'size' || a.kind === 'flag' || a.kind === 'choice') return;
    const n = requiredLength(op, argv, i);
    argv[i] = a.kind === 'counts' ? new Int32Array(data, (argv[i] as number) * 4, n) : new Float32Array(data, (argv[i] as number) * 4, n);
  });
  return { op, argv };
}

/** Copies every buffer the call writes from data back into the caller's buffers. */
export function copyResults(op: AnyOpSpec, argv: ArrayLike<unknown>, offsets: number[], data: SharedArrayBuffer): void {
  op.args.forEach((a, i) => {
    if (a.kind !== 'buf' || a.role === 'in') return;
    const n = requiredLength(op, argv, i);
    (argv[i] as Float32Array).set(new Float32Array(data, offsets[i] * 4, n));
  });
}
