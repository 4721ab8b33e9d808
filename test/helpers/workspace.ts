// Throwaway folders for tests that read or write files: a fresh one per call under the OS temp folder.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A new empty folder, or one holding `files`: relative path → content, parent folders created; a path ending in "/"
 * is an empty folder.
 */
export function tempWorkspace(files: Record<string, string> = {}, prefix = 'seqlab-test-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const [path, text] of Object.entries(files)) {
    const target = join(root, path);
    if (path.endsWith('/')) { mkdirSync(target, { recursive: true }); continue; }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  return root;
}
