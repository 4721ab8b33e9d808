// Predictions and samples from a trained run's folder, as plain values (what `seqlab predict` and `seqlab sample` print).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { UnusableInputError } from '../../src/runner/diagnostics';
import { loadExperiments } from '../../src/runner/experiment';
import { predictFile } from '../../src/runner/predict';
import { startRun } from '../../src/runner/run';
import { sampleRun } from '../../src/runner/sample';
import { tempWorkspace } from '../helpers/workspace';

test('predictFile gives one label per step for a tagging run; a sequence that does not fit is named by file and line', async () => {
  const rows = Array.from({ length: 20 }, (_, i) => JSON.stringify(i % 2
    ? { x: ['the', 'dog', 'runs'], y: ['D', 'N', 'V'] }
    : { x: ['a', 'cat', 'sits'], y: ['D', 'N', 'V'] }));
  const dir = tempWorkspace({
    'tags.jsonl': rows.join('\n') + '\n',
    'tag.seqlab.json': {
      data: { source: 'jsonl', path: 'tags.jsonl', validation: 0 },
      model: { cell: 'gru', hiddenSize: 4 },
      train: { steps: 3, batchSize: 10 },
      instrumentation: { gradFlowEvery: 0, gatesEvery: 0 },
    },
    'new.jsonl': '{"x": ["the", "cat"]}\n{"x": ["a", "dog", "sits", "runs"], "y": ["D", "N", "V", "V"]}\n',
    'odd.jsonl': '{"x": ["the", "bird"]}\n',
  });
  const [exp] = loadExperiments(join(dir, 'tag.seqlab.json'));
  const run = await startRun(exp, { outDir: join(dir, 'run') });
  const predictions = predictFile(run.runDir, join(dir, 'new.jsonl'));
  assert.deepEqual(predictions.map((p) => (Array.isArray(p) ? p.length : p)), [2, 4]);
  for (const label of predictions.flat()) assert.ok(['D', 'N', 'V'].includes(label as string), String(label));
  assert.throws(() => predictFile(run.runDir, join(dir, 'odd.jsonl')),
    (e) => e instanceof UnusableInputError && /odd\.jsonl:1: token "bird" is not in the training vocabulary/.test(e.message));
  assert.throws(() => sampleRun(run.runDir), (e) => e instanceof UnusableInputError && /sample needs a run trained on text data/.test(e.message));
});
