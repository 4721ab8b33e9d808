// The examples the walkthrough copies: exactly what the .vsix ships of each example, copied without replacing a file
// the user already has, and each example's configs in the order its claim runs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { copyExamples, exampleConfigs, exampleFiles } from '../../src/extension/examples';
import { tempDir, tempWorkspace } from '../helpers/workspace';

const bundled = resolve(__dirname, '../../examples');

test('the copied files are configs, claims, data and READMEs: no generator scripts, checks or runs', () => {
  const src = tempWorkspace({
    'README.md': '# examples', 'check-examples.ts': '//',
    'a/README.md': 'a', 'a/claim.json': '{}', 'a/x.seqlab.json': '{}', 'a/d.csv': '1', 'a/d.jsonl': '{}', 'a/t.txt': 't',
    'a/make_data.py': '#', 'a/check.ts': '//', 'a/.seqlab/runs/r/summary.json': '{}', '.seqlab/runs/r/summary.json': '{}',
  });
  assert.deepEqual(exampleFiles(src), ['README.md', 'a/README.md', 'a/claim.json', 'a/d.csv', 'a/d.jsonl', 'a/t.txt', 'a/x.seqlab.json']);
  const shipped = exampleFiles(bundled);
  for (const f of ['README.md', 'vanishing-gradients/claim.json', 'bidirectional/headlines.jsonl', 'gru-vs-lstm/alice.txt']) assert.ok(shipped.includes(f), f);
  assert.ok(!shipped.some((f) => /\.(py|ts)$/.test(f)));
});

test('copying into a folder keeps every file already there, byte for byte, and adds the missing ones', () => {
  const src = tempWorkspace({ 'README.md': 'index', 'a/x.seqlab.json': '{"seed": 1}', 'a/README.md': 'about a' });
  const dest = join(tempDir(), 'seqlab-examples');
  assert.deepEqual(copyExamples(src, dest), { copied: ['README.md', 'a/README.md', 'a/x.seqlab.json'], kept: [] });
  assert.equal(readFileSync(join(dest, 'a/x.seqlab.json'), 'utf8'), '{"seed": 1}');
  writeFileSync(join(dest, 'a/x.seqlab.json'), '{"seed": 7} // my edit');
  writeFileSync(join(src, 'b.txt'), 'ignored: not in an example folder');
  const again = copyExamples(src, dest);
  assert.deepEqual(again, { copied: [], kept: ['README.md', 'a/README.md', 'a/x.seqlab.json'] });
  assert.equal(readFileSync(join(dest, 'a/x.seqlab.json'), 'utf8'), '{"seed": 7} // my edit');
  assert.ok(!existsSync(join(dest, 'b.txt')));
});

test('an example runs its claim\'s experiments in the claim\'s order, else every config by name', () => {
  const gru = join(bundled, 'gru-vs-lstm');
  assert.deepEqual(exampleConfigs(gru), [join(gru, 'text.seqlab.json'), join(gru, 'multisine.seqlab.json')]);
  const plain = tempWorkspace({ 'b.seqlab.json': '{}', 'a.seqlab.json': '{}', 'notes.txt': '' });
  assert.deepEqual(exampleConfigs(plain), [join(plain, 'a.seqlab.json'), join(plain, 'b.seqlab.json')]);
  const broken = tempWorkspace({ 'claim.json': '{ "claim": ', 'only.seqlab.json': '{}' });
  assert.deepEqual(exampleConfigs(broken), [join(broken, 'only.seqlab.json')]);
});
