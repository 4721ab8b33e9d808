// `seqlab run` and `seqlab predict` on a sequence-to-sequence run: JSONL {"source"} and plain-text inputs, --beam.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempWorkspace } from '../helpers/workspace';
import { cli } from './helpers';

const CONFIG = {
  seed: 1,
  data: { source: 'pairs', path: 'pairs.tsv', validation: 0.1 },
  model: { cell: 'lstm', hiddenSize: 24, embedding: { dim: 12 }, decoder: { attention: 'general', embedding: { dim: 12 } } },
  train: { steps: 250, batchSize: 16, optimizer: { type: 'adam', lr: 0.01 }, evalEvery: 0 },
  decode: { beam: 2, maxLength: 8 },
};
/** Words to their upper case: a copy task the model learns in a few hundred steps. */
const WORDS = ['cab', 'bad', 'dab', 'abc', 'cad', 'bac', 'acd', 'dca', 'bbc', 'ddb', 'cca', 'aab', 'bcd', 'dcb', 'abd', 'bda', 'cdb', 'adc'];

test('predict decodes each source of a JSONL or text file into one JSON string per line, greedy or by beam', () => {
  const tsv = WORDS.map((w) => `${w}\t${w.toUpperCase()}`).join('\n') + '\n';
  const dir = tempWorkspace({ 'pairs.tsv': tsv.repeat(3), 'up.seqlab.json': CONFIG, 'in.jsonl': '{"source": "cab"}\n{"source": "dcb", "target": "ignored"}\n', 'in.txt': 'bad\nacd\n' });
  const run = cli(['run', 'up.seqlab.json', '--out', 'run'], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /exactMatch [\d.]+, tokenAccuracy [\d.]+, bleu [\d.]+/);
  assert.ok(readdirSync(join(dir, 'run')).includes('attention.jsonl'));
  const json = cli(['predict', 'run', 'in.jsonl'], dir);
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(json.stdout.trim().split('\n').map((l) => JSON.parse(l) as string), ['CAB', 'DCB']);
  for (const beam of ['1', '3']) {
    const txt = cli(['predict', 'run', 'in.txt', '--beam', beam], dir);
    assert.equal(txt.code, 0, txt.stderr);
    assert.deepEqual(txt.stdout.trim().split('\n').map((l) => JSON.parse(l) as string), ['BAD', 'ACD'], `--beam ${beam}`);
  }
  const bad = cli(['predict', 'run', 'in.txt', '--beam', '1.5'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--beam must be a positive integer, got 1\.5/);
  const broken = tempWorkspace({ 'b.jsonl': '{"source": 5}\n' });
  const r = cli(['predict', join(dir, 'run'), 'b.jsonl'], broken);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /b\.jsonl:1:12: error: line 1 field "source": expected a string, got number/);
});
