// Spawning the built CLI (build first: node scripts/build.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const CLI = resolve(__dirname, '../../dist/cli.js');

/** Runs `seqlab args` in cwd; `node` are options for node itself (e.g. a --require preload), `env` extra variables. */
export function cli(args: string[], cwd: string, opts: { node?: string[]; env?: Record<string, string> } = {}): { code: number | null; stdout: string; stderr: string } {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run node scripts/build.mjs first`);
  const r = spawnSync(process.execPath, [...(opts.node ?? []), CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...opts.env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
