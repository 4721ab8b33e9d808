// The PyTorch export of sequence-to-sequence models: train.py trains what SeqLab trains (teacher-forced losses,
// gradient norms, gradient flow over the encoder's source steps, validation loss and greedy-decoding scores, gate
// traces, alignments, final weights), and what it cannot reproduce yet is refused at its config field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AlignmentRecord, EvalRecord } from '../../../src/runner/events';
import { exportConfig } from '../../../src/runner/export/pytorch';
import { InputError } from '../../../src/runner/diagnostics';
import { exportAndTrain } from '../../helpers/pytorchExport';
import { tempWorkspace } from '../../helpers/workspace';
import { SEQ2SEQ_CASES } from './cases';
import { assertSameRun, records, seqlabRun } from './parity';

for (const [name, c] of Object.entries(SEQ2SEQ_CASES)) {
  test(`train.py matches SeqLab: ${name}`, async () => {
    const e = exportAndTrain(c.files, [], { shardBytes: c.shardBytes });
    const seqlab = await seqlabRun(e);
    assertSameRun(seqlab, e.runDir);
    // the comparison covered decoding scores and alignments, not just their absence
    const evals = records<EvalRecord>(e.runDir, 'metrics.jsonl', 'eval');
    assert.deepEqual(Object.keys(evals[0].metrics).sort(), ['bleu', 'exactMatch', 'tokenAccuracy']);
    const aligned = records<AlignmentRecord>(e.runDir, 'attention.jsonl', 'alignment');
    assert.equal(aligned.length, 3 * 2, 'probes 0 and 1 at steps 0, 2 and 4');
    for (const a of aligned) assert.ok(a.weights.length === a.target.length && a.weights.every((w) => w.length === a.source.length));
  });
}

test('exporting a sequence-to-sequence config with teacherForcing below 1 is refused at train.teacherForcing, writing nothing', () => {
  const dir = tempWorkspace({ 's2s.seqlab.json': { data: { source: 'reverse' }, model: { cell: 'gru', hiddenSize: 8, embedding: { dim: 4 }, decoder: {} }, train: { teacherForcing: 0.5 } } });
  assert.throws(() => exportConfig(join(dir, 's2s.seqlab.json'), join(dir, 'out')), (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.equal(e.diagnostics[0].path, 'train.teacherForcing');
    assert.match(e.diagnostics[0].message, /teacherForcing 0\.5 is not supported yet: .*set teacherForcing to 1/);
    assert.ok(e.diagnostics[0].offset > 0, 'ranged at the field, not the file\'s start');
    return true;
  });
  assert.equal(existsSync(join(dir, 'out')), false);
});
