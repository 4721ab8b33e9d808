// Reading a data file a line at a time: chunks from a file descriptor, never the whole file in memory or as one string.
// Lines come out as the bytes of what `text.split('\n')` of the whole file would give (a '\r' before the '\n' kept),
// with their 1-based number and the UTF-16 offset of their start in that whole text, so diagnostics keep the
// line:column and offsets they had when the file was read whole. Bytes that are not UTF-8 stop the read with an
// InputError naming the byte offset.
import { closeSync, openSync, readSync } from 'node:fs';
import { isAscii, isUtf8 } from 'node:buffer';
import { InputError, type Diagnostic, type Position } from '../diagnostics';

export interface Line {
  /** The line's bytes without its '\n' (a trailing '\r' is kept); valid only until the next line is read. */
  bytes: Buffer;
  /** 1-based line number. */
  number: number;
  /** UTF-16 offset of the line's first character in the whole file's text. */
  offset: number;
  /** Byte offset of the line's first byte in the file. */
  byteOffset: number;
  /** True for the last line: no '\n' follows it (it may be empty, after a final '\n'). */
  last: boolean;
}

/** The line as text. */
export function lineText(line: Line): string {
  return line.bytes.toString('utf8');
}

/** Blank as `text.trim() === ''` tells it. */
export function isBlankLine(line: Line): boolean {
  for (const b of line.bytes) {
    if (b >= 0x80) return lineText(line).trim() === '';
    if (b !== 0x20 && (b < 0x09 || b > 0x0d)) return false;
  }
  return true;
}

const CHUNK_BYTES = 1 << 20;

/** The lines of `file` in order; the file is closed when the loop ends or breaks. */
export function* fileLines(file: string, chunkBytes = CHUNK_BYTES): Generator<Line> {
  const fd = openSync(file, 'r');
  try {
    let buf = Buffer.allocUnsafe(chunkBytes);
    let start = 0; // first byte of buf not yet given out
    let end = 0; // bytes of buf holding file data
    let consumed = 0; // file offset of buf[0]
    let number = 1;
    let offset = 0;
    let eof = false;
    while (!eof) {
      if (end === buf.length || (buf.length > chunkBytes && end - start < chunkBytes)) {
        // Move what is left to the front; for a line longer than the buffer, a buffer that holds exactly it (and its
        // '\n'), and back to the usual size after it.
        const left = end - start;
        const want = left < chunkBytes ? chunkBytes : start > 0 ? buf.length : Math.max(buf.length + 1, lineEnd(fd, consumed + end, chunkBytes) - consumed + 1);
        const next = want === buf.length ? buf : Buffer.allocUnsafe(want);
        buf.copy(next, 0, start, end);
        consumed += start;
        end -= start;
        start = 0;
        buf = next;
      }
      const n = readSync(fd, buf, end, buf.length - end, consumed + end);
      if (n === 0) eof = true;
      end += n;
      const stop = eof ? end : buf.lastIndexOf(10, end - 1);
      if (stop < start) continue; // no complete line yet
      const region = buf.subarray(start, stop);
      if (!isUtf8(region)) throw notUtf8(file, region, consumed + start, number, offset);
      const ascii = isAscii(region);
      let from = start;
      while (from <= stop) {
        let to = buf.indexOf(10, from);
        if (to < 0 || to > stop) to = stop;
        const bytes = buf.subarray(from, to);
        const last = eof && to === stop;
        yield { bytes, number, offset, byteOffset: consumed + from, last };
        offset += (ascii ? bytes.length : utf16Length(bytes)) + 1;
        number++;
        from = to + 1;
      }
      start = eof ? end : stop + 1;
    }
  } finally {
    closeSync(fd);
  }
}

/** File offset of the first '\n' at or after `from` (the file's size if none), read ahead without keeping what it reads. */
function lineEnd(fd: number, from: number, chunkBytes: number): number {
  const probe = Buffer.allocUnsafe(chunkBytes);
  for (let at = from; ;) {
    const n = readSync(fd, probe, 0, probe.length, at);
    const k = probe.subarray(0, n).indexOf(10);
    if (k >= 0) return at + k;
    if (n === 0) return at;
    at += n;
  }
}

/** UTF-16 length of valid UTF-8 bytes: one unit per character, two for one past U+FFFF (a 4-byte sequence). */
function utf16Length(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1;
  }
  return n;
}

/** Byte offset of the first byte of `bytes` that does not begin a valid UTF-8 sequence (WHATWG's rules), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const cont = (i: number, lo = 0x80, hi = 0xbf) => i < bytes.length && bytes[i] >= lo && bytes[i] <= hi;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let len = 0;
    if (b < 0x80) len = 1;
    else if (b >= 0xc2 && b <= 0xdf) len = cont(i + 1) ? 2 : 0;
    else if (b >= 0xe0 && b <= 0xef) {
      const [lo, hi] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
      len = cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
    } else if (b >= 0xf0 && b <= 0xf4) {
      const [lo, hi] = b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
      len = cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    }
    if (len === 0) return i;
    i += len;
  }
  return -1;
}

/**
 * The error for bytes that are not UTF-8 text: the file, the byte offset of the first bad byte in the file, and its
 * line:column. `bytes` start at file byte `byteBase`, at the start of line `line`, UTF-16 offset `charBase`.
 */
export function notUtf8(file: string, bytes: Uint8Array, byteBase: number, line: number, charBase: number): InputError {
  const k = Math.max(0, firstInvalidUtf8(bytes));
  const lineStart = k === 0 ? 0 : bytes.lastIndexOf(10, k - 1) + 1; // (a negative start would search from the end)
  let offset = charBase;
  for (let i = 0; i < lineStart; i++) if (bytes[i] === 10) line++;
  if (lineStart > 0) offset += new TextDecoder().decode(bytes.subarray(0, lineStart)).length;
  const column = new TextDecoder().decode(bytes.subarray(lineStart, k)).length + 1;
  const at: Position = { line, column };
  const hex = bytes[k].toString(16).padStart(2, '0');
  const d: Diagnostic = {
    file, path: '', severity: 'error', start: at, end: { line, column: column + 1 }, offset: offset + column - 1, length: 1,
    message: `not UTF-8 text: byte offset ${byteBase + k} holds 0x${hex}, which cannot start or continue a UTF-8 character (is this a binary file?)`,
  };
  return new InputError([d]);
}

/** The whole of a (small enough) file's bytes as text, refusing bytes that are not UTF-8 as fileLines does. */
export function decodeUtf8(file: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw notUtf8(file, bytes, 0, 1, 0);
  }
}

/**
 * Positions in one line of a file, for diagnostics ranged in that line as a LineMap of the whole text ranges them: an
 * offset past the line's end lands at the start of the next line when a '\n' ends this one.
 */
export class LinePositions {
  /** `length`: the line's length in UTF-16 units, its '\r' included. */
  constructor(private readonly line: Line, private readonly length: number) {}
  position(offset: number): Position {
    const rel = offset - this.line.offset;
    if (rel > this.length && !this.line.last) return { line: this.line.number + 1, column: rel - this.length };
    return { line: this.line.number, column: rel + 1 };
  }
}
