// Temporary workspaces for tests: a fresh folder under the system temp dir with the given files in it.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function tempDir(prefix = 'seqlab-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A temp folder holding `files` (path → text, or a value written as JSON), subfolders created as needed. */
export function tempWorkspace(files: Record<string, string | object>, prefix?: string): string {
  const dir = tempDir(prefix);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}
