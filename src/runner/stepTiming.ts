// One training step of a run's model, timed on a given backend, so that 'auto' compares backends on the run's own
// shapes (src/runner/backends/autoMeasure.ts). It builds its own model, trainer and batch (the first batchSize
// training rows), so the run's model, random streams and data order are untouched.
import type { Batch } from '../engine/batch';
import { initialize } from '../engine/init';
import { createModel } from '../engine/model';
import { Rng } from '../engine/rng';
import { Trainer } from '../engine/trainer';
import type { StepTimer } from './backends/autoMeasure';
import { makeBatch } from './data/batches';
import type { Experiment } from './experiment';

export function stepTimer(exp: Experiment): StepTimer {
  const rows = exp.dataset.train.slice(0, exp.config.train.batchSize);
  return (backend) => {
    const model = createModel(exp.model, backend);
    const rng = new Rng(exp.config.seed);
    initialize(model.params, exp.model, exp.init, rng.fork('init'));
    const trainer = new Trainer<Batch>(model, exp.train, rng.fork('dropout'));
    const batch = makeBatch(rows, exp.dataset, { dtype: backend.info.dtype, oneHot: exp.oneHot });
    // The warm-up step compiles the GPU's kernels and starts the CPU's helper threads: neither is a step's cost.
    trainer.step(batch);
    const started = performance.now();
    trainer.step(batch);
    return performance.now() - started;
  };
}
