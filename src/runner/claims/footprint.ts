// The memory side of a claim: how many parameters an experiment's model has, and how many bytes of buffers one of its
// training steps allocates beyond them (activations kept for backprop and their gradients), measured by counting
// every backend.alloc of a real step on a real batch, so truncated BPTT's saving is measured rather than assumed.
import type { Backend } from '../../engine/backend';
import { createModel } from '../../engine/model';
import { Rng } from '../../engine/rng';
import { createBackend } from '../backends/registry';
import { makeBatch } from '../data/batches';
import type { Experiment } from '../experiment';

export interface Footprint {
  params: number;
  graphBytes: number;
}

export function trainingFootprint(exp: Experiment): Footprint {
  const { backend: inner } = createBackend('reference', { fallback: [] });
  let bytes = 0;
  const counting = new Proxy(inner, {
    get(target, key, receiver) {
      if (key === 'alloc') {
        return (n: number) => {
          bytes += n * (target.info.dtype === 'float32' ? 4 : 8);
          return target.alloc(n);
        };
      }
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Backend;
  const model = createModel(exp.model, counting);
  const params = model.params.reduce((n, p) => n + p.value.length, 0);
  const before = bytes;
  const batch = makeBatch(exp.dataset.train.slice(0, exp.config.train.batchSize), exp.dataset, { dtype: inner.info.dtype, oneHot: exp.oneHot });
  const dropout = new Rng(exp.config.seed).fork('dropout');
  model.forwardBackward(batch, exp.train.loss, { train: true, tbptt: exp.train.tbptt, dropoutRandom: () => dropout.uniform() });
  return { params, graphBytes: bytes - before };
}
