// The contract of every Backend op as data: its positional arguments in order, and for each buffer its required
// length in terms of the op's sizes and its role. The WASM and GPU.js adapters validate, stage and write back from
// this table, so an op's shape is written down once; `satisfies` below checks it against backend.ts's signatures.

import type { Activation, Backend, Buf, SequenceOps } from './backend';

export type OpName = Exclude<keyof Backend, 'info' | 'alloc' | 'destroy' | 'sequence'>;
export type SequenceOpName = keyof SequenceOps;

/**
 * in: only read. out: overwritten (only `blocks` of each row when given; the other blocks keep their values).
 * inout: read, then written (state updated in place; or read in some blocks and written in others).
 * acc: the op adds what it computes into it (sums and gradient accumulators).
 */
export type Role = 'in' | 'out' | 'inout' | 'acc';

/** Gate blocks [from, to) of the `of` blocks of H values in each of B rows (ops sized (B, H)). */
interface Blocks {
  readonly from: number;
  readonly to: number;
  readonly of: number;
}

type Kind = 'size' | 'flag' | 'choice' | 'mask' | 'counts' | 'buf';

/** One positional argument as the table states it. Every argument has every field, so all share one object shape. */
interface ArgSpec<K extends Kind = Kind> {
  readonly kind: K;
  readonly name: string;
  /** buf: its role; 'in' for the rest (a mask is read). */
  readonly role: Role;
  /** buf: the values it needs, a product of the op's sizes and a number ("4*B*H"); mask and counts: one per row. */
  readonly length: string;
  /** buf: the blocks an `out` or `inout` buffer has written, null for all of it. */
  readonly blocks: Blocks | null;
  /** buf: the flag under which an `out` buffer is accumulated into instead (gemm's c), '' for none. */
  readonly accumulateIf: string;
  /** size: the op sums over it, so 0 is a sum of no terms (0), not an empty result (gemm's k). */
  readonly emptySum: boolean;
  /** choice: the values it takes, passed to kernels as their index. */
  readonly values: readonly Activation[];
}

function arg<K extends Kind>(kind: K, name: string, more: Partial<Omit<ArgSpec, 'kind' | 'name'>> = {}): ArgSpec<K> {
  return { kind, name, role: 'in', length: '', blocks: null, accumulateIf: '', emptySum: false, values: [], ...more };
}
const size = (name: string) => arg('size', name);
const flag = (name: string) => arg('flag', name);
const buf = (role: Role) => (name: string, length: string, more: Pick<Partial<ArgSpec>, 'blocks' | 'accumulateIf'> = {}) =>
  arg('buf', name, { role, length, ...more });
const input = buf('in');
const output = buf('out');
const inout = buf('inout');
const acc = buf('acc');
const mask = arg('mask', 'mask');
/** An Int32Array of one count per row (softmaxRows' valid entries), or null. */
const counts = (name: string) => arg('counts', name);
const act = arg('choice', 'act', { values: ['tanh', 'relu'] });
const blocks = (from: number, to: number, of: number) => ({ blocks: { from, to, of } });

/** The kind each argument of a Backend method must have, position by position. */
type KindOf<T> = [T] extends [boolean] ? 'flag' : [T] extends [number] ? 'size' : [T] extends [Buf] ? 'buf'
  : [T] extends [Int32Array | null] ? 'counts' : [T] extends [Float32Array | null] ? 'mask' : [T] extends [Activation] ? 'choice' : never;
type ArgsOf<F> = F extends (...args: infer A) => void ? { readonly [I in keyof A]: { readonly kind: KindOf<A[I]> } } : never;

