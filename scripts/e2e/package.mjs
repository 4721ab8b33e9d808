// Packages the extension into one .vsix per platform with @vscode/vsce, offline, after `node scripts/build.mjs`:
//   node scripts/e2e/package.mjs                     this machine's platform: out/seqlab-<target>-<version>.vsix
//   node scripts/e2e/package.mjs --target win32-x64  one named target
//   node scripts/e2e/package.mjs --all               every target the webgpu package has a Dawn binary for
// What goes in is decided by .vscodeignore, plus, per target, that target's folder of node_modules/webgpu/dist (its
// dawn.node and, on Windows, the shader compiler DLLs beside it): the other platforms' binaries (over 130 MB
// together) stay out. The runtime dependencies gpu.js and webgpu come from node_modules (vsce asks npm for the
// production dependency tree), so this is not --no-dependencies. Prints each .vsix path, one a line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DAWN_TARGETS, dawnFolder } from './targets.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const args = process.argv.slice(2);
const named = args.includes('--target') ? args[args.indexOf('--target') + 1] : undefined;
const targets = args.includes('--all') ? Object.keys(DAWN_TARGETS) : [named ?? `${process.platform}-${process.arch}`];

for (const f of ['dist/extension.js', 'dist/worker.js', 'dist/gemmWorker.js', 'dist/webgpuThread.js']) {
  if (!existsSync(join(root, f))) fail(`${f} is missing; run node scripts/build.mjs first`);
}
for (const target of targets) {
  if (!dawnFolder(target)) fail(`no WebGPU binary for target ${target}; targets: ${Object.keys(DAWN_TARGETS).join(', ')}`);
}
mkdirSync(join(root, 'out'), { recursive: true });
for (const target of targets) console.log(packageTarget(target));

/** Builds out/seqlab-<target>-<version>.vsix with .vscodeignore plus this target's Dawn folder; returns its path. */
function packageTarget(target) {
  const folder = `node_modules/webgpu/dist/${dawnFolder(target)}`;
  if (!existsSync(join(root, folder, 'dawn.node'))) fail(`${folder}/dawn.node is missing; run npm install`);
  const ignoreFile = join(root, 'out', `.vscodeignore-${target}`);
  writeFileSync(ignoreFile, `${readFileSync(join(root, '.vscodeignore'), 'utf8')}\n!${folder}/**\n`);
  const out = join(root, 'out', `seqlab-${target}-${version}.vsix`);
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  // The README's relative links point into the repository, which has no public URL yet: leave them as they are.
  const r = spawnSync(process.execPath, [vsce, 'package', '--target', target, '--ignoreFile', ignoreFile, '--out', out,
    '--allow-missing-repository', '--skip-license', '--allow-star-activation', '--no-rewrite-relative-links'],
  { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  rmSync(ignoreFile, { force: true });
  if (r.status !== 0) process.exit(r.status ?? 1);
  return out;
}

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}
