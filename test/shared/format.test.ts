import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fmt, fmtDuration } from '../../src/shared/format';

test('durations round once to the unit shown, so no minute reads 60 seconds', () => {
  assert.equal(fmtDuration(0.42), '0.4s');
  assert.equal(fmtDuration(9.96), '10s');
  assert.equal(fmtDuration(59.4), '59s');
  assert.equal(fmtDuration(59.6), '1m 00s');
  assert.equal(fmtDuration(75), '1m 15s');
  assert.equal(fmtDuration(119.6), '2m 00s');
  assert.equal(fmtDuration(3599.6), '1h 00m');
  assert.equal(fmtDuration(3 * 3600 + 120), '3h 02m');
  assert.equal(fmtDuration(3 * 3600 + 59 * 60 + 50), '4h 00m');
  assert.equal(fmtDuration(NaN), '–');
  assert.equal(fmtDuration(-1), '–');
});

test('numbers keep 4 significant digits and switch to scientific notation at the extremes', () => {
  assert.equal(fmt(0.123456), '0.1235');
  assert.equal(fmt(1234.5), '1235');
  assert.equal(fmt(2.5e-5), '2.5e-5');
  assert.equal(fmt(123456), '1.23e5');
  assert.equal(fmt(null), '–');
  assert.equal(fmt(Infinity), '∞');
});