const TABLE = {
  gemm: [flag('transA'), flag('transB'), size('m'), size('n'), arg('size', 'k', { emptySum: true }),
    input('a', 'm*k'), input('b', 'k*n'), output('c', 'm*n', { accumulateIf: 'accumulate' }), flag('accumulate')],
  addRowVector: [inout('x', 'rows*n'), size('rows'), size('n'), input('v', 'n')],
  sumRows: [input('x', 'rows*n'), size('rows'), size('n'), acc('out', 'n')],
  layerNormForward: [size('rows'), size('groups'), size('H'), input('x', 'rows*groups*H'), input('gamma', 'groups*H'),
    input('beta', 'groups*H'), output('y', 'rows*groups*H'), output('mean', 'rows*groups'), output('rstd', 'rows*groups')],
  layerNormBackward: [size('rows'), size('groups'), size('H'), input('dy', 'rows*groups*H'), input('x', 'rows*groups*H'),
    input('mean', 'rows*groups'), input('rstd', 'rows*groups'), input('gamma', 'groups*H'),
    output('dx', 'rows*groups*H'), acc('dgamma', 'groups*H'), acc('dbeta', 'groups*H')],
  rnnForward: [act, size('B'), size('H'), input('xg', 'B*H'), input('hg', 'B*H'), input('hPrev', 'B*H'), mask, output('h', 'B*H')],
  rnnBackward: [act, size('B'), size('H'), input('h', 'B*H'), input('dh', 'B*H'), mask, output('dpre', 'B*H'), output('dhPrev', 'B*H')],
  lstmForward: [size('B'), size('H'), input('xg', '4*B*H'), input('hg', '4*B*H'), input('hPrev', 'B*H'), input('cPrev', 'B*H'), mask,
    output('gates', '4*B*H'), output('c', 'B*H'), output('h', 'B*H')],
  lstmBackward: [size('B'), size('H'), input('gates', '4*B*H'), input('cPrev', 'B*H'), input('c', 'B*H'), input('dh', 'B*H'),
    inout('dc', 'B*H'), mask, output('dpre', '4*B*H'), output('dhPrev', 'B*H')],
  gruForward: [size('B'), size('H'), input('xg', '3*B*H'), input('hg', '3*B*H'), input('hPrev', 'B*H'), mask,
    output('gates', '3*B*H'), output('h', 'B*H')],
  gruBackward: [size('B'), size('H'), input('gates', '3*B*H'), input('hg', '3*B*H'), input('hPrev', 'B*H'), input('dh', 'B*H'), mask,
    output('dxg', '3*B*H'), output('dhg', '3*B*H'), output('dhPrev', 'B*H')],
  gruResetBeforeGatesForward: [size('B'), size('H'), input('xg', '3*B*H'), input('hgRZ', '2*B*H'), input('hPrev', 'B*H'),
    output('gates', '3*B*H', blocks(0, 2, 3)), output('rh', 'B*H')],
  gruResetBeforeOutputForward: [size('B'), size('H'), input('xg', '3*B*H'), input('hgN', 'B*H'), input('hPrev', 'B*H'), mask,
    inout('gates', '3*B*H', blocks(2, 3, 3)), output('h', 'B*H')],
  gruResetBeforeOutputBackward: [size('B'), size('H'), input('gates', '3*B*H'), input('hPrev', 'B*H'), input('dh', 'B*H'), mask,
    output('dxg', '3*B*H', blocks(2, 3, 3)), output('dhgN', 'B*H'), output('dz', 'B*H'), output('dhPrev', 'B*H')],
  gruResetBeforeGatesBackward: [size('B'), size('H'), input('gates', '3*B*H'), input('hPrev', 'B*H'), input('drh', 'B*H'),
    input('dz', 'B*H'), output('dxg', '3*B*H', blocks(0, 2, 3)), output('dhgRZ', '2*B*H'), acc('dhPrev', 'B*H')],
  softmaxRows: [size('rows'), size('n'), input('x', 'rows*n'), counts('valid'), output('y', 'rows*n')],
  softmaxRowsBackward: [size('rows'), size('n'), input('y', 'rows*n'), input('dy', 'rows*n'), output('dx', 'rows*n')],
  additiveScores: [size('rows'), size('keys'), size('A'), input('q', 'rows*A'), input('k', 'keys*A'), input('v', 'A'),
    output('th', 'rows*keys*A'), output('e', 'rows*keys')],
  additiveScoresBackward: [size('rows'), size('keys'), size('A'), input('th', 'rows*keys*A'), input('v', 'A'), input('de', 'rows*keys'),
    output('dq', 'rows*A'), acc('dk', 'keys*A'), acc('dv', 'A')],
} as const satisfies { readonly [K in OpName]: ArgsOf<Backend[K]> };

// Sizes B, T, H, S, I: per-step buffers are T·B rows, state slots S·B rows (S = T + 1, checked by the backend).
const seqHead = [size('B'), size('T'), size('H'), size('S'), size('I'), flag('reverse')] as const;
/** W_ih, b_ih, W_hh, b_hh of a cell with G gate blocks. */
const weights = (G: string) => [input('wIh', `${G}*H*I`), input('bIh', `${G}*H`), input('wHh', `${G}*H*H`), input('bHh', `${G}*H`)] as const;
/** The input's and the parameters' gradients, added into. */
const grads = (G: string) => [acc('dInput', 'B*T*I'), acc('dWih', `${G}*H*I`), acc('dbIh', `${G}*H`), acc('dWhh', `${G}*H*H`),
  acc('dbHh', `${G}*H`)] as const;
