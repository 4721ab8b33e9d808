import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configLenses } from '../../src/extension/codeLensModel';

test('lenses sit on the line of the opening brace, after leading comments', () => {
  const text = '// adding problem\n// second comment\n{\n  "name": "adding"\n}\n';
  assert.deepEqual(configLenses(text, 0), { line: 2, actions: ['run'] });
});

test('"Open last run" needs a run and "Compare" two', () => {
  const text = '{ "name": "x" }';
  assert.deepEqual(configLenses(text, 1)?.actions, ['run', 'openLastRun']);
  assert.deepEqual(configLenses(text, 3)?.actions, ['run', 'openLastRun', 'compare']);
});

test('a config with a non-empty sweep also offers Run Sweep; an empty sweep does not', () => {
  assert.deepEqual(configLenses('{ "sweep": { "model.cell": ["rnn", "gru"] } }', 0)?.actions, ['run', 'sweep']);
  assert.deepEqual(configLenses('{ "sweep": {} }', 0)?.actions, ['run']);
});

test('no lenses when the file is not a JSON object', () => {
  assert.equal(configLenses('', 0), null);
  assert.equal(configLenses('[1, 2]', 0), null);
});
