// Predictions and samples from a trained run's folder, as plain values (what `seqlab predict` and `seqlab sample` print).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UnusableInputError } from '../../src/runner/diagnostics';
import { loadExperiments } from '../../src/runner/experiment';
import { predictFile } from '../../src/runner/predict';
import { resumeRun, startRun } from '../../src/runner/run';
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
  // Every training word is frequent, so there is no <unk>: the line gets no prediction, with a warning, not an error.
  const warnings: string[] = [];
  const odd = predictFile(run.runDir, join(dir, 'odd.jsonl'), { onLog: (level, m) => { if (level === 'warning') warnings.push(m); } });
  assert.deepEqual(odd, [null]);
  assert.match(warnings.join('\n'), /odd\.jsonl:1: no prediction: "bird" not in the training vocabulary, which has no <unk>/);
  assert.throws(() => sampleRun(run.runDir), (e) => e instanceof UnusableInputError && /sample needs a run trained on text data/.test(e.message));
});

test('a run folder written before the GRU variants were renamed still predicts and resumes', async () => {
  const rows = Array.from({ length: 12 }, (_, i) => JSON.stringify({ x: [[i / 12], [1 - i / 12]], y: [i / 12] }));
  const dir = tempWorkspace({
    'reg.jsonl': rows.join('\n') + '\n',
    'reg.seqlab.json': {
      data: { source: 'jsonl', path: 'reg.jsonl', validation: 0 },
      model: { cell: 'gru', variant: 'resetBefore', hiddenSize: 3 },
      train: { steps: 2, batchSize: 4, checkpointEvery: 1 },
      instrumentation: { gradFlowEvery: 0, gatesEvery: 0 },
    },
  });
  const [exp] = loadExperiments(join(dir, 'reg.seqlab.json'));
  const run = await startRun(exp, { outDir: join(dir, 'run') });
  const before = predictFile(run.runDir, join(dir, 'reg.jsonl'));
  // What an older SeqLab stored: the same run under the variant's former name.
  const stored = join(run.runDir, 'config.json');
  writeFileSync(stored, readFileSync(stored, 'utf8').replace('"resetBefore"', '"seed"'));
  assert.match(readFileSync(stored, 'utf8'), /"variant": ?"seed"/);
  assert.deepEqual(predictFile(run.runDir, join(dir, 'reg.jsonl')), before);
  const resumed = await resumeRun(run.runDir);
  assert.equal(resumed.summary.status, 'completed');
});

test('a token run written before data.minFreq (every word kept) still predicts with its own vocabulary', async () => {
  // Each run has a word of its own: with minFreq 2 they would all be <unk>, and the embedding one row shorter.
  const rows = Array.from({ length: 12 }, (_, i) => JSON.stringify({ x: [i % 2 ? 'up' : 'down', `w${i}`], y: i % 2 ? 'u' : 'd' }));
  const dir = tempWorkspace({
    'w.jsonl': rows.join('\n') + '\n',
    'w.seqlab.json': {
      data: { source: 'jsonl', path: 'w.jsonl', validation: 0, minFreq: 1 },
      model: { cell: 'gru', hiddenSize: 3 },
      train: { steps: 2, batchSize: 4 },
      instrumentation: { gradFlowEvery: 0, gatesEvery: 0 },
    },
  });
  const [exp] = loadExperiments(join(dir, 'w.seqlab.json'));
  const run = await startRun(exp, { outDir: join(dir, 'run') });
  const before = predictFile(run.runDir, join(dir, 'w.jsonl'));
  // What an older SeqLab stored: the resolved config without minFreq (and the user's config without it too).
  const stored = join(run.runDir, 'config.json');
  writeFileSync(stored, readFileSync(stored, 'utf8').replace(/,?\s*"minFreq": ?1/, ''));
  writeFileSync(join(dir, 'w.seqlab.json'), readFileSync(join(dir, 'w.seqlab.json'), 'utf8').replace(/,?\s*"minFreq": ?1/, ''));
  assert.doesNotMatch(readFileSync(stored, 'utf8'), /minFreq/);
  assert.deepEqual(predictFile(run.runDir, join(dir, 'w.jsonl')), before);
});
