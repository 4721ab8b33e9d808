// Writing run files so that neither a crash nor a full disk leaves a partial file under its real name. A replaced file
// is written whole (write() may write less than asked when the disk fills up, so it is called again for the rest),
// synced, then renamed over the old one; an appended batch of lines lands whole or is cut back off. Any failure removes
// what it left behind and throws a WriteError naming the file and the reason in words.
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export class WriteError extends Error {
  constructor(readonly file: string, readonly code: string | undefined, reason: string) {
    super(`cannot write ${file}: ${reason}`);
    this.name = 'WriteError';
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device', EDQUOT: 'disk quota exceeded', EFBIG: 'file too large',
  EROFS: 'read-only file system', EACCES: 'permission denied', EPERM: 'operation not permitted', EIO: 'input/output error',
};

function writeError(file: string, e: unknown): WriteError {
  if (e instanceof WriteError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  return new WriteError(file, code, code && REASONS[code] ? `${REASONS[code]} (${code})` : (e as Error).message);
}

const toBytes = (data: Uint8Array | string): Uint8Array => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);

/** Writes every byte of `data` at the file's position, calling write() again after a short write. */
function writeAll(fd: number, data: Uint8Array): void {
  for (let at = 0; at < data.length;) {
    const n = writeSync(fd, data, at, data.length - at);
    if (n <= 0) throw Object.assign(new Error(`the file system accepted ${at} of ${data.length} bytes`), { code: 'EIO' });
    at += n;
  }
}

/** The temporary name a file is written under before it is renamed into place. */
export function tempName(file: string): string {
  return `${file}.tmp-${process.pid}`;
}

function writeSynced(file: string, data: Uint8Array): void {
  const fd = openSync(file, 'w');
  try {
    writeAll(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function removeQuietly(file: string): void {
  try { unlinkSync(file); } catch { /* already gone */ }
}

/** Replaces `file` with `data`: the old content or the complete new one, never a mix. */
export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  writeFilesAtomic([{ file, data }]);
}

/**
 * Replaces several files of one folder together (a checkpoint's two halves): every one is written and synced before
 * the first rename, so a failure while writing changes none of them.
 */
export function writeFilesAtomic(files: { file: string; data: Uint8Array | string }[]): void {
  const written: string[] = [];
  for (const { file, data } of files) {
    try {
      writeSynced(tempName(file), toBytes(data));
      written.push(tempName(file));
    } catch (e) {
      for (const t of [...written, tempName(file)]) removeQuietly(t);
      throw writeError(file, e);
    }
  }
  for (const { file } of files) {
    try {
      renameSync(tempName(file), file);
    } catch (e) {
      throw writeError(file, e);
    }
  }
  syncFolder(dirname(files[0].file));
}

/** Makes the renames durable. Some platforms cannot open or sync a folder; the files themselves are synced already. */
function syncFolder(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch { /* not supported here */ } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Appends `text` (whole lines) to `file`; when the write fails part-way, the file is cut back to where it was. */
export function appendWhole(file: string, text: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'a');
  } catch (e) {
    throw writeError(file, e);
  }
  let size = -1;
  try {
    size = fstatSync(fd).size;
    writeAll(fd, toBytes(text));
  } catch (e) {
    if (size >= 0) try { ftruncateSync(fd, size); } catch { /* the failure below names the file */ }
    throw writeError(file, e);
  } finally {
    closeSync(fd);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary files a killed process left in `dir` (name.tmp-<pid>). Those of a live process other than this one
 * are kept: it may still be writing. This process writes synchronously, so none of its own is in progress.
 */
export function removeStaleTemps(dir: string): string[] {
  let names: string[];
  try { names = readdirSync(dir); } catch { return []; }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(/\.tmp-(\d+)$/.exec(name)?.[1] ?? NaN);
    if (!Number.isInteger(pid) || (pid !== process.pid && alive(pid))) continue;
    removeQuietly(join(dir, name));
    removed.push(name);
  }
  return removed;
}
