// The Getting Started walkthrough: after "Get the examples", one step per claim in the catalog's order, each opening and
// running its example with one click, each with a markdown page that exists and ships in the .vsix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { COMMANDS, WALKTHROUGH } from '../../src/extension/ids';
import { CATALOG } from '../../src/runner/claims/catalog';

const root = resolve(__dirname, '../..');

interface Step { id: string; title: string; description: string; media: { markdown?: string } }
const pkg = require(join(root, 'package.json')) as { contributes: { commands: { command: string }[]; walkthroughs: { id: string; steps: Step[] }[] } };
const [walkthrough] = pkg.contributes.walkthroughs;
const links = (s: Step) => [...s.description.matchAll(/\]\(command:([\w.]+)(?:\?([^)]*))?\)/g)].map((m) => ({ id: m[1], args: m[2] ? JSON.parse(decodeURIComponent(m[2])) as unknown : [] }));

test('the walkthrough starts with copying the examples, then takes the claims in catalog order', () => {
  assert.equal(pkg.contributes.walkthroughs.length, 1);
  assert.equal(walkthrough.id, WALKTHROUGH);
  assert.deepEqual(walkthrough.steps.map((s) => s.id), ['getExamples', ...CATALOG.map((c) => c.folder)]);
  assert.deepEqual(links(walkthrough.steps[0]), [{ id: COMMANDS.openExamples, args: [] }]);
});

test('each claim step opens and runs its own example with one click', () => {
  for (const step of walkthrough.steps.slice(1)) {
    assert.deepEqual(links(step), [{ id: COMMANDS.openExample, args: [step.id] }, { id: COMMANDS.runExample, args: [step.id] }], step.id);
    if (existsSync(join(root, 'examples', step.id, 'claim.json'))) assert.match(step.description, /\*\*[^*]+\*\*/, `${step.id}: names the view to look at`);
  }
  const declared = new Set(pkg.contributes.commands.map((c) => c.command));
  for (const l of walkthrough.steps.flatMap(links)) assert.ok(declared.has(l.id), l.id);
});

test('every claim step whose example exists shows that example\'s README; the rest say which example brings them', () => {
  for (const step of walkthrough.steps) {
    const media = step.media.markdown!;
    assert.ok(existsSync(join(root, media)), `${step.id}: ${media} is missing`);
    assert.match(media, /^examples\/([\w-]+\/)?README\.md$/, `${step.id}: media ships through .vscodeignore's README patterns`);
    const bundled = existsSync(join(root, 'examples', step.id, 'claim.json'));
    if (bundled) assert.equal(media, `examples/${step.id}/README.md`);
    else if (step.id !== 'getExamples') assert.match(step.title, new RegExp(`added by examples/${step.id}/`), step.id);
  }
});
