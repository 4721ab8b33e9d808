// Packages the extension into out/seqlab-<version>.vsix with @vscode/vsce, offline, after `node scripts/build.mjs`.
// What goes in is decided by .vscodeignore; the runtime dependency gpu.js comes from node_modules (vsce asks npm for
// the production dependency tree), so this is not --no-dependencies.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const f of ['dist/extension.js', 'dist/worker.js', 'dist/gemmWorker.js', 'dist/webgpuThread.js']) {
  if (!existsSync(join(root, f))) { console.error(`package: ${f} is missing; run node scripts/build.mjs first`); process.exit(1); }
}
const out = join(root, 'out', `seqlab-${version}.vsix`);
mkdirSync(dirname(out), { recursive: true });
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
// The README's relative links point into the repository, which has no public URL yet: leave them as they are.
const r = spawnSync(process.execPath, [vsce, 'package', '--out', out, '--allow-missing-repository', '--skip-license',
  '--allow-star-activation', '--no-rewrite-relative-links'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
console.log(out);
