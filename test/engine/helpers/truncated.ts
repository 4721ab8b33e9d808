// The truncated-BPTT objective written out independently of Model.forwardBackward: the state entering
// each chunk is computed once at the current parameters and then held constant, so finite differences
// of this function are the gradient truncated BPTT must produce.
import { createReferenceBackend } from '../../../src/engine/backends/reference';
import type { RecurrentModel } from '../../../src/engine/recurrentModel';
import type { Batch } from '../../../src/engine/model';
import { lossRows } from '../../../src/engine/loss';
import { Unrolled, type CarriedState } from '../../../src/engine/network';
import type { LossType } from '../../../src/engine/spec';

export function truncatedObjective(model: RecurrentModel, batch: Batch, loss: LossType, k: number): () => number {
  const { spec } = model;
  const be = createReferenceBackend('float64');
  const { B, T } = batch;
  const len = (b: number) => (batch.lengths ? batch.lengths[b] : T);
  const emb = spec.embedding ? model.param('embedding.weight') : null;
  const dirs = spec.bidirectional ? 2 : 1;
  const unrolled = (n: number) => new Unrolled(be, spec, (name) => model.param(name), B, n);
  const chunks: { s: number; g: Unrolled; entering: CarriedState | null }[] = [];
  let prev: Unrolled | null = null;
  for (let s = 0; s < T; s += k) {
    let entering: CarriedState | null = null;
    if (prev) {
      const alloc = () => Array.from({ length: spec.numLayers }, () => Array.from({ length: dirs }, () => be.alloc(B * spec.hiddenSize)));
      entering = { h: alloc(), c: spec.cell === 'lstm' ? alloc() : null };
      prev.saveState(entering);
    }
    const g = unrolled(Math.min(k, T - s));
    g.load(batch, s, g.T, emb);
    g.forward(null, entering);
    chunks.push({ s, g, entering });
    prev = g;
  }
  let count = 0;
  for (let b = 0; b < B; b++) count += spec.head.output === 'all' ? len(b) : 1;
  if (loss !== 'cross_entropy') count *= spec.head.size;
  return () => {
    let total = 0;
    for (const { s, g, entering } of chunks) {
      g.load(batch, s, g.T, emb);
      g.forward(null, entering);
      g.headForward();
      const target = new Int32Array(g.head.rows).fill(-1);
      for (let b = 0; b < B; b++) {
        if (spec.head.output === 'all') for (let t = 0; t < g.T; t++) target[t * B + b] = s + t < len(b) ? b * T + s + t : -1;
        else if (len(b) - 1 >= s && len(b) - 1 < s + g.T) target[b] = b;
      }
      total += lossRows(loss, spec.head.activation, g.head.Z, g.head.rows, spec.head.size, batch.y, target, 1, null);
    }
    return total / count;
  };
}
