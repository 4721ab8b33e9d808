// End to end in a real VS Code (code-server): install the packaged .vsix, open a workspace with a config, run it from
// the CodeLens and from the command palette, watch the dashboard's loss curve grow, stop runs, and see them in the tree.
// Needs scripts/e2e/setup.sh (Node 24 + code-server in a cache folder) and /usr/bin/chromium; skips, saying which
// is missing, otherwise. Screenshots go to test-artifacts/e2e/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Frame, type Page } from 'playwright-core';
import { findCodeServer, freePort, installVsix, startCodeServer, writeUserSettings, type RunningCodeServer } from '../../scripts/e2e/codeServer';
import { softwareVulkanIcd } from '../helpers/vulkan';

const root = resolve(import.meta.dirname, '../..');
const artifacts = join(root, 'test-artifacts', 'e2e');
const CHROMIUM = '/usr/bin/chromium';
const cs = findCodeServer();
const missing = typeof cs === 'string' ? cs : !existsSync(CHROMIUM) ? `${CHROMIUM} is not installed` : false;
// On CI (.ci/run sets CI=true and runs scripts/e2e/setup.sh) a missing prerequisite is a failure, not a skip.
const skip = process.env.CI ? false : missing;

function packageVsix(): string {
  const r = spawnSync(process.execPath, [join(root, 'scripts/e2e/package.mjs')], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `packaging failed:\n${r.stdout}\n${r.stderr}`);
  const vsix = r.stdout.trim().split('\n').pop()!;
  assert.ok(existsSync(vsix), `no vsix at ${vsix}`);
  return vsix;
}

