// The model kinds, optimizers, clipping and schedules against PyTorch 1.13 (fixtures from scripts/golden/make_golden.py;
// transformer_* from its transformer_golden.py, torch.nn.TransformerEncoder): forward output, loss, gradient flow, every
// parameter gradient, and the parameters after optimizer updates through Trainer, on the reference backend in float64
// (tight) and float32 (loose).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Buf, DType } from '../../src/engine/backend';
import { createReferenceBackend } from '../../src/engine/backends/reference';
import { createModel, type Batch, type SequenceModel } from '../../src/engine/model';
import { Rng } from '../../src/engine/rng';
import type { ModelSpec, TrainSpec } from '../../src/engine/spec';
import { importParams } from '../../src/engine/statedict';
import { Trainer } from '../../src/engine/trainer';
import { assertClose, FLOAT32_TOL, FLOAT64_TOL, loadFixtures, type Tolerance } from './helpers/golden';

interface ModelFixture {
  name: string;
  description: string;
  model: ModelSpec;
  train: TrainSpec;
  batch: { B: number; T: number; x: number[] | null; tokens: number[] | null; lengths: number[] | null; y: number[] };
  params: Record<string, { shape: number[]; data: number[] }>;
  output: { shape: number[]; data: number[] };
  loss: number;
  /** ‖dL/dh_t‖ of the top recurrent layer per step, over the batch and both directions; the Transformer: ‖dL/dx_t‖. */
  gradFlow: number[];
  grads: Record<string, number[]>;
  steps: { loss: number; gradNorm: number; gradNormClipped: number; lr: number }[];
  paramsAfter: Record<string, number[]>;
}

const TOL: Record<DType, Tolerance> = { float64: FLOAT64_TOL, float32: FLOAT32_TOL };

function toBatch(f: ModelFixture, dtype: DType): Batch {
  const floats = (v: number[]): Buf => (dtype === 'float64' ? Float64Array.from(v) : Float32Array.from(v));
  const b = f.batch;
  return {
    B: b.B,
    T: b.T,
    x: b.x ? floats(b.x) : null,
    tokens: b.tokens ? Int32Array.from(b.tokens) : null,
    lengths: b.lengths ? Int32Array.from(b.lengths) : null,
    y: f.train.loss === 'cross_entropy' ? Int32Array.from(b.y) : floats(b.y),
  };
}

function loadedModel(f: ModelFixture, dtype: DType): SequenceModel {
  // Fixtures of the recurrent kind predate the transformer field.
  const model = createModel({ ...f.model, transformer: f.model.transformer ?? null }, createReferenceBackend(dtype));
  importParams(model.params, f.params);
  return model;
}

/** Predictions at the steps torch computes (padded steps of an "all" head are left out). */
function validOutputs(f: ModelFixture, data: ArrayLike<number>): number[] {
  const { B, T, lengths } = f.batch;
  if (f.model.head.output !== 'all') return Array.from(data);
  const size = f.model.head.size;
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    const len = lengths ? lengths[b] : T;
    for (let t = 0; t < len; t++) for (let j = 0; j < size; j++) out.push(data[(b * T + t) * size + j]);
  }
  return out;
}

const fixtures = ['model_', 'train_', 'transformer_'].flatMap((prefix) => loadFixtures<ModelFixture>(prefix));

for (const f of fixtures) {
  for (const dtype of ['float64', 'float32'] as const) {
    const tol = TOL[dtype];
    test(`${f.name} [${dtype}]: ${f.description}`, () => {
      const batch = toBatch(f, dtype);

      const model = loadedModel(f, dtype);
      model.zeroGrad();
      const fb = model.forwardBackward(batch, f.train.loss, { train: true, tbptt: f.train.tbptt, gradFlow: true });
      assertClose([fb.loss], [f.loss], tol, `${f.name} loss`);
      assert.ok(fb.gradFlow, 'gradFlow was requested');
      assertClose(fb.gradFlow, f.gradFlow, tol, `${f.name} gradFlow`);
      for (const p of model.params) assertClose(p.grad, f.grads[p.name], tol, `${f.name} grad ${p.name}`);

      const pred = model.predict(batch);
      assert.deepEqual(pred.shape, f.output.shape);
      assertClose(validOutputs(f, pred.data), validOutputs(f, f.output.data), tol, `${f.name} output`);
      assertClose([model.evaluate(batch, f.train.loss)], [f.loss], tol, `${f.name} evaluate`);

      const trained = loadedModel(f, dtype);
      const trainer = new Trainer(trained, f.train, new Rng(0));
      f.steps.forEach((expected, i) => {
        const r = trainer.step(batch);
        assertClose([r.loss, r.gradNorm, r.gradNormClipped], [expected.loss, expected.gradNorm, expected.gradNormClipped], tol, `${f.name} step ${i} loss/gradNorm/gradNormClipped`);
        assertClose([r.lr], [expected.lr], FLOAT64_TOL, `${f.name} step ${i} lr`);
      });
      for (const p of trained.params) assertClose(p.value, f.paramsAfter[p.name], tol, `${f.name} after ${f.steps.length} step(s): ${p.name}`);
    });
  }
}
