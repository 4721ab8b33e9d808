// `seqlab evaluate`: a trained run scored again, on its validation data or on another file of its format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempWorkspace } from '../helpers/workspace';
import { cli } from './helpers';

const line = (i: number) => JSON.stringify({ x: i % 2 ? ['good', 'fun'] : ['bad', 'dull', 'bad'], y: i % 2 ? 'pos' : 'neg' });

test('evaluate repeats the run\'s last validation score, explains each metric, and scores another JSONL file', () => {
  const dir = tempWorkspace({
    'd.jsonl': Array.from({ length: 40 }, (_, i) => line(i)).join('\n') + '\n',
    'c.seqlab.json': {
      data: { source: 'jsonl', path: 'd.jsonl', validation: 0.25 },
      model: { cell: 'gru', hiddenSize: 6, embedding: { dim: 4 } },
      train: { steps: 40, batchSize: 10, optimizer: { type: 'adam', lr: 0.05 }, evalEvery: 20 },
      instrumentation: { gradFlowEvery: 0, gatesEvery: 0 },
    },
  });
  assert.equal(cli(['run', 'c.seqlab.json', '--out', 'run'], dir).code, 0);
  const last = readFileSync(join(dir, 'run/metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; step: number; valLoss: number; metrics: Record<string, number> })
    .filter((r) => r.kind === 'eval').at(-1)!;
  assert.equal(last.step, 40);
  const ev = cli(['evaluate', 'run'], dir);
  assert.equal(ev.code, 0, ev.stderr);
  assert.match(ev.stdout, /^10 validation sequences$/m);
  const valLoss = Number(/^valLoss (\S+)  \(loss \(cross_entropy\) over the validation data; nats per prediction/m.exec(ev.stdout)![1]);
  assert.ok(Math.abs(valLoss - last.valLoss) < 1e-3 * last.valLoss, `${valLoss} vs the run's ${last.valLoss}`);
  assert.match(ev.stdout, new RegExp(`^accuracy ${last.metrics.accuracy.toPrecision(4).replace('.', '\\.')}  \\(share of validation predictions`, 'm'));
  assert.match(ev.stdout, /^majorityAccuracy \S+  \(accuracy of always predicting the most common validation class; fraction 0–1\)$/m);

  writeFileSync(join(dir, 'held.jsonl'), [line(1), line(2), line(3)].join('\n') + '\n');
  const held = cli(['evaluate', 'run', 'held.jsonl'], dir);
  assert.equal(held.code, 0, held.stderr);
  assert.match(held.stdout, /^3 sequences of held\.jsonl$/m);
  assert.match(held.stdout, /^accuracy (0|0\.3333|0\.6667|1\.000)  /m);
  writeFileSync(join(dir, 'odd.jsonl'), line(1) + '\n' + JSON.stringify({ x: ['good'], y: 'meh' }) + '\n');
  const odd = cli(['evaluate', 'run', 'odd.jsonl'], dir);
  assert.equal(odd.code, 2);
  assert.match(odd.stderr, /odd\.jsonl:2:1: error: line 2: label "meh" is not one of the training file's labels \(neg, pos\)/);
});
