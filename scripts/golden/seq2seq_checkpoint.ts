// Writes test/fixtures/golden/seq2seq-checkpoint/{spec.json, seqlab.safetensors}: a sequence-to-sequence model's
// parameters initialized and saved by SeqLab, for scripts/golden/seq2seq_golden.py to load into its PyTorch module
// with load_state_dict(strict=True). Run by `npm run golden` before the Python scripts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createReferenceBackend } from '../../src/engine/backends/reference';
import { initialize } from '../../src/engine/init';
import { createModel } from '../../src/engine/model';
import { Rng } from '../../src/engine/rng';
import type { ModelSpec } from '../../src/engine/spec';
import { exportParams } from '../../src/engine/statedict';
import { writeSafetensors } from '../../src/runner/safetensors';

/** Every kind of parameter at once: bidirectional LSTM encoder (bridge and bridge_c), additive attention, input feeding. */
export const ROUNDTRIP_SPEC: ModelSpec = {
  cell: 'lstm', variant: 'resetAfter', nonlinearity: 'tanh', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true,
  dropout: 0, residual: false, layerNorm: false, transformer: null, embedding: { vocabSize: 7, dim: 3 },
  decoder: { vocabSize: 6, embeddingDim: 3, attention: 'additive', inputFeeding: true, startToken: 1, endToken: 2, maxLength: 6 },
  head: { output: 'all', size: 6, activation: 'none' },
};

const dir = join(__dirname, '..', '..', 'test', 'fixtures', 'golden', 'seq2seq-checkpoint');
mkdirSync(dir, { recursive: true });
const model = createModel(ROUNDTRIP_SPEC, createReferenceBackend('float64'));
initialize(model.params, ROUNDTRIP_SPEC, { scheme: 'pytorch', forgetBias: null }, new Rng(7));
writeFileSync(join(dir, 'spec.json'), JSON.stringify(ROUNDTRIP_SPEC, null, 2) + '\n');
writeSafetensors(join(dir, 'seqlab.safetensors'), exportParams(model.params), { format: 'pt' });
console.log(`wrote ${join(dir, 'seqlab.safetensors')}`);
