// What the .vsix holds, as vsce lists it from .vscodeignore: what the extension loads at run time, and nothing
// of the repository's sources, tests, generator scripts or local runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exampleFiles } from '../../src/extension/examples';

const root = resolve(__dirname, '../..');

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