const SEQUENCE_TABLE = {
  rnnSequenceForward: [act, ...seqHead, input('input', 'B*T*I'), ...weights('1'), input('masks', 'B*T'), inout('hs', 'B*S*H')],
  rnnSequenceBackward: [act, ...seqHead, input('hs', 'B*S*H'), input('dhs', 'B*T*H'), input('input', 'B*T*I'), input('wIh', 'H*I'),
    input('wHh', 'H*H'), input('masks', 'B*T'), inout('carry', 'B*H'), ...grads('1'), output('dhTotal', 'B*T*H')],
  lstmSequenceForward: [...seqHead, input('input', 'B*T*I'), ...weights('4'), input('masks', 'B*T'), inout('hs', 'B*S*H'),
    inout('cs', 'B*S*H'), output('gates', '4*B*T*H')],
  lstmSequenceBackward: [...seqHead, input('gates', '4*B*T*H'), input('cs', 'B*S*H'), input('hs', 'B*S*H'), input('dhs', 'B*T*H'),
    input('input', 'B*T*I'), input('wIh', '4*H*I'), input('wHh', '4*H*H'), input('masks', 'B*T'), inout('carry', 'B*H'),
    inout('dc', 'B*H'), ...grads('4'), output('dhTotal', 'B*T*H')],
  gruSequenceForward: [...seqHead, input('input', 'B*T*I'), ...weights('3'), input('masks', 'B*T'), inout('hs', 'B*S*H'),
    output('gates', '3*B*T*H'), output('hg', '3*B*T*H')],
  gruSequenceBackward: [...seqHead, input('gates', '3*B*T*H'), input('hg', '3*B*T*H'), input('hs', 'B*S*H'), input('dhs', 'B*T*H'),
    input('input', 'B*T*I'), input('wIh', '3*H*I'), input('wHh', '3*H*H'), input('masks', 'B*T'), inout('carry', 'B*H'),
    ...grads('3'), output('dhTotal', 'B*T*H')],
} as const satisfies { readonly [K in SequenceOpName]: ArgsOf<SequenceOps[K]> };

export const OP_NAMES = Object.keys(TABLE) as OpName[];
const SEQUENCE_NAMES = Object.keys(SEQUENCE_TABLE) as SequenceOpName[];

/** An argument with its length formula and flag resolved to argument positions, for the adapters. */
export interface OpArg extends ArgSpec {
  /** buf, mask and counts: the required length is coef times the product of the op's sizes, the i-th to the power powers[i]. */
  readonly coef: number;
  readonly powers: readonly number[];
  /** buf: position of its accumulateIf flag, −1 for none. */
  readonly accumulateAt: number;
}

export interface OpSpec<N extends OpName | SequenceOpName = OpName> {
  readonly name: N;
  readonly args: readonly OpArg[];
  /** Positions of the size arguments, in order. */
  readonly sizes: readonly number[];
}
/** A Backend op's or a sequence op's spec. */
export type AnyOpSpec = OpSpec<OpName | SequenceOpName>;

function resolve(name: OpName | SequenceOpName): AnyOpSpec {
  const specs: readonly ArgSpec[] = name in TABLE ? TABLE[name as OpName] : SEQUENCE_TABLE[name as SequenceOpName];
  const sizes = specs.flatMap((a, i) => (a.kind === 'size' ? [i] : []));
  const position = (what: string, kind: Kind) => {
    const i = specs.findIndex((a) => a.name === what && a.kind === kind);
    if (i < 0) throw new Error(`internal: backend op ${name} has no ${kind} argument "${what}"`);
    return i;
  };
  const args = specs.map((a): OpArg => {
    const terms = a.kind === 'mask' || a.kind === 'counts' ? [specs[sizes[0]].name] : a.length ? a.length.split('*') : [];
    const numbers = terms.filter((t) => /^\d+$/.test(t));
    const coef = numbers.reduce((c, t) => c * Number(t), 1);
    const powers = sizes.map(() => 0);
    for (const t of terms) if (!numbers.includes(t)) powers[sizes.indexOf(position(t, 'size'))]++;
    return { ...a, coef, powers, accumulateAt: a.accumulateIf ? position(a.accumulateIf, 'flag') : -1 };
  });
  return { name, args, sizes };
}

export const OPS = Object.fromEntries(OP_NAMES.map((name) => [name, resolve(name)])) as unknown as Record<OpName, OpSpec>;
export const SEQUENCE_OPS = Object.fromEntries(SEQUENCE_NAMES.map((name) => [name, resolve(name)])) as unknown as Record<SequenceOpName, OpSpec<SequenceOpName>>;

