// The bundled examples as files: which ones a copy takes (what the .vsix ships: configs, claims, data, READMEs; never
// generator scripts or local runs), copying them without replacing anything, and an example folder's configs in run order.
import { constants, copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CLAIM_FILE, readClaim } from '../runner/claims/claimFile';

/** The folder "SeqLab: Open Examples…" creates inside the folder the user picks. */
export const EXAMPLES_FOLDER = 'seqlab-examples';

const SHIPPED = /^(README\.md|claim\.json|.+\.seqlab\.json|.+\.(csv|jsonl|txt))$/;

/** Paths (relative, "/"-separated) of the example files under root: its README and each example folder's files. */
export function exampleFiles(root: string): string[] {
  const top = readdirSync(root, { withFileTypes: true });
  const files = top.filter((e) => e.isFile() && e.name === 'README.md').map((e) => e.name);
  for (const d of top.filter((e) => e.isDirectory() && !e.name.startsWith('.'))) {
    for (const f of readdirSync(join(root, d.name), { withFileTypes: true })) {
      if (f.isFile() && SHIPPED.test(f.name)) files.push(`${d.name}/${f.name}`);
    }
  }
  return files.sort();
}

/**
 * Copies the example files from `from` into `to`, creating folders as needed. A file already at `to` is kept as it
 * is (the user may have edited it): nothing is replaced.
 */
export function copyExamples(from: string, to: string): { copied: string[]; kept: string[] } {
  const copied: string[] = [];
  const kept: string[] = [];
  for (const f of exampleFiles(from)) {
    const dest = join(to, f);
    if (existsSync(dest)) { kept.push(f); continue; }
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(join(from, f), dest, constants.COPYFILE_EXCL);
    copied.push(f);
  }
  return { copied, kept };
}

/** The configs an example runs, in order: its claim's experiments when it has a claim, else every config by name. */
export function exampleConfigs(folder: string): string[] {
  const claim = join(folder, CLAIM_FILE);
  if (existsSync(claim)) {
    try {
      return readClaim(claim).configs;
    } catch { /* a claim with problems: `seqlab claims` reports them; here the folder's configs still run */ }
  }
  return readdirSync(folder).filter((f) => f.endsWith('.seqlab.json')).sort().map((f) => join(folder, f));
}
