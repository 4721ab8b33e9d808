// `npm run test:vscode`: the integration scenario (test/e2e/vscode/suite.ts) in a desktop VS Code downloaded by
// @vscode/test-electron, with the extension loaded from this folder. Needs network access to the VS Code update
// server (not available on the CI machine: there test/e2e/extension.test.ts runs the scenario in code-server), and
// on Linux without a display, xvfb-run (scripts/test.mjs-style: `xvfb-run -a npm run test:vscode`).
import { runTests } from '@vscode/test-electron';
import { build } from 'esbuild';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

async function main(): Promise<void> {
  const root = resolve(import.meta.dirname, '../..');
  const suite = join(root, 'out', 'vscode-suite', 'index.js');
  await build({ entryPoints: [join(root, 'test/e2e/vscode/suite.ts')], outfile: suite, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] });

  const tmp = mkdtempSync(join(tmpdir(), 'seqlab-vscode-'));
  const workspace = join(tmp, 'workspace');
  mkdirSync(workspace);
  cpSync(join(root, 'test/e2e/fixtures/tiny.seqlab.json'), join(workspace, 'tiny.seqlab.json'));

  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: suite,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(tmp, 'user-data')],
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
