// package.json's `contributes` and src/extension/ids.ts name the same commands, views and settings, activate()
// registers every command and view, and the menus, keybindings and `when` clauses refer only to ids that exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installFakeVscode, registry } from './fakeVscode';
import { COMMANDS, DASHBOARD_VIEW_TYPE, RUNNING_CONTEXT, SETTINGS, SETTINGS_SECTION, TREE_ITEMS, VIEWS } from '../../src/extension/ids';

const root = join(import.meta.dirname, '..', '..');

interface Contributes {
  commands: { command: string }[];
  configuration: { properties: Record<string, unknown> };
  keybindings: { command: string; when?: string }[];
  menus: Record<string, { command: string; when?: string }[]>;
  views: Record<string, { id: string }[]>;
  viewsWelcome: { view: string; contents: string }[];
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { activationEvents: string[]; contributes: Contributes };
const c = pkg.contributes;

const sorted = (xs: Iterable<string>) => [...xs].sort();
const commandIds = sorted(Object.values(COMMANDS));
const viewIds = sorted(Object.values(VIEWS));
const menuEntries = Object.values(c.menus).flat();
const whenClauses = [...menuEntries, ...c.keybindings].map((e) => e.when ?? '');

test('package.json contributes exactly the commands, views and settings of ids.ts', () => {
  assert.deepEqual(sorted(c.commands.map((x) => x.command)), commandIds);
  assert.deepEqual(sorted(Object.keys(c.configuration.properties)), sorted(Object.values(SETTINGS).map((s) => `${SETTINGS_SECTION}.${s}`)));
  assert.deepEqual(sorted(Object.values(c.views).flat().map((v) => v.id)), viewIds);
  assert.deepEqual(pkg.activationEvents.filter((e) => e.startsWith('onWebviewPanel:')), [`onWebviewPanel:${DASHBOARD_VIEW_TYPE}`]);
});

test('activate registers every command, both views and the dashboard serializer, and nothing else', async () => {
  installFakeVscode();
  const { activate } = await import('../../src/extension/extension');
  const { fakeVscode } = await import('./fakeVscode');
  const subscriptions: { dispose(): void }[] = [];
  activate({ extensionUri: fakeVscode.Uri.file(root), subscriptions } as never);
  try {
    assert.deepEqual(sorted(registry.commands), commandIds);
    assert.equal(new Set(registry.commands).size, registry.commands.length, 'a command is registered twice');
    assert.deepEqual(registry.treeViews, [VIEWS.experiments]);
    assert.deepEqual(registry.webviewViews, [VIEWS.live]);
    assert.deepEqual(registry.panelSerializers, [DASHBOARD_VIEW_TYPE]);
  } finally {
    for (const s of subscriptions) s.dispose();
  }
});

test('menus, keybindings and welcome links name only declared commands', () => {
  const declared = new Set(commandIds);
  for (const e of [...menuEntries, ...c.keybindings]) assert.ok(declared.has(e.command), `${e.command} is not a declared command`);
  for (const w of c.viewsWelcome) {
    for (const [, id] of w.contents.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(declared.has(id), `welcome link to undeclared ${id}`);
  }
});

test('when clauses name declared views, tree item kinds the tree produces, and the running context key', () => {
  const items = Object.values(TREE_ITEMS) as string[];
  for (const when of [...whenClauses, ...c.viewsWelcome.map((w) => `view == ${w.view}`)]) {
    for (const [, id] of when.matchAll(/\bview == ([\w.]+)/g)) assert.ok(viewIds.includes(id), `"${when}": no view ${id}`);
    for (const [, id] of when.matchAll(/\bviewItem == ([\w.]+)/g)) assert.ok(items.includes(id), `"${when}": no tree item ${id}`);
    for (const [, src] of when.matchAll(/\bviewItem =~ \/(.+?)\/(?:\s|$)/g)) {
      assert.ok(items.some((i) => new RegExp(src).test(i)), `"${when}": /${src}/ matches no tree item`);
    }
    const keys = when.replace(/\b(view|viewItem|resourceFilename) (==|=~) \S+/g, '').match(/\bseqlab\.[\w.]+/g) ?? [];
    for (const key of keys) assert.equal(key, RUNNING_CONTEXT, `"${when}": unknown context key ${key}`);
  }
});
