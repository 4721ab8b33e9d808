// The sequence-to-sequence model against PyTorch 1.13 (fixtures from scripts/golden/seq2seq_golden.py, one reference
// module per attention type): loss, every gradient, teacher-forced probabilities, one Adam update through Trainer,
// greedy decoding with its attention weights, on the reference backend in float64 (tight) and float32 (loose);
// and checkpoints both ways: SeqLab's file loads into the PyTorch module (strict) and PyTorch's into SeqLab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DType } from '../../../src/engine/backend';
import { createReferenceBackend } from '../../../src/engine/backends/reference';
import type { Batch } from '../../../src/engine/model';
import type { Rng } from '../../../src/engine/rng';
import { Seq2SeqModel } from '../../../src/engine/seq2seq/model';
import type { ModelSpec, TrainSpec } from '../../../src/engine/spec';
import { exportParams, importParams } from '../../../src/engine/statedict';
import { Trainer } from '../../../src/engine/trainer';
import { readSafetensors } from '../../../src/runner/safetensors';
import { assertClose, FLOAT32_TOL, FLOAT64_TOL, GOLDEN_DIR, loadFixtures, type Tolerance } from '../helpers/golden';

interface BatchJson { B: number; T: number; tokens: number[]; lengths: number[]; steps: number; y: number[]; targetLengths: number[] }
interface Fixture {
  name: string;
  description: string;
  model: ModelSpec;
  train: TrainSpec;
  /** Per decoder step: fed the reference (true) or the previous prediction. */
  teacher: boolean[];
  batch: BatchJson;
  params: Record<string, { shape: number[]; data: number[] }>;
  loss: number;
  grads: Record<string, number[]>;
  output: { shape: number[]; data: number[] };
  steps: { loss: number; gradNorm: number; gradNormClipped: number; lr: number }[];
  paramsAfter: Record<string, number[]>;
  greedy: { maxLength: number; tokens: number[][]; weights: number[][][] };
}

const TOL: Record<DType, Tolerance> = { float64: FLOAT64_TOL, float32: FLOAT32_TOL };

function toBatch(b: BatchJson): Batch {
  return {
    B: b.B, T: b.T, x: null, tokens: Int32Array.from(b.tokens), lengths: Int32Array.from(b.lengths), y: Int32Array.from(b.y),
    target: { steps: b.steps, lengths: Int32Array.from(b.targetLengths) },
  };
}

/** The draws the model asks for at steps 1..steps−1 (teacher forcing < 1), replaying PyTorch's decisions. */
function replay(f: Fixture): () => number {
  let t = 0;
  return () => (f.teacher[++t] ? 0 : 0.999999);
}

function loaded(f: Fixture, dtype: DType): Seq2SeqModel {
  const model = new Seq2SeqModel(f.model, createReferenceBackend(dtype));
  importParams(model.params, f.params);
  return model;
}

/** Probabilities at the (sequence, step) pairs inside each target. */
function validOutputs(f: Fixture, data: ArrayLike<number>): number[] {
  const { B, steps, targetLengths } = f.batch;
  const V = f.model.decoder!.vocabSize;
  const out: number[] = [];
  for (let b = 0; b < B; b++) for (let t = 0; t < targetLengths[b]; t++) for (let j = 0; j < V; j++) out.push(data[(b * steps + t) * V + j]);
  return out;
}

/**
 * Parameters after Adam's first update, lr·g/(|g| + eps) per element. In float64 every element is compared tightly. In
 * float32 an element whose gradient is tiny next to its tensor's largest (|g| < 1e-3·max|g|, e.g. 5e-10) has an update
 * that float32 rounding of g alone moves by up to lr (|g| is comparable to eps there), so those are held to Adam's bound
 * |Δ| ≤ lr and the rest to the float32 tolerance.
 */
function assertAdamStep(got: ArrayLike<number>, want: number[], grad: number[], train: TrainSpec, dtype: DType, what: string): void {
  if (dtype === 'float64') return assertClose(got, want, FLOAT64_TOL, what);
  const big = Math.max(...grad.map(Math.abs)) * 1e-3;
  const keep = want.map((_, i) => Math.abs(grad[i]) >= big);
  assertClose(Array.from(got).filter((_, i) => keep[i]), want.filter((_, i) => keep[i]), FLOAT32_TOL, what);
  want.forEach((w, i) => assert.ok(keep[i] || Math.abs(got[i] - w) <= train.optimizer.lr, `${what}[${i}]: ${got[i]} vs ${w}`));
}

