// ONNX export: a trained run written as ONNX and run in onnxruntime-node gives SeqLab's predictions to float32
// precision, for ONNX's own RNN/GRU/LSTM operators (with the gate reorderings and the resetBefore z flip) and for the
// Scan of plain ops that layer norm needs, with ragged lengths, residual stacks, embeddings and every head.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Batch } from '../../../src/engine/batch';
import { Rng } from '../../../src/engine/rng';
import { InputError } from '../../../src/runner/diagnostics';
import { exportOnnx } from '../../../src/runner/export/onnx/index';
import { loadExperiments } from '../../../src/runner/experiment';
import { startRun } from '../../../src/runner/run';
import { loadTrainedModel } from '../../../src/runner/savedRun';
import { tempWorkspace } from '../../helpers/workspace';

/** The part of onnxruntime-node's API used here (typed locally: the package is a devDependency only these tests use). */
interface OrtTensor { dims: readonly number[]; data: unknown }
interface Ort {
  InferenceSession: { create(file: string): Promise<{ run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>> }> };
  Tensor: new (type: 'int64' | 'float32', data: BigInt64Array | Float32Array, dims: number[]) => OrtTensor;
}

function onnxRuntime(): Ort {
  try {
    return require('onnxruntime-node') as Ort;
  } catch (e) {
    throw new Error(`onnxruntime-node (npm devDependency) is missing; npm ci installs it: ${(e as Error).message}`);
  }
}

const TOKENS = ['a b c', 'b c', 'c a b a', 'a', 'b b c a c'].map((s, i) => JSON.stringify({ x: s.split(' '), y: i % 2 ? 'p' : 'q' })).join('\n');

const adding = { source: 'adding', length: 6, trainSize: 8, validationSize: 3 };
const copy = { source: 'copy', delay: 1, copyLength: 2, symbols: 3, trainSize: 8, validationSize: 3 };
const CASES: Record<string, object> = {
  'LSTM operator: 2 bidirectional layers with a residual connection, last step': { data: adding, model: { cell: 'lstm', hiddenSize: 4, numLayers: 2, bidirectional: true, residual: true } },
  'GRU operator, resetAfter (linear_before_reset=1): attention head with a sigmoid': { data: adding, model: { cell: 'gru', hiddenSize: 5, head: { output: 'attention', activation: 'sigmoid' } } },
  'GRU operator, resetBefore (z flipped): every step with a softmax': { data: copy, model: { cell: 'gru', variant: 'resetBefore', hiddenSize: 4, numLayers: 2, bidirectional: true, head: { activation: 'softmax' } } },
  'RNN operator, relu': { data: adding, model: { cell: 'rnn', nonlinearity: 'relu', hiddenSize: 3, numLayers: 2 } },
  'Scan with layer norm: LSTM, bidirectional, embedding': { data: { source: 'jsonl', path: 't.jsonl', validation: 0 }, model: { cell: 'lstm', hiddenSize: 3, layerNorm: true, bidirectional: true, embedding: { dim: 2 } } },
  'Scan with layer norm: GRU resetAfter, residual stack, every step': { data: copy, model: { cell: 'gru', hiddenSize: 4, numLayers: 2, residual: true, layerNorm: true } },
  'Scan with layer norm: GRU resetBefore, attention': { data: adding, model: { cell: 'gru', variant: 'resetBefore', hiddenSize: 4, layerNorm: true, head: { output: 'attention' } } },
  'Scan with layer norm: RNN tanh': { data: adding, model: { cell: 'rnn', hiddenSize: 3, layerNorm: true } },
};

/** A batch of 3 ragged sequences (5, 3 and 1 valid steps) of random inputs. */
function raggedBatch(inputSize: number, vocab: number | null): Batch {
  const rng = new Rng(11);
  const B = 3, T = 5;
  const lengths = Int32Array.of(5, 3, 1);
  if (vocab !== null) return { B, T, x: null, tokens: Int32Array.from({ length: B * T }, () => rng.int(vocab)), lengths, y: new Int32Array(B) };
  return { B, T, x: Float32Array.from({ length: B * T * inputSize }, () => rng.normal()), tokens: null, lengths, y: new Float32Array(B) };
}

