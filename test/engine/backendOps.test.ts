// The backend contract table (src/engine/backendOps.ts) that the WASM and GPU.js adapters are driven by.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../src/engine/backend';
import { checkArgs, OPS, roleIn, SEQUENCE_OPS, writtenLength, type OpName } from '../../src/engine/backendOps';
import { createReferenceBackend } from '../../src/engine/backends/reference';

test('the table has every Backend op, each with as many arguments as the reference backend declares', () => {
  const ref = createReferenceBackend('float64');
  const names = Object.keys(OPS) as OpName[];
  assert.ok(names.length >= 15);
  for (const name of names) assert.equal(OPS[name].args.length, (ref[name] as Backend[OpName]).length, name);
});

test('checkArgs accepts a valid call and names backend, op and argument for each kind of bad one', () => {
  const f = (n: number) => new Float32Array(n);
  const lstm = (mask: Float32Array | null, c: Float32Array | Float64Array = f(6)) => [2, 3, f(24), f(24), f(6), f(6), mask, f(24), c, f(6)];
  checkArgs('x', OPS.lstmForward, lstm(null), true);
  checkArgs('x', OPS.lstmForward, lstm(f(2), new Float64Array(6)), false);
  assert.throws(() => checkArgs('x', OPS.lstmForward, lstm(f(1)), true), /^RangeError: x lstmForward: mask has 1 values, needs 2$/);
  assert.throws(() => checkArgs('x', OPS.lstmForward, lstm(null, f(5)), true), /^RangeError: x lstmForward: c has 5 values, needs 6$/);
  assert.throws(() => checkArgs('x', OPS.lstmForward, lstm(null, new Float64Array(6)), true),
    /^TypeError: x lstmForward: c must be a Float32Array \(this backend's dtype is float32\), got Float64Array$/);
  assert.throws(() => checkArgs('x', OPS.sumRows, [f(4), 2, -1, f(2)], true), /^RangeError: x sumRows: n must be a non-negative integer, got -1$/);
  assert.throws(() => checkArgs('x', OPS.rnnForward, ['gelu', 1, 1, f(1), f(1), f(1), null, f(1)], true),
    /^TypeError: x rnnForward: act must be one of tanh, relu, got gelu$/);
  // Per-row counts: an Int32Array of at least `rows` values, or null.
  const softmax = (valid: unknown) => [2, 3, f(6), valid, f(6)];
  checkArgs('x', OPS.softmaxRows, softmax(null), true);
  checkArgs('x', OPS.softmaxRows, softmax(Int32Array.of(3, 1)), true);
  assert.throws(() => checkArgs('x', OPS.softmaxRows, softmax(Int32Array.of(3)), true), /^RangeError: x softmaxRows: valid has 1 values, needs 2$/);
  assert.throws(() => checkArgs('x', OPS.softmaxRows, softmax(f(2)), false),
    /^TypeError: x softmaxRows: valid must be an Int32Array of counts or null, got Float32Array$/);
});

test('sequence ops: lengths over five sizes, squares included (W_hh is G·H×H), checked like any op', () => {
  const f = (n: number) => new Float32Array(n);
  const [B, T, H, I] = [2, 3, 4, 5];
  const lstm = (wHh: Float32Array) => [B, T, H, T + 1, I, false, f(B * T * I), f(4 * H * I), f(4 * H), wHh, f(4 * H), f(B * T),
    f(B * (T + 1) * H), f(B * (T + 1) * H), f(4 * B * T * H)];
  checkArgs('x', SEQUENCE_OPS.lstmSequenceForward, lstm(f(4 * H * H)), true);
  assert.throws(() => checkArgs('x', SEQUENCE_OPS.lstmSequenceForward, lstm(f(4 * H)), true),
    /^RangeError: x lstmSequenceForward: wHh has 16 values, needs 64$/);
  // The input's width is the fifth size: 4·H·I values for W_ih.
  const short = lstm(f(4 * H * H));
  short[7] = f(4 * H * H);
  assert.throws(() => checkArgs('x', SEQUENCE_OPS.lstmSequenceForward, short, true), /^RangeError: x lstmSequenceForward: wIh has 64 values, needs 80$/);
});

test('roles and written lengths: gemm accumulates into c only when asked; partly written buffers count their blocks', () => {
  const gemm = (accumulate: boolean) => [false, false, 2, 3, 4, null, null, null, accumulate];
  assert.equal(roleIn(OPS.gemm, gemm(false), 7), 'out');
  assert.equal(roleIn(OPS.gemm, gemm(true), 7), 'acc');
  const [B, H] = [5, 7];
  const gatesForward = [B, H, null, null, null, null, null];
  assert.equal(writtenLength(OPS.gruResetBeforeGatesForward, gatesForward, 5), B * 2 * H, 'gates: the r and z blocks');
  assert.equal(writtenLength(OPS.gruResetBeforeGatesForward, gatesForward, 6), B * H, 'rh: all of it');
});
