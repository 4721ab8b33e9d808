// Records a real sequence-to-sequence run (string reversal, additive attention) for the webview tests: its config,
// summary, metrics, gradient flow, attention alignments and translation views, without checkpoints and gate traces
// (the alignment panel is what these fixtures exercise).
// Run: npx tsx test/webview/makeSeq2SeqFixture.ts   (writes test/fixtures/runs/webview-reverse)
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperiments } from '../../src/runner/experiment';
import { startRun } from '../../src/runner/run';
import { fixturesDir } from './fixtureRuns';

const CONFIG = {
  name: 'webview-reverse', seed: 5,
  data: { source: 'reverse', minLength: 5, maxLength: 9, symbols: 8, trainSize: 2000, validationSize: 40 },
  model: { cell: 'gru', hiddenSize: 24, bidirectional: true, embedding: { dim: 12 }, decoder: { attention: 'additive', embedding: { dim: 12 } } },
  train: { steps: 240, batchSize: 32, optimizer: { type: 'adam', lr: 0.006 }, evalEvery: 80, checkpointEvery: 0 },
  backend: { name: 'reference' },
  instrumentation: { stepEvery: 4, gradFlowEvery: 40, gatesEvery: 40, probes: [0, 1] },
  decode: { beam: 3, maxLength: 12, examples: 6 },
};

async function main(): Promise<void> {
  const work = join(tmpdir(), `seqlab-fixture-${process.pid}`);
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'reverse.seqlab.json'), JSON.stringify(CONFIG));
  const r = await startRun(loadExperiments(join(work, 'reverse.seqlab.json'))[0], { outDir: join(work, 'run') });
  const out = join(fixturesDir, 'webview-reverse');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const f of ['config.json', 'summary.json', 'metrics.jsonl', 'gradflow.jsonl', 'attention.jsonl', 'tasks.jsonl']) copyFileSync(join(r.runDir, f), join(out, f));
  rmSync(work, { recursive: true, force: true });
  console.log(`wrote ${out} (${r.summary.status}, exactMatch ${r.summary.metrics.exactMatch})`);
}

void main();