const fixtures = loadFixtures<Fixture>('seq2seq_').filter((f) => f.name !== 'seq2seq_roundtrip_losses');

test('the fixtures cover every attention type, teacher forcing below 1, input feeding and a bidirectional LSTM bridge', () => {
  const attentions = new Set(fixtures.map((f) => f.model.decoder!.attention));
  assert.deepEqual([...attentions].sort(), ['additive', 'dot', 'general', 'none']);
  assert.ok(fixtures.some((f) => f.teacher.includes(false)));
  assert.ok(fixtures.some((f) => f.model.decoder!.inputFeeding));
  assert.ok(fixtures.some((f) => f.model.bidirectional && f.model.cell === 'lstm'));
});

for (const f of fixtures)
  for (const dtype of ['float64', 'float32'] as const) {
    const tol = TOL[dtype];
    test(`${f.name} [${dtype}]: ${f.description}`, () => {
      const batch = toBatch(f.batch);
      const tf = f.train.teacherForcing ?? 1;
      const model = loaded(f, dtype);
      model.zeroGrad();
      const fb = model.forwardBackward(batch, 'cross_entropy', { train: true, tbptt: null, teacherForcing: tf, dropoutRandom: replay(f) });
      assertClose([fb.loss], [f.loss], tol, `${f.name} loss`);
      for (const p of model.params) assertClose(p.grad, f.grads[p.name], tol, `${f.name} grad ${p.name}`);

      const pred = model.predict(batch);
      assert.deepEqual(pred.shape, f.output.shape);
      assertClose(validOutputs(f, pred.data), validOutputs(f, f.output.data), tol, `${f.name} teacher-forced probabilities`);

      const greedy = model.probe(batch).alignments!;
      greedy.forEach((a, b) => {
        assert.deepEqual(a.target, f.greedy.tokens[b], `${f.name} greedy tokens of sequence ${b}`);
        assertClose(a.weights.flat(), f.greedy.weights[b].flat(), tol, `${f.name} attention weights of sequence ${b}`);
      });

      const trained = loaded(f, dtype);
      const trainer = new Trainer(trained, f.train, { uniform: replay(f) } as unknown as Rng);
      const r = trainer.step(batch);
      const e = f.steps[0];
      assertClose([r.loss, r.gradNorm, r.gradNormClipped], [e.loss, e.gradNorm, e.gradNormClipped], tol, `${f.name} Adam step loss/gradNorm`);
      for (const p of trained.params) assertAdamStep(p.value, f.paramsAfter[p.name], f.grads[p.name], f.train, dtype, `${f.name} after one Adam step: ${p.name}`);
    });
  }

test('checkpoints move both ways: SeqLab\'s file loads into the PyTorch module (strict) and PyTorch\'s into SeqLab, with equal losses', () => {
  const dir = join(GOLDEN_DIR, 'seq2seq-checkpoint');
  const spec = JSON.parse(readFileSync(join(dir, 'spec.json'), 'utf8')) as ModelSpec;
  const losses = JSON.parse(readFileSync(join(GOLDEN_DIR, 'seq2seq_roundtrip_losses.json'), 'utf8')) as { batch: BatchJson; seqlabCheckpointLoss: number; torchCheckpointLoss: number };
  const batch = toBatch(losses.batch);
  const model = new Seq2SeqModel(spec, createReferenceBackend('float64'));
  // The committed SeqLab file has exactly the names and shapes SeqLab writes today (what the Python side loaded strictly).
  const ours = readSafetensors(join(dir, 'seqlab.safetensors')).tensors;
  const now = exportParams(model.params);
  assert.deepEqual(Object.keys(ours), Object.keys(now));
  for (const [k, t] of Object.entries(now)) assert.deepEqual(ours[k].shape, t.shape, k);
  importParams(model.params, ours);
  assertClose([model.evaluate(batch, 'cross_entropy')], [losses.seqlabCheckpointLoss], FLOAT64_TOL, 'PyTorch\'s loss with SeqLab\'s checkpoint');
  importParams(model.params, readSafetensors(join(dir, 'torch.safetensors')).tensors);
  assertClose([model.evaluate(batch, 'cross_entropy')], [losses.torchCheckpointLoss], FLOAT64_TOL, 'SeqLab\'s loss with PyTorch\'s state_dict');
});
