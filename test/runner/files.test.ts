// Atomic replacement and whole-line appends under short writes and a full disk (simulated: test/helpers/fullDisk.cjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendWhole, removeStaleTemps, tempName, writeFileAtomic, writeFilesAtomic, WriteError } from '../../src/runner/files';
import { installFullDisk } from '../helpers/fullDisk';
import { tempDir } from '../helpers/workspace';

const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i % 251));

test('a replaced file is written whole even when every write() takes only part of it', () => {
  const dir = tempDir();
  const file = join(dir, 'a.bin');
  const restore = installFullDisk({ match: 'a\\.bin', chunk: 1000 });
  try {
    writeFileAtomic(file, bytes(10_000));
    appendWhole(join(dir, 'a.bin.log'), 'x'.repeat(5000) + '\n');
  } finally {
    restore();
  }
  assert.deepEqual(readFileSync(file), bytes(10_000));
  assert.equal(readFileSync(join(dir, 'a.bin.log'), 'utf8'), 'x'.repeat(5000) + '\n');
  assert.deepEqual(readdirSync(dir).sort(), ['a.bin', 'a.bin.log']);
});

test('a full disk leaves the old file in place, no temporary file behind, and an error naming the file and the reason', () => {
  const dir = tempDir();
  const file = join(dir, 'ckpt.safetensors');
  writeFileSync(file, 'old');
  const restore = installFullDisk({ match: 'ckpt', bytes: 4096 });
  try {
    assert.throws(() => writeFileAtomic(file, bytes(10_000)),
      (e) => e instanceof WriteError && e.code === 'ENOSPC' && e.message === `cannot write ${file}: no space left on device (ENOSPC)`);
  } finally {
    restore();
  }
  assert.equal(readFileSync(file, 'utf8'), 'old');
  assert.deepEqual(readdirSync(dir), ['ckpt.safetensors']);
});

test('files replaced together: when the second cannot be written, neither changes', () => {
  const dir = tempDir();
  const [a, b] = [join(dir, 'p.safetensors'), join(dir, 'p.state.safetensors')];
  writeFileSync(a, 'old a');
  writeFileSync(b, 'old b');
  const restore = installFullDisk({ match: 'safetensors', bytes: 15_000 });
  try {
    assert.throws(() => writeFilesAtomic([{ file: a, data: bytes(10_000) }, { file: b, data: bytes(10_000) }]),
      (e) => e instanceof WriteError && e.file === b);
  } finally {
    restore();
  }
  assert.deepEqual([readFileSync(a, 'utf8'), readFileSync(b, 'utf8')], ['old a', 'old b']);
  assert.deepEqual(readdirSync(dir).sort(), ['p.safetensors', 'p.state.safetensors']);
});

test('an append that runs out of room is cut back, so the file keeps only whole lines', () => {
  const dir = tempDir();
  const file = join(dir, 'metrics.jsonl');
  writeFileSync(file, '{"step":1}\n');
  const restore = installFullDisk({ match: 'metrics', bytes: 20 });
  try {
    assert.throws(() => appendWhole(file, '{"step":2}\n{"step":3}\n{"step":4}\n'), (e) => e instanceof WriteError && e.code === 'ENOSPC');
  } finally {
    restore();
  }
  assert.equal(readFileSync(file, 'utf8'), '{"step":1}\n');
});

test('temporary files of dead processes (and of this one) are removed; those of a live process are kept', () => {
  const dir = tempDir();
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const deadPid = Number(dead.stdout);
  const names = [`final.safetensors.tmp-${deadPid}`, tempName('summary.json'), `run.json.tmp-${process.ppid}`, 'step-3.safetensors'];
  for (const n of names) writeFileSync(join(dir, n), 'x');
  assert.deepEqual(removeStaleTemps(dir).sort(), [names[0], names[1]].sort());
  assert.deepEqual(readdirSync(dir).sort(), [names[2], names[3]].sort());
  assert.ok(!existsSync(join(dir, names[0])));
});
