// What the .vsix holds, as vsce lists it from .vscodeignore: what the extension loads at run time, and nothing
// of the repository's sources, tests, generator scripts or local runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { exampleFiles } from '../../src/extension/examples';
import { dawnFolder } from '../../scripts/e2e/targets.mjs';
import { skipWithoutWebGpu, useSoftwareVulkan } from '../helpers/vulkan';
import { tempDir } from '../helpers/workspace';

const root = resolve(__dirname, '../..');
useSoftwareVulkan();

test('the .vsix file list holds the bundles, schema, example templates and walkthrough pages, and no sources, tests or runs', () => {
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'ls'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const files = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const f of ['package.json', 'dist/extension.js', 'dist/worker.js', 'dist/gemmWorker.js', 'dist/webgpuThread.js', 'dist/webview/dashboard.js', 'dist/webview/live.js',
    'schemas/seqlab.schema.json', 'examples/vanishing-gradients/adding.seqlab.json',
    'examples/airline-passengers/passengers.csv', 'node_modules/gpu.js/package.json']) {
    assert.ok(files.includes(f), `${f} is missing from the package`);
  }
  // The walkthrough's pages are the examples' READMEs; "Open Examples…" copies each claim's configs, data and claim.json.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { walkthroughs: { steps: { media: { markdown: string } }[] }[] } };
  const media = pkg.contributes.walkthroughs.flatMap((w) => w.steps.map((s) => s.media.markdown));
  for (const f of [...media, ...exampleFiles(join(root, 'examples')).map((e) => `examples/${e}`)]) {
    assert.ok(files.includes(f), `${f} is missing from the package`);
  }
  const ours = files.filter((f) => !f.startsWith('node_modules/'));
  const unwanted = ours.filter((f) => /^(src|test|bench|scripts|webview)\//.test(f) || /\.(py|ts|map)$/.test(f) || f.includes('/.seqlab/'));
  assert.deepEqual(unwanted, []);
});

// The .vsix `npm run package` builds for this platform: webgpu's loader and this platform's Dawn binary only, and the
// unpacked extension's own files start gpu.js:webgpu (on the software Vulkan driver) with nothing from the repository.
test("this platform's .vsix carries its own WebGPU binary and no other platform's, and its files start gpu.js:webgpu", (t) => {
  if (skipWithoutWebGpu(t)) return;
  const target = `${process.platform}-${process.arch}`;
  const folder = dawnFolder(target);
  assert.ok(folder, `webgpu has no binary for ${target}`);
  const r = spawnSync(process.execPath, [join(root, 'scripts/e2e/package.mjs')], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const vsix = r.stdout.trim().split('\n').pop()!;
  assert.equal(basename(vsix), `seqlab-${target}-${version()}.vsix`);
  const dir = tempDir('seqlab-vsix-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const unzip = spawnSync('python3', ['-m', 'zipfile', '-e', vsix, dir], { encoding: 'utf8' });
  assert.equal(unzip.status, 0, unzip.stderr);
  const ext = join(dir, 'extension');
  const webgpu = readdirSync(join(ext, 'node_modules/webgpu'), { recursive: true }).map(String).sort();
  const binaries = webgpu.filter((f) => f.endsWith('.node') || f.endsWith('.dll'));
  assert.deepEqual(binaries.filter((f) => !f.startsWith(`dist/${folder}/`)), [], 'another platform\'s binary is in the .vsix');
  assert.ok(webgpu.includes(join('dist', folder, 'dawn.node')), `dist/${folder}/dawn.node is missing`);
  for (const f of ['index.js', 'package.json']) assert.ok(webgpu.includes(f), `webgpu's ${f} is missing`);
  assert.ok(!existsSync(join(ext, 'node_modules/gpu.js/node_modules')), "gpu.js's nested webgpu@0.2.9 is shipped");
  // The CLI bundle, built from the same sources, stands in for the extension host (which needs VS Code): beside the
  // unpacked dist, it resolves gpu.js and webgpu from the .vsix's node_modules only (the temp folder has none above).
  copyFileSync(join(root, 'dist/cli.js'), join(ext, 'dist/cli.js'));
  const probe = spawnSync(process.execPath, [join(ext, 'dist/cli.js'), 'backends'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  assert.equal(probe.status, 0, probe.stderr);
  assert.match(probe.stdout, /^gpu\.js:webgpu\s+yes\s+webgpu on /m, probe.stdout);
});

function version(): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}
