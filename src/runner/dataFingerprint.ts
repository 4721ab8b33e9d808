// Content hashes of an experiment's data file, stored with a run (run.json), so that resuming or predicting can tell
// the data changed since the run started: a changed vocabulary or width does not fit the checkpoint, and changed rows
// would not continue the same run.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { Config } from './config/schema';
import { fileDiagnostic, type Diagnostic } from './diagnostics';
import { resolveDataPath } from './data/workspace';
import type { DataFingerprint } from './runDir';

/** The data files a config reads (none for generated data), hashed. Throws PathError when one cannot be used. */
export function fingerprintData(config: Config, configDir: string, workspace: string): DataFingerprint[] {
  const d = config.data;
  if (!('path' in d)) return [];
  const paths = d.source === 'jsonl' && d.validationPath !== null ? [d.path, d.validationPath] : [d.path];
  return paths.map((path) => ({ path, ...hashFile(resolveDataPath(path, configDir, workspace)) }));
}

/** SHA-256 of a file, read in chunks so a large file is never held whole. */
function hashFile(file: string): { sha256: string; bytes: number } {
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(1 << 20);
  const fd = openSync(file, 'r');
  let bytes = 0;
  try {
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0; bytes += n) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** One error per stored data file whose content is not what it was (a file now read from another path counts too). */
export function changedData(stored: DataFingerprint[], now: DataFingerprint[], file: (path: string) => string, hint: string): Diagnostic[] {
  return stored.flatMap((s) => {
    const n = now.find((x) => x.path === s.path);
    if (n && n.sha256 === s.sha256) return [];
    const what = n
      ? `changed since this run started (${s.bytes} bytes, sha256 ${s.sha256.slice(0, 12)}… then; ${n.bytes} bytes, ${n.sha256.slice(0, 12)}… now)`
      : `is no longer the run's data file (the config now reads ${now.map((x) => `"${x.path}"`).join(', ') || 'generated data'})`;
    return [fileDiagnostic(file(s.path), `data file "${s.path}" ${what}: the run would go on with other data, and a changed vocabulary or width does not fit its checkpoint; ${hint}`)];
  });
}
