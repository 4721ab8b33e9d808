import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors, readSafetensors, writeSafetensors } from '../../src/runner/safetensors';
import { tempDir } from '../helpers/workspace';

const fixtures = join(__dirname, 'fixtures');

test('reads a file written byte by byte by Python (F32, F64, metadata)', () => {
  const f = readSafetensors(join(fixtures, 'python-written.safetensors'));
  const expected = JSON.parse(readFileSync(join(fixtures, 'python-written.json'), 'utf8')) as Record<string, { dtype: string; shape: number[]; data: number[] }>;
  assert.deepEqual(Object.keys(f.tensors).sort(), Object.keys(expected).sort());
  for (const [name, e] of Object.entries(expected)) {
    assert.equal(f.tensors[name].dtype, e.dtype);
    assert.deepEqual(f.tensors[name].shape, e.shape);
    assert.deepEqual(Array.from(f.tensors[name].data), e.data.map((v) => (e.dtype === 'F32' ? Math.fround(v) : v)));
  }
  assert.equal(f.metadata.format, 'pt');
});

test('round-trips F32, F64 and I32 tensors with metadata through an atomic write', () => {
  const dir = tempDir('st-');
  const file = join(dir, 'a.safetensors');
  writeSafetensors(file, {
    w: { shape: [2, 2], data: Float32Array.of(1, -2, 3.5, 1e-8) },
    d: { shape: [1], data: Float64Array.of(Math.PI) },
    i: { shape: [3], data: Int32Array.of(-1, 0, 7) },
  }, { step: '12' });
  assert.deepEqual(readdirSync(dir), ['a.safetensors']); // no temp file left behind
  const r = readSafetensors(file);
  assert.deepEqual(Array.from(r.tensors.w.data), [1, -2, 3.5, Math.fround(1e-8)]);
  assert.equal(r.tensors.d.data[0], Math.PI);
  assert.deepEqual(Array.from(r.tensors.i.data), [-1, 0, 7]);
  assert.equal(r.tensors.i.dtype, 'I32');
  assert.deepEqual(r.metadata, { step: '12' });
  // The data section starts 8-byte aligned.
  const buf = readFileSync(file);
  assert.equal((8 + Number(buf.readBigUInt64LE(0))) % 8, 0);
});

test('rejects malformed files with a message naming the problem', () => {
  const good = encodeSafetensors({ w: { shape: [4], data: Float32Array.of(1, 2, 3, 4) } });
  assert.throws(() => decodeSafetensors(good.subarray(0, 5), 'x.safetensors'), /x\.safetensors: .*shorter than the 8-byte header/);
  assert.throws(() => decodeSafetensors(good.subarray(0, good.length - 4), 'x'), /truncated/);
  const huge = Buffer.from(good);
  huge.writeBigUInt64LE(10n ** 12n, 0);
  assert.throws(() => decodeSafetensors(huge, 'x'), /header length .* exceeds the file/);
  const mk = (header: unknown, dataBytes = 16) => {
    const h = Buffer.from(JSON.stringify(header));
    const b = Buffer.alloc(8 + h.length + dataBytes);
    b.writeBigUInt64LE(BigInt(h.length), 0);
    h.copy(b, 8);
    return b;
  };
  assert.throws(() => decodeSafetensors(mk({ w: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } })), /dtype "F16"; supported: F32, F64/);
  assert.throws(() => decodeSafetensors(mk({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } })), /needs 12 bytes/);
  assert.throws(() => decodeSafetensors(mk({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, v: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } })), /overlap/);
  assert.throws(() => decodeSafetensors(mk([1, 2])), /not a JSON object/);
  const notJson = Buffer.from(good);
  notJson[8] = 0x7b + 1;
  assert.throws(() => decodeSafetensors(notJson), /not valid UTF-8 JSON/);
});
