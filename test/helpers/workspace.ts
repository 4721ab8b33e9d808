// Throwaway folders for tests that read or write files: a fresh one per call under the OS temp folder.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function tempDir(prefix = 'seqlab-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A new folder holding `files`: relative path → text (an object is written as JSON), parent folders created; a path
 * ending in "/" is an empty folder.
 */
export function tempWorkspace(files: Record<string, string | object> = {}, prefix?: string): string {
  const root = tempDir(prefix);
  for (const [path, content] of Object.entries(files)) {
    const target = join(root, path);
    if (path.endsWith('/')) { mkdirSync(target, { recursive: true }); continue; }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}
