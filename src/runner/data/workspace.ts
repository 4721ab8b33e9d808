// Data paths are relative to the config and must stay inside the workspace, even through symlinks.
import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

export class PathError extends Error {}

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Resolves `given` against the config's folder and checks it names an existing file inside `workspace`.
 * Throws PathError with a message fit for the user.
 */
export function resolveDataPath(given: string, configDir: string, workspace: string): string {
  if (isAbsolute(given) || /^[A-Za-z]:[\\/]/.test(given)) {
    throw new PathError(`"${given}" is an absolute path; data paths must be relative to the config file`);
  }
  const root = realpathSync(workspace);
  const full = resolve(configDir, given);
  if (!inside(resolve(workspace), full)) {
    throw new PathError(`"${given}" points outside the workspace (${workspace}); keep data files inside it`);
  }
  if (!existsSync(full)) throw new PathError(`data file "${given}" not found (looked for ${full})`);
  const real = realpathSync(full);
  if (!inside(root, real)) {
    throw new PathError(`"${given}" is a symlink that resolves outside the workspace (to ${real})`);
  }
  if (!statSync(real).isFile()) throw new PathError(`"${given}" is not a file`);
  return real;
}

/**
 * Resolves a folder runs are written into (output.runsDir), which need not exist yet, against the config's folder and
 * checks it stays inside `workspace`, through symlinks too: the deepest part that exists decides where it leads.
 */
export function resolveOutputDir(given: string, configDir: string, workspace: string): string {
  if (isAbsolute(given) || /^[A-Za-z]:[\\/]/.test(given)) {
    throw new PathError(`"${given}" is an absolute path; it must be relative to the config file`);
  }
  const full = resolve(configDir, given);
  if (!inside(resolve(workspace), full)) throw new PathError(`"${given}" points outside the workspace (${workspace}); keep runs inside it`);
  let existing = full;
  while (!exists(existing)) existing = dirname(existing);
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    throw new PathError(`"${given}" leads through a broken symlink (${existing})`);
  }
  if (!inside(realpathSync(workspace), real)) throw new PathError(`"${given}" leads through a symlink outside the workspace (to ${real})`);
  if (!statSync(real).isDirectory()) throw new PathError(`"${given}" is not a folder (${real} is a file)`);
  return full;
}

/** True for anything at `p`, a broken symlink included. */
function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
