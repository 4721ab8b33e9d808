// The PyTorch export of sequence-to-sequence models: train.py trains what SeqLab trains (teacher-forced losses, with
// SeqLab's coin flips below 1, gradient norms, gradient flow over the encoder's source steps, validation loss and
// greedy-decoding scores, gate traces, alignments, final weights), on one process or two (DDP), and runs move both
// ways; what it cannot reproduce (teacher forcing below 1 with encoder dropout) is refused at its config field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSpec } from '../../../src/engine/spec';
import type { AlignmentRecord, EvalRecord, TaskRecord } from '../../../src/runner/events';
import { readJsonl } from '../../../src/runner/runDir';
import { exportConfig } from '../../../src/runner/export/pytorch';
import { InputError } from '../../../src/runner/diagnostics';
import { corpusBleu, exactMatch, tokenAccuracy } from '../../../src/runner/seq2seq/metrics';
import { readSnapshot } from '../../../src/runner/snapshot';
import { exportAndTrain, newestRun, PYTHON, requireTorch, runIn } from '../../helpers/pytorchExport';
import { tempWorkspace } from '../../helpers/workspace';
import { SEQ2SEQ_CASES } from './cases';
import { assertMovesBothWays, assertSameRun, exportedOnce, records, seqlabRun } from './parity';

/** The validation examples and beam hypotheses in tasks.jsonl: the same texts, BLEU, log-probabilities and scores. */
function assertSameTranslations(seqlab: string, torch: string): void {
  const views = (d: string) => readJsonl<TaskRecord>(join(d, 'tasks.jsonl')).filter((r) => r.kind === 'translations' || r.kind === 'beams');
  const [a, b] = [views(seqlab), views(torch)];
  assert.deepEqual(b.map((r) => [r.kind, r.step]), a.map((r) => [r.kind, r.step]));
  const near = (x: number, y: number, what: string) => assert.ok(Math.abs(x - y) <= 1e-5 * Math.max(Math.abs(x), 1e-8), `${what}: SeqLab ${x}, PyTorch ${y}`);
  a.forEach((r, i) => {
    const o = b[i];
    if (r.kind === 'translations' && o.kind === 'translations') {
      assert.equal(o.examples.length, r.examples.length);
      r.examples.forEach((x, j) => {
        const y = o.examples[j];
        assert.deepEqual([y.source, y.reference, y.greedy, y.beam], [x.source, x.reference, x.greedy, x.beam], `step ${r.step} example ${j}`);
        near(x.greedyBleu, y.greedyBleu, `step ${r.step} example ${j} greedy BLEU`);
        near(x.beamBleu, y.beamBleu, `step ${r.step} example ${j} beam BLEU`);
      });
    } else if (r.kind === 'beams' && o.kind === 'beams') {
      assert.deepEqual([o.probe, o.source, o.hypotheses.map((h) => [h.text, h.finished])], [r.probe, r.source, r.hypotheses.map((h) => [h.text, h.finished])]);
      r.hypotheses.forEach((h, j) => {
        near(h.logProb, o.hypotheses[j].logProb, `step ${r.step} hypothesis ${j} log p`);
        near(h.score, o.hypotheses[j].score, `step ${r.step} hypothesis ${j} score`);
      });
    }
  });
}

const COINS = 'sequence-to-sequence: RNN tanh, dot attention, teacher forcing 0.5 (SeqLab\'s coin flips), AdamW';

const exported = exportedOnce(SEQ2SEQ_CASES);

for (const name of Object.keys(SEQ2SEQ_CASES)) {
  test(`train.py matches SeqLab: ${name}`, async () => {
    const e = exported(name);
    const seqlab = await seqlabRun(e);
    assertSameRun(seqlab, e.runDir);
    assertSameTranslations(seqlab, e.runDir);
    // the comparison covered decoding scores and alignments, not just their absence
    const evals = records<EvalRecord>(e.runDir, 'metrics.jsonl', 'eval');
    assert.deepEqual(Object.keys(evals[0].metrics).sort(), ['bleu', 'exactMatch', 'tokenAccuracy']);
    const tasks = readJsonl<TaskRecord>(join(e.runDir, 'tasks.jsonl'));
    assert.deepEqual(tasks.map((r) => [r.kind, r.step]), [['translations', 12], ['beams', 12], ['translations', 24], ['beams', 24]]);
    const aligned = records<AlignmentRecord>(e.runDir, 'attention.jsonl', 'alignment');
    assert.equal(aligned.length, 3 * 2, 'probes 0 and 1 at steps 0, 2 and 4');
    const { attention } = (JSON.parse(readFileSync(join(e.exportDir, 'seqlab-export.json'), 'utf8')) as { model: ModelSpec }).model.decoder!;
    for (const a of aligned) {
      if (attention === 'none') assert.deepEqual(a.weights, []);
      else assert.ok(a.weights.length === a.target.length && a.weights.every((w) => w.length === a.source.length));
    }
  });
}

test('a sequence-to-sequence run with teacher forcing 0.5 moves both ways: SeqLab resumes its train.py run, train.py resumes its own, each ending as one run', async () => {
  const e = exportAndTrain(SEQ2SEQ_CASES[COINS].files, ['--steps', '12']);
  await assertMovesBothWays(e);
});

