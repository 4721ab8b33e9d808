// The exported rows: each split as numbered safetensors shards (data/train-00000.safetensors, ...) of at most
// SHARD_BYTES, read lazily (memory-mapped) by train.py, so the folder streams instead of holding one big JSON.
// A shard holds lengths [n] and, concatenated over its rows in SeqLab's order, x [steps, features] (float32) or
// tokens [steps] (int32), and y: regression targets (float64) or class ids (int32), per sequence or per step, or target
// token ids (int32) with their target_lengths [n] (sequence-to-sequence).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Sequence } from '../data/types';
import { writeSafetensors, type SafeData } from '../safetensors';

export const SHARD_BYTES = 64 * 1024 * 1024;

function bytesOf(s: Sequence): number {
  return 4 + (s.x?.byteLength ?? s.tokens?.byteLength ?? 0) + s.y.byteLength;
}

/** Consecutive groups of rows of at most maxBytes each (a single larger row gets a shard of its own). */
export function shardRows(rows: Sequence[], maxBytes = SHARD_BYTES): Sequence[][] {
  const out: Sequence[][] = [];
  let current: Sequence[] = [];
  let size = 0;
  for (const s of rows) {
    const b = bytesOf(s);
    if (current.length && size + b > maxBytes) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(s);
    size += b;
  }
  if (current.length) out.push(current);
  return out;
}

function concat<T extends SafeData>(parts: T[], make: (n: number) => T): T {
  const out = make(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** The tensors of one shard; targetLengths: target token sequences (sequence-to-sequence), whose lengths vary. */
export function shardTensors(rows: Sequence[], features: number | null, targetLengths = false): Record<string, { shape: number[]; data: SafeData }> {
  const lengths = Int32Array.from(rows, (s) => s.T);
  const steps = rows.reduce((a, s) => a + s.T, 0);
  const out: Record<string, { shape: number[]; data: SafeData }> = { lengths: { shape: [rows.length], data: lengths } };
  if (targetLengths) out.target_lengths = { shape: [rows.length], data: Int32Array.from(rows, (s) => s.y.length) };
  if (features !== null) out.x = { shape: [steps, features], data: concat(rows.map((s) => s.x!), (n) => new Float32Array(n)) };
  else out.tokens = { shape: [steps], data: concat(rows.map((s) => s.tokens!), (n) => new Int32Array(n)) };
  const ys = rows.map((s) => s.y);
  const y = ys[0] instanceof Int32Array
    ? concat(ys as Int32Array[], (n) => new Int32Array(n))
    : concat(ys as Float64Array[], (n) => new Float64Array(n));
  out.y = { shape: [y.length], data: y };
  return out;
}

/** Writes one split's shards into <dir>/data and returns their file names (relative to data/). */
export function writeShards(dir: string, split: 'train' | 'validation', rows: Sequence[], features: number | null, targetLengths: boolean, maxBytes = SHARD_BYTES): string[] {
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  return shardRows(rows, maxBytes).map((group, i) => {
    const name = `${split}-${String(i).padStart(5, '0')}.safetensors`;
    writeSafetensors(join(data, name), shardTensors(group, features, targetLengths), { rows: String(group.length) });
    return name;
  });
}
