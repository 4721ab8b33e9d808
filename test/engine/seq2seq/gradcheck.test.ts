// Finite-difference gradient checks (float64 reference backend) of the sequence-to-sequence model: every attention
// type, cell, encoder feature and decoder option, with padding on both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ForwardBackwardOptions } from '../../../src/engine/model';
import { fixedDropout, gradCheck } from '../helpers/models';
import { seq2seqBatch, seq2seqModel, seq2seqSpec, type Seq2SeqOverrides } from './helpers';

const TOL = 1e-6;

const attentions = ['additive', 'dot', 'general', 'none'] as const;
const cells: Record<string, Seq2SeqOverrides> = {
  'rnn tanh': { cell: 'rnn' },
  lstm: { cell: 'lstm' },
  'gru resetAfter': { cell: 'gru' },
  'gru resetBefore': { cell: 'gru', variant: 'resetBefore' },
};

interface Case { spec: Seq2SeqOverrides; teacherForcing?: number; dropout?: boolean; lengths?: number[]; targetLengths?: number[] }

const cases: Record<string, Case> = {
  'teacher forcing, padded sources and targets': { spec: {}, lengths: [4, 2, 3], targetLengths: [3, 5, 1] },
  '2 layers': { spec: { numLayers: 2 }, targetLengths: [5, 2, 4] },
  'bidirectional encoder (bridge)': { spec: { bidirectional: true }, lengths: [4, 1, 3] },
  'bidirectional 2 layers': { spec: { bidirectional: true, numLayers: 2 }, lengths: [2, 4, 3], targetLengths: [2, 5, 3] },
  'input feeding': { spec: { decoder: { inputFeeding: true } }, lengths: [4, 3, 2], targetLengths: [5, 3, 4] },
  'teacher forcing 0.5 (stepwise, some steps fed the prediction)': { spec: {}, teacherForcing: 0.5, targetLengths: [5, 4, 5] },
  'teacher forcing 0 with input feeding, 2 layers': { spec: { numLayers: 2, decoder: { inputFeeding: true } }, teacherForcing: 0 },
  'encoder layer norm, residual, dropout': { spec: { numLayers: 2, layerNorm: true, residual: true, dropout: 0.3 }, dropout: true, lengths: [4, 3, 1] },
};

for (const attention of attentions)
  for (const [cellName, cellSpec] of Object.entries(cells))
    for (const [caseName, c] of Object.entries(cases)) {
      const spec = seq2seqSpec({ ...cellSpec, ...c.spec, decoder: { ...c.spec.decoder, attention } });
      if (attention === 'dot' && spec.bidirectional) continue; // dot needs De = H: a config error (params test)
      if (attention === 'none' && spec.decoder!.inputFeeding) continue;
      test(`seq2seq gradcheck: ${attention}, ${cellName}, ${caseName}`, () => {
        const model = seq2seqModel(spec);
        const batch = seq2seqBatch(spec, 3, 4, 5, 5, c.lengths ?? null, c.targetLengths ?? null);
        const draws = fixedDropout(29);
        const random = c.dropout || c.teacherForcing !== undefined;
        const opts = (): ForwardBackwardOptions => ({
          train: c.dropout ?? false, tbptt: null, teacherForcing: c.teacherForcing, dropoutRandom: random ? draws() : undefined,
        });
        const { worst, norms } = gradCheck(model, batch, 'cross_entropy', opts);
        for (const [name, err] of worst) assert.ok(err < TOL, `${name}: relative error ${err}`);
        for (const [name, norm] of norms) assert.ok(norm > 0, `${name}: gradient is identically zero, the check exercised nothing`);
      });
    }