/** The op's i-th size in this call (0 past its last size). */
export function sizeAt(op: AnyOpSpec, argv: ArrayLike<unknown>, i: number): number {
  return i < op.sizes.length ? (argv[op.sizes[i]] as number) : 0;
}

/** Values the buffer (or mask) at position i needs in this call. */
export function requiredLength(op: AnyOpSpec, argv: ArrayLike<unknown>, i: number): number {
  return lengthFrom(op, op.args[i], argv);
}

function lengthFrom(op: AnyOpSpec, a: OpArg, argv: ArrayLike<unknown>): number {
  let n = a.coef;
  for (let j = 0; j < op.sizes.length; j++) if (a.powers[j]) n *= (argv[op.sizes[j]] as number) ** a.powers[j];
  return n;
}

/** Values of the buffer at position i that the op writes: all it needs, or B rows of its written blocks. */
export function writtenLength(op: AnyOpSpec, argv: ArrayLike<unknown>, i: number): number {
  const b = op.args[i].blocks;
  return b ? sizeAt(op, argv, 0) * (b.to - b.from) * sizeAt(op, argv, 1) : requiredLength(op, argv, i);
}

/** The role the buffer at position i has in this call (gemm's c is accumulated into when its flag says so). */
export function roleIn(op: AnyOpSpec, argv: ArrayLike<unknown>, i: number): Role {
  const a = op.args[i];
  return a.accumulateAt >= 0 && argv[a.accumulateAt] ? 'acc' : a.role;
}

/**
 * Throws, naming the backend, op and argument, on a size that is not a non-negative integer, a buffer shorter than
 * the op needs (or not a Float32Array when float32Only), a mask shorter than the batch, counts that are not an
 * Int32Array of one per row, or an unknown choice.
 * Allocates nothing when the arguments are valid: it runs on every op call of the training loop.
 */
export function checkArgs(backend: string, op: AnyOpSpec, argv: ArrayLike<unknown>, float32Only: boolean): void {
  for (let j = 0; j < op.sizes.length; j++) {
    const v = argv[op.sizes[j]];
    if (!Number.isInteger(v) || (v as number) < 0) invalid(backend, op, argv, op.sizes[j], float32Only);
  }
  for (let i = 0; i < op.args.length; i++) {
    const a = op.args[i];
    const v = argv[i] as Buf | null;
    const bad = a.kind === 'buf' || (a.kind === 'mask' && v !== null)
      ? (float32Only && !(v instanceof Float32Array)) || v!.length < lengthFrom(op, a, argv)
      : a.kind === 'counts'
        ? v !== null && (!((v as unknown) instanceof Int32Array) || v.length < lengthFrom(op, a, argv))
        : a.kind === 'choice' && !a.values.includes(v as unknown as Activation);
    if (bad) invalid(backend, op, argv, i, float32Only);
  }
}

/** The error for argument i, which checkArgs found invalid (kept out of checkArgs so that stays small and fast). */
function invalid(backend: string, op: AnyOpSpec, argv: ArrayLike<unknown>, i: number, float32Only: boolean): never {
  const a = op.args[i];
  const v = argv[i];
  const at = `${backend} ${op.name}: ${a.name}`;
  if (a.kind === 'size') throw new RangeError(`${at} must be a non-negative integer, got ${String(v)}`);
  if (a.kind === 'choice') throw new TypeError(`${at} must be one of ${a.values.join(', ')}, got ${String(v)}`);
  const got = v === null || v === undefined ? String(v) : (v as object).constructor.name;
  if (a.kind === 'counts' && !(v instanceof Int32Array)) throw new TypeError(`${at} must be an Int32Array of counts or null, got ${got}`);
  if (a.kind !== 'counts' && float32Only && !(v instanceof Float32Array)) {
    throw new TypeError(`${at} must be a Float32Array (this backend's dtype is float32), got ${got}`);
  }
  throw new RangeError(`${at} has ${(v as Buf).length} values, needs ${requiredLength(op, argv, i)}`);
}

/** The Backend ops from one implementation per op, each taking the op's arguments in the table's order. */
export function implementOps(make: (op: OpSpec) => (...args: never[]) => void): Pick<Backend, OpName> {
  return Object.fromEntries(OP_NAMES.map((name) => [name, make(OPS[name])])) as unknown as Pick<Backend, OpName>;
}

/** The sequence ops (backend.ts SequenceOps) from one implementation per op, as implementOps. */
export function implementSequenceOps(make: (op: AnyOpSpec) => (...args: never[]) => void): SequenceOps {
  return Object.fromEntries(SEQUENCE_NAMES.map((name) => [name, make(SEQUENCE_OPS[name])])) as unknown as SequenceOps;
}
