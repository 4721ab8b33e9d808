// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {string: string}}, then the raw
// little-endian tensor bytes (offsets relative to the end of the header).
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './files';

export type SafeDType = 'F32' | 'F64' | 'I32' | 'I64';
export type SafeData = Float32Array | Float64Array | Int32Array;

export interface SafeTensor {
  dtype: SafeDType;
  shape: number[];
  /** I64 values are read into a Float64Array (exact up to 2^53). */
  data: SafeData;
}

export interface SafeFile {
  tensors: Record<string, SafeTensor>;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: not a valid safetensors file: ${problem}`);
    this.name = 'SafetensorsError';
  }
}

const BYTES: Record<SafeDType, number> = { F32: 4, F64: 8, I32: 4, I64: 8 };
const MAX_HEADER = 100 * 1024 * 1024;

export function encodeSafetensors(tensors: Record<string, { shape: number[]; data: SafeData }>, metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const parts: { name: string; bytes: Uint8Array }[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__') throw new Error('"__metadata__" cannot be a tensor name');
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`tensor ${name}: shape [${t.shape}] needs ${n} values, got ${t.data.length}`);
    const dtype: SafeDType = t.data instanceof Float32Array ? 'F32' : t.data instanceof Float64Array ? 'F64' : 'I32';
    // Typed arrays are little-endian on every platform Node runs on; copy to own the bytes.
    const bytes = new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength));
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    parts.push({ name, bytes });
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference implementation does.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + head.length + offset);
  out.writeBigUInt64LE(BigInt(head.length), 0);
  head.copy(out, 8);
  let at = 8 + head.length;
  for (const p of parts) { out.set(p.bytes, at); at += p.bytes.length; }
  return out;
}

export function decodeSafetensors(buf: Uint8Array, file = 'safetensors'): SafeFile {
  const bad = (problem: string) => new SafetensorsError(file, problem);
  if (buf.length < 8) throw bad(`it is ${buf.length} bytes long, shorter than the 8-byte header length`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(Math.min(MAX_HEADER, buf.length - 8))) throw bad(`header length ${n64} exceeds the file (${buf.length} bytes)`);
  const n = Number(n64);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + n)));
  } catch (e) {
    throw bad(`the header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw bad('the header is not a JSON object');
  const dataStart = 8 + n;
  const dataLen = buf.length - dataStart;
  const tensors: Record<string, SafeTensor> = {};
  let metadata: Record<string, string> = {};
  const ranges: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Object.values(entry).some((v) => typeof v !== 'string')) {
        throw bad('__metadata__ must map strings to strings');
      }
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null) throw bad(`entry "${name}" is not an object`);
    if (typeof e.dtype !== 'string' || !(e.dtype in BYTES)) throw bad(`tensor "${name}" has dtype ${JSON.stringify(e.dtype)}; supported: ${Object.keys(BYTES).join(', ')}`);
    if (!Array.isArray(e.shape) || e.shape.some((d) => !Number.isInteger(d) || d < 0)) throw bad(`tensor "${name}" has an invalid shape ${JSON.stringify(e.shape)}`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || off.some((o) => !Number.isInteger(o) || o < 0) || off[0] > off[1]) {
      throw bad(`tensor "${name}" has invalid data_offsets ${JSON.stringify(off)}`);
    }
    const [begin, end] = off as [number, number];
    if (end > dataLen) throw bad(`tensor "${name}" ends at byte ${end} but the data section has ${dataLen} bytes (truncated file?)`);
    const dtype = e.dtype as SafeDType;
    const count = (e.shape as number[]).reduce((a, b) => a * b, 1);
    if (count * BYTES[dtype] !== end - begin) throw bad(`tensor "${name}": shape [${e.shape}] of ${dtype} needs ${count * BYTES[dtype]} bytes, data_offsets give ${end - begin}`);
    ranges.push([begin, end, name]);
    // Copy into a fresh, aligned buffer (Buffer.slice would be a view into a shared pool).
    const bytes = new Uint8Array(end - begin);
    bytes.set(buf.subarray(dataStart + begin, dataStart + end));
    const dv = new DataView(bytes.buffer);
    let data: SafeData;
    if (dtype === 'F32') data = Float32Array.from({ length: count }, (_, i) => dv.getFloat32(i * 4, true));
    else if (dtype === 'F64') data = Float64Array.from({ length: count }, (_, i) => dv.getFloat64(i * 8, true));
    else if (dtype === 'I32') data = Int32Array.from({ length: count }, (_, i) => dv.getInt32(i * 4, true));
    else data = Float64Array.from({ length: count }, (_, i) => Number(dv.getBigInt64(i * 8, true)));
    tensors[name] = { dtype, shape: e.shape as number[], data };
  }
  ranges.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i][0] < ranges[i - 1][1]) throw bad(`tensors "${ranges[i - 1][2]}" and "${ranges[i][2]}" overlap`);
  }
  return { tensors, metadata };
}

export function readSafetensors(file: string): SafeFile {
  return decodeSafetensors(readFileSync(file), file);
}

export function writeSafetensors(file: string, tensors: Record<string, { shape: number[]; data: SafeData }>, metadata: Record<string, string> = {}): void {
  writeFileAtomic(file, encodeSafetensors(tensors, metadata));
}