const t0 = Date.now();
function mark(what: string): void {
  console.log(`e2e ${((Date.now() - t0) / 1000).toFixed(1)}s: ${what}`);
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, state?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}${state ? `; ${state()}` : ''}`);
}

/** Runs a command palette entry, with the config's editor focused (a focused webview may keep F1 to itself). */
async function palette(page: Page, text: string): Promise<void> {
  await page.locator('.tab', { hasText: 'tiny.seqlab.json' }).first().click();
  const input = page.locator('.quick-input-widget input[type="text"], .quick-input-widget input').first();
  const label = text.replace(/^>/, '');
  // Click the row of the command asked for: Enter would run whichever row is focused, which can still be a row from
  // before the text was filtered. The palette lists the commands registered when it opened, and code-server registers
  // some of its own (Manage Workspace Trust) late under load: if the row does not come, close the palette and reopen it.
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
    try {
      await row.waitFor({ timeout: 15_000 });
      break;
    } catch (e) {
      if (attempt === 3) throw e;
      await page.keyboard.press('Escape');
      await input.waitFor({ state: 'hidden', timeout: 30_000 });
    }
  }
  await row.click();
  await input.waitFor({ state: 'hidden', timeout: 30_000 });
}

/** Point count of the loss chart in whichever nested webview iframe holds the dashboard. */
async function lossPoints(page: Page): Promise<{ frame: Frame; points: number } | null> {
  for (const frame of page.frames()) {
    const n = await frame.$eval('#card-loss .line-chart', (el) => Number((el as HTMLElement).dataset.pointCount ?? 0)).catch(() => null);
    if (n !== null) return { frame, points: n };
  }
  return null;
}

function findFiles(dir: string, name: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(name)).map((f) => join(dir, f));
}

function summaries(workspace: string): { runId: string; status: string }[] {
  const dir = join(workspace, '.seqlab', 'runs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((id) => {
    try { return [{ runId: id, status: (JSON.parse(readFileSync(join(dir, id, 'summary.json'), 'utf8')) as { status: string }).status }]; }
    catch { return []; }
  });
}

/** A workspace in a temp folder with the packaged .vsix installed for a code-server user there. */
function prepare(prefix: string, settings?: Record<string, unknown>): { tmp: string; workspace: string; extensionsDir: string; userDataDir: string } {
  if (missing || typeof cs === 'string') assert.fail(`end-to-end prerequisites missing on CI: ${missing}`);
  mkdirSync(artifacts, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  const workspace = join(tmp, 'workspace');
  mkdirSync(workspace);
  const extensionsDir = join(tmp, 'extensions');
  const userDataDir = join(tmp, 'user-data');
  writeUserSettings(userDataDir, settings);
  installVsix(cs, packageVsix(), extensionsDir, userDataDir);
  return { tmp, workspace, extensionsDir, userDataDir };
}

/**
 * Starts code-server on the prepared workspace, opens it in Chromium and runs `body` on the loaded workbench. On a
 * failure it saves `failureShot` and prints code-server's output and SeqLab's log; it always closes both and removes
 * the temp folder.
 */
async function inCodeServer(at: ReturnType<typeof prepare>, failureShot: string, extra: { workspaceTrust?: boolean; env?: NodeJS.ProcessEnv },
  body: (page: Page) => Promise<void>): Promise<void> {
  if (typeof cs === 'string') assert.fail(cs);
  let server: RunningCodeServer | null = null;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    server = await startCodeServer(cs, { port: await freePort(), extensionsDir: at.extensionsDir, userDataDir: at.userDataDir, workspace: at.workspace, ...extra });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(at.workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await body(page);
  } catch (e) {
    const page = browser.contexts()[0]?.pages()[0];
    if (page) await page.screenshot({ path: join(artifacts, failureShot) }).catch(() => undefined);
    if (server) console.error(server.output().slice(-3000));
    for (const log of findFiles(at.userDataDir, 'SeqLab.log')) console.error(`--- ${log}\n${readFileSync(log, 'utf8').slice(-4000)}`);
    throw e;
  } finally {
    await browser.close();
    await server?.stop();
    rmSync(at.tmp, { recursive: true, force: true });
  }
}

test('SeqLab in code-server: run from CodeLens and palette, live dashboard, stop, tree', { skip, timeout: 240_000 }, async () => {
  // Workspace trust on, without the startup prompt: the folder opens untrusted (restricted mode).
  const at = prepare('seqlab-e2e-', { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' });
  const { workspace } = at;
  cpSync(join(root, 'test/e2e/fixtures/tiny.seqlab.json'), join(workspace, 'tiny.seqlab.json'));
  // A real example next to it: its experiments must appear in the tree (and it is read, not trained).
  const example = join(root, 'examples', 'airline-passengers');
  if (existsSync(example)) cpSync(example, join(workspace, 'airline-passengers'), { recursive: true });
  mark('packaged and installed the vsix');

  await inCodeServer(at, 'failure.png', { workspaceTrust: true }, async (page) => {
    mark('workbench loaded');

    // Open the config from the Explorer.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'tiny.seqlab.json' }).first().dblclick({ timeout: 60_000 });
    await page.locator('.tab', { hasText: 'tiny.seqlab.json' }).first().waitFor();

    // 0. Untrusted: the config can be read, but Run explains why it does not train, and nothing starts.
    const runLens = page.locator('.codelens-decoration a', { hasText: /Run$/ }).first();
    await runLens.waitFor({ timeout: 60_000 });
    await runLens.click();
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'untrusted workspace' }).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(artifacts, 'untrusted.png') });
    assert.equal(existsSync(join(workspace, '.seqlab')), false, 'no run folder in an untrusted workspace');
    await palette(page, '>Workspaces: Manage Workspace Trust');
    await page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust/ }).first().click({ timeout: 30_000 });
    await page.locator('.workspace-trust-editor', { hasText: 'You trust this folder' }).first().waitFor({ timeout: 30_000 });
    assert.equal(existsSync(join(workspace, '.seqlab')), false, 'granting trust alone starts nothing');
    // The trust editor opens as a modal editor; close it with its close action.
    const modal = page.locator('.monaco-modal-editor-block');
    if (await modal.count()) {
      await modal.locator('.codicon-close, [aria-label^="Close"]').last().click();
      await modal.first().waitFor({ state: 'hidden', timeout: 15_000 });
    }
    mark('untrusted: Run refused with an explanation; workspace trusted from the trust editor');

    // Diagnostics follow edits: an invalid cell type becomes an error squiggle and a problem; undo clears both.
    await page.locator('.tab', { hasText: 'tiny.seqlab.json' }).first().click();
    // Double-clicking the string token selects the word inside its quotes.
    await page.locator('.monaco-editor .view-lines span span', { hasText: /^"gru"$/ }).first().dblclick();
    await page.keyboard.type('lstmx');
    const problems = async () => (await page.locator('[id="status.problems"]').first().innerText()).match(/\d+/g)?.map(Number) ?? [];
    await until('an error for the invalid cell type', async () => ((await problems())[0] ?? 0) >= 1, 20_000);
    assert.ok(await page.locator('.monaco-editor .squiggly-error').count() > 0, 'an error squiggle in the editor');
    // The Problems view shows SeqLab's own diagnostic (source "seqlab", code = the JSON path), not only the schema's.
    await page.keyboard.press('Control+Shift+M');
    await until('SeqLab\'s own diagnostic in the Problems view', async () => {
      const rows = await page.locator('.markers-panel .monaco-list-row').allTextContents();
      return rows.some((r) => /seqlab\s*\(?model\.cell/.test(r));
    }, 20_000);
    await page.screenshot({ path: join(artifacts, 'diagnostics.png') });
    await page.keyboard.press('Control+J');
    await page.locator('.tab', { hasText: 'tiny.seqlab.json' }).first().click();
    await page.keyboard.press('Control+Z');
    await until('the error to clear after undo', async () => (await problems())[0] === 0, 20_000);
    // Run reads the config file: save, and wait until the file holds the undone text, so the run never sees "lstmx".
    await page.keyboard.press('Control+S');
    const config = join(workspace, 'tiny.seqlab.json');
    await until('the config on disk without the edit', async () => /"gru"/.test(readFileSync(config, 'utf8')), 20_000,
      () => `the file holds: ${readFileSync(config, 'utf8')}`);
    mark('diagnostics followed an edit and its undo');

    // 1. Run from the CodeLens; the dashboard opens beside the editor and its loss curve grows.
    await page.locator('.tab', { hasText: 'tiny.seqlab.json' }).first().click();
    await runLens.click();
    mark('clicked the Run lens');
    const first = await until('the dashboard loss curve to have points', async () => {
      const p = await lossPoints(page);
      return p && p.points >= 3 ? p : null;
    }, 60_000);
    const grown = await until('the loss curve to grow', async () => {
      const p = await lossPoints(page);
      return p && p.points > first.points + 5 ? p : null;
    }, 30_000);
    assert.ok(grown.points > first.points, `loss points ${first.points} → ${grown.points}`);
    await page.screenshot({ path: join(artifacts, 'dashboard.png') });
    mark(`loss curve grew from ${first.points} to ${grown.points} points`);

    // 2. Stop it from the palette; its summary says "stopped".
    await palette(page, '>SeqLab: Stop Run');
    await until('the first run to be stopped', async () => summaries(workspace).some((s) => s.status === 'stopped'), 60_000,
      () => `summaries: ${JSON.stringify(summaries(workspace))}`);
    mark('first run stopped from the palette');

    // Export from the dashboard: the host asks where to save (code-server's own save dialog) and writes the file.
    const dashboard = (await lossPoints(page))!.frame;
    await dashboard.click('#export-csv');
    const saveInput = page.locator('.quick-input-widget input').first();
    await saveInput.waitFor({ state: 'visible', timeout: 30_000 });
    await until('the save dialog to propose a .csv path', async () => (await saveInput.inputValue()).endsWith('.csv'), 15_000);
    await page.keyboard.press('Enter');
    // The file can appear before its bytes do (VS Code's fs.writeFile creates, then writes): wait for the header row.
    const csv = await until('the exported CSV in the workspace with a step,loss header', async () =>
      readdirSync(workspace).find((f) => f.endsWith('.csv') && /step.*loss/.test(readFileSync(join(workspace, f), 'utf8').split('\n')[0])), 30_000,
      () => `workspace holds ${readdirSync(workspace).join(', ')}`);
    mark(`exported ${csv}`);

    // 3. Run again from the palette with the config's editor active.
    await palette(page, '>SeqLab: Run Experiment');
    await until('a second run', async () => summaries(workspace).length >= 2, 60_000);
    mark('second run started from the palette');

    // 4. The SeqLab side bar: the live view follows the new run; its Stop button stops it; the tree shows both runs.
    await page.locator('.activitybar .action-item a[aria-label^="SeqLab"], .activitybar .action-item [aria-label^="SeqLab"]').first().click();
    const stopButton = await until('the live view with an enabled Stop button', async () => {
      for (const frame of page.frames()) {
        const enabled = await frame.$eval('#stop', (el) => !el.hasAttribute('disabled')).catch(() => null);
        if (enabled) return frame;
      }
      return null;
    }, 60_000);
    await page.screenshot({ path: join(artifacts, 'side-panel-live.png') });
    await stopButton.click('#stop');
    await until('both runs stopped', async () => summaries(workspace).filter((s) => s.status === 'stopped').length >= 2, 60_000,
      () => `summaries: ${JSON.stringify(summaries(workspace))}`);
    const rows = page.locator('.pane-body .monaco-list-row', { hasText: 'stopped' });
    await until('two stopped runs in the Experiments tree', async () => (await rows.count()) >= 2, 30_000);
    await page.screenshot({ path: join(artifacts, 'side-panel-tree.png') });
    mark('both runs stopped and shown in the tree');
    const treeText = await page.locator('.pane-body .monaco-list-row').allInnerTexts();
    assert.ok(treeText.some((t) => t.includes('tiny')), `tree rows: ${JSON.stringify(treeText)}`);
    if (existsSync(example)) assert.ok(treeText.some((t) => t.includes('forecast')), `the example's experiment in ${JSON.stringify(treeText)}`);
    assert.equal(summaries(workspace).filter((s) => s.status === 'stopped').length, 2);

    // Compare from the CodeLens: both runs are preselected; accepting opens one dashboard for the pair.
    await page.locator('.tab', { hasText: 'tiny.seqlab.json' }).first().click();
    await page.locator('.codelens-decoration a', { hasText: /Compare$/ }).first().click();
    await page.locator('.quick-input-widget .monaco-list-row').nth(1).waitFor({ timeout: 20_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: 'compare 2 runs' }).first().waitFor({ timeout: 20_000 });
    mark('compare dashboard opened');

    // 5. After a window reload the serializer restores the dashboards, which draw the stored runs again.
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const restored = await until('a restored dashboard with its loss curve', async () => {
      const p = await lossPoints(page);
      return p && p.points > 0 ? p : null;
    }, 60_000);
    assert.ok(restored.points > 0);
    mark(`dashboard restored after reload with ${restored.points} points`);
  });
});