for (const [name, c] of Object.entries(CASES)) {
  test(`ONNX in onnxruntime-node matches SeqLab: ${name}`, async () => {
    const dir = tempWorkspace({ 'exp.seqlab.json': { seed: 2, ...c, train: { steps: 3, batchSize: 4 }, backend: { name: 'reference' } }, 't.jsonl': TOKENS });
    const [exp] = loadExperiments(join(dir, 'exp.seqlab.json'));
    const run = await startRun(exp, { outDir: join(dir, 'run') });
    const file = join(dir, 'model.onnx');
    exportOnnx(run.runDir, file);
    const { model } = loadTrainedModel(run.runDir);
    const spec = model.spec;
    const batch = raggedBatch(spec.inputSize, spec.embedding?.vocabSize ?? null);
    const expected = model.predict(batch);
    const ort = onnxRuntime();
    const session = await ort.InferenceSession.create(file);
    const feeds: Record<string, OrtTensor> = {
      lengths: new ort.Tensor('int64', BigInt64Array.from(batch.lengths!, (v) => BigInt(v)), [batch.B]),
      ...(spec.embedding
        ? { tokens: new ort.Tensor('int64', BigInt64Array.from(batch.tokens!, (v) => BigInt(v)), [batch.B, batch.T]) }
        : { x: new ort.Tensor('float32', batch.x as Float32Array, [batch.B, batch.T, spec.inputSize]) }),
    };
    const y = (await session.run(feeds)).y;
    assert.deepEqual(y.dims, expected.shape);
    const got = y.data as Float32Array;
    const size = spec.head.size;
    const scale = Math.max(...Array.from(expected.data, Math.abs));
    let compared = 0;
    for (let i = 0; i < got.length; i++) {
      if (spec.head.output === 'all') {
        const b = Math.floor(i / (batch.T * size)), t = Math.floor(i / size) % batch.T;
        if (t >= batch.lengths![b]) continue; // padding: no prediction there
      }
      assert.ok(Math.abs(got[i] - expected.data[i]) <= 2e-6 * Math.max(scale, 1), `y[${i}]: SeqLab ${expected.data[i]}, ONNX ${got[i]}`);
      compared++;
    }
    assert.ok(compared >= batch.B * size);
  });
}

test('ONNX export of a Transformer run is refused at model.cell, pointing to the PyTorch export, writing no file', async () => {
  const dir = tempWorkspace({ 'exp.seqlab.json': { seed: 2, data: adding, model: { cell: 'transformer', hiddenSize: 4, heads: 2 }, train: { steps: 2, batchSize: 4 } } });
  const run = await startRun(loadExperiments(join(dir, 'exp.seqlab.json'))[0], { outDir: join(dir, 'run') });
  const file = join(dir, 'model.onnx');
  assert.throws(() => exportOnnx(run.runDir, file), (e: unknown) => e instanceof InputError && e.diagnostics[0].path === 'model.cell' && /Transformer to ONNX is not supported yet.*"seqlab export <config>" exports it to PyTorch/.test(e.diagnostics[0].message));
  assert.equal(existsSync(file), false);
});

test('ONNX export of a sequence-to-sequence run is refused at model.decoder, pointing to the PyTorch export, writing no file', async () => {
  const dir = tempWorkspace({ 'exp.seqlab.json': { seed: 2, data: { source: 'reverse', trainSize: 8, validationSize: 2 }, model: { cell: 'gru', hiddenSize: 4, embedding: { dim: 3 }, decoder: { embedding: { dim: 3 } } }, train: { steps: 2, batchSize: 4 } } });
  const run = await startRun(loadExperiments(join(dir, 'exp.seqlab.json'))[0], { outDir: join(dir, 'run') });
  const file = join(dir, 'model.onnx');
  assert.throws(() => exportOnnx(run.runDir, file), (e: unknown) => e instanceof InputError && e.diagnostics[0].path === 'model.decoder' && /sequence-to-sequence models to ONNX is not supported yet.*"seqlab export <config>" exports it to PyTorch/.test(e.diagnostics[0].message));
  assert.equal(existsSync(file), false);
});