test('the runner reads a sequence-to-sequence train.py run as its own: completed, with alignments beside gates and gradient flow', () => {
  const snap = readSnapshot('x', exported(COINS).runDir);
  assert.equal(snap.summary?.status, 'completed');
  assert.equal(snap.summary?.steps, 24);
  assert.deepEqual([...new Set(snap.records.map((r) => r.kind))].sort(), ['alignment', 'eval', 'gates', 'gradflow', 'step']);
});

test('torchrun with 2 processes (DDP, gloo, CPU) trains a sequence-to-sequence model with teacher forcing 0.5 as one process does', () => {
  const one = exported(COINS);
  runIn(one.exportDir, PYTHON, ['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1', 'train.py',
    '--device', 'cpu', '--runs-dir', join(one.workspace, 'ddp-runs')]);
  assertSameRun(one.runDir, newestRun(join(one.workspace, 'ddp-runs')));
});

test('exporting teacherForcing below 1 with encoder dropout is refused at train.teacherForcing, writing nothing', () => {
  const dir = tempWorkspace({ 's2s.seqlab.json': { data: { source: 'reverse' }, model: { cell: 'gru', hiddenSize: 8, numLayers: 2, dropout: 0.2, embedding: { dim: 4 }, decoder: {} }, train: { teacherForcing: 0.5 } } });
  assert.throws(() => exportConfig(join(dir, 's2s.seqlab.json'), join(dir, 'out')), (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.equal(e.diagnostics[0].path, 'train.teacherForcing');
    assert.match(e.diagnostics[0].message, /teacherForcing 0\.5 and encoder dropout is not supported yet: .*set teacherForcing to 1 or model\.dropout to 0/);
    assert.ok(e.diagnostics[0].offset > 0, 'ranged at the field, not the file\'s start');
    return true;
  });
  assert.equal(existsSync(join(dir, 'out')), false);
});

test('train.py scores decodings as SeqLab does: corpus BLEU on the NLTK fixture corpora, exact match and token accuracy', () => {
  requireTorch();
  const c = Object.values(SEQ2SEQ_CASES)[0];
  const dir = tempWorkspace(c.files);
  const [{ dir: exported }] = exportConfig(join(dir, 'exp.seqlab.json'), join(dir, 'export'));
  const corpora = (JSON.parse(readFileSync(join(__dirname, '../../fixtures/bleu/nltk.json'), 'utf8')) as { corpora: { references: string[][]; hypotheses: string[][]; corpusBleu: number }[] }).corpora;
  const script = `
import json, sys, train
out = [[train.corpus_bleu(c["references"], c["hypotheses"]), train.exact_match(c["references"], c["hypotheses"]),
        train.token_accuracy(c["references"], c["hypotheses"])] for c in json.load(sys.stdin)]
print(json.dumps(out))`;
  const r = spawnSync(PYTHON, ['-c', script], { cwd: exported, input: JSON.stringify(corpora), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const scores = JSON.parse(r.stdout) as number[][];
  assert.ok(corpora.some((k) => k.corpusBleu > 40 && k.corpusBleu < 100) && corpora.some((k) => exactMatch(k.references, k.hypotheses) > 0));
  corpora.forEach((k, i) => {
    const [bleu, exact, accuracy] = scores[i];
    assert.ok(Math.abs(bleu - k.corpusBleu) < 1e-9 && Math.abs(bleu - corpusBleu(k.references, k.hypotheses)) < 1e-9, `corpus ${i} bleu: ${bleu} vs NLTK ${k.corpusBleu}`);
    assert.equal(exact, exactMatch(k.references, k.hypotheses), `corpus ${i} exact match`);
    assert.ok(Math.abs(accuracy - tokenAccuracy(k.references, k.hypotheses)) < 1e-12, `corpus ${i} token accuracy`);
  });
});

test('the export README of a sequence-to-sequence model describes its encoder, decoder, teacher forcing and records', () => {
  const readme = (name: string) => {
    const dir = tempWorkspace(SEQ2SEQ_CASES[name].files);
    const [{ dir: exported }] = exportConfig(join(dir, 'exp.seqlab.json'), join(dir, 'export'));
    return readFileSync(join(exported, 'README.md'), 'utf8');
  };
  const lstm = readme(Object.keys(SEQ2SEQ_CASES)[1]);
  assert.match(lstm, /Model: encoder: 2-layer LSTM, hidden 4, bidirectional, embedding 3; decoder: the same cells, target embedding 3, general attention with input feeding, \d+ target tokens, started through a tanh bridge from both directions\./);
  assert.match(lstm, /\| `model.py` \| .*an encoder and a decoder of torch's RNN\/GRU\/LSTM modules/);
  assert.match(lstm, /gates\.jsonl \(the encoder's gate traces\), attention\.jsonl/);
  assert.match(lstm, /every decoder step is fed the reference token/);
  assert.match(lstm, /tasks\.jsonl gets the first 2\s+validation pairs decoded greedily and by beam search \(width 2, ranked by log p \/ length\^1\)/);
  assert.doesNotMatch(lstm, /head "all"|selfattention|key biases/);
  assert.match(readme(COINS), /fed the reference token when a draw of SeqLab's own generator .* is below 0\.5/s);
});