// gpu.js:webgpu from the installed .vsix, with the Dawn binary it carries, on the software Vulkan driver (SwiftShader,
// in Debian's chromium): code-server gets VK_ICD_FILENAMES, and its extension host, the training worker and the
// worker's GPU thread inherit it. The config names the backend with no fallback, so the run cannot end on another.
const icd = softwareVulkanIcd();
const skipWebGpu = skip || (!process.env.CI && !icd ? 'no software Vulkan driver (SwiftShader from chromium)' : false);

function summaryOf(workspace: string): { status: string; steps: number; backend: string } | null {
  const dir = join(workspace, '.seqlab', 'runs');
  const id = existsSync(dir) ? readdirSync(dir)[0] : undefined;
  if (!id || !existsSync(join(dir, id, 'summary.json'))) return null;
  try { return JSON.parse(readFileSync(join(dir, id, 'summary.json'), 'utf8')) as { status: string; steps: number; backend: string }; }
  catch { return null; } // caught mid-write
}

test('SeqLab in code-server trains a run on gpu.js:webgpu (SwiftShader) from the installed .vsix', { skip: skipWebGpu, timeout: 300_000 }, async () => {
  assert.ok(icd, 'no software Vulkan driver for gpu.js:webgpu on CI: /usr/lib/chromium/vk_swiftshader_icd.json is missing');
  const at = prepare('seqlab-e2e-webgpu-');
  const { workspace, userDataDir } = at;
  cpSync(join(root, 'test/e2e/fixtures/webgpu.seqlab.json'), join(workspace, 'webgpu.seqlab.json'));
  mark('webgpu: packaged and installed the vsix');

  await inCodeServer(at, 'webgpu-failure.png', { env: { ...process.env, VK_ICD_FILENAMES: icd } }, async (page) => {
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'webgpu.seqlab.json' }).first().dblclick({ timeout: 60_000 });
    await page.locator('.tab', { hasText: 'webgpu.seqlab.json' }).first().waitFor({ timeout: 30_000 });
    const runLens = page.locator('.codelens-decoration a', { hasText: /Run$/ }).first();
    await runLens.waitFor({ timeout: 60_000 });
    await runLens.click();
    mark('webgpu: clicked the Run lens');
    // 20 steps took 3.5 s from the CLI on SwiftShader; the GPU thread's start and the worker's add seconds more.
    const done = await until('the gpu.js:webgpu run to end', async () => {
      const s = summaryOf(workspace);
      return s && s.status !== 'running' ? s : null;
    }, 180_000, () => `summary: ${JSON.stringify(summaryOf(workspace))}`);
    await page.screenshot({ path: join(artifacts, 'webgpu.png') });
    assert.deepEqual({ status: done.status, steps: done.steps, backend: done.backend }, { status: 'completed', steps: 20, backend: 'gpu.js/webgpu' });
    // The run's log names the adapter and says it is software, as a run from the CLI does.
    await until('the SeqLab log to name the SwiftShader adapter', async () =>
      findFiles(userDataDir, 'SeqLab.log').some((f) => /gpu\.js:webgpu runs on SwiftShader.*software adapter/.test(readFileSync(f, 'utf8'))), 30_000,
    () => findFiles(userDataDir, 'SeqLab.log').map((f) => readFileSync(f, 'utf8').slice(-2000)).join('\n'));
    mark('webgpu: the run completed on gpu.js/webgpu');
  });
});
