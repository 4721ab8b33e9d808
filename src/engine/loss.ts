// Output activations and losses over rows of head logits. The model divides by the batch's element
// (or sequence/step) count, so every function here works on sums and takes the 1/N scale for gradients.
//
//   mse:           Σ (act(z) − y)²            over elements; gradient back through the activation
//   cross_entropy: Σ logsumexp(z) − z[y]       over rows (torch.nn.CrossEntropyLoss on raw logits)
//   bce:           Σ max(z,0) − z·y + log(1 + e^{−|z|})  over elements (BCEWithLogitsLoss, stable form)

import type { Buf } from './backend';
import type { LossType, OutputActivation } from './spec';

/** out[o..o+size) = act(z[o..o+size)). */
export function activateRow(act: OutputActivation, z: ArrayLike<number>, o: number, size: number, out: Buf | Float64Array, oo: number): void {
  if (act === 'none') {
    for (let j = 0; j < size; j++) out[oo + j] = z[o + j];
  } else if (act === 'sigmoid') {
    for (let j = 0; j < size; j++) out[oo + j] = 1 / (1 + Math.exp(-z[o + j]));
  } else {
    let m = -Infinity;
    for (let j = 0; j < size; j++) m = Math.max(m, z[o + j]);
    let s = 0;
    for (let j = 0; j < size; j++) s += Math.exp(z[o + j] - m);
    for (let j = 0; j < size; j++) out[oo + j] = Math.exp(z[o + j] - m) / s;
  }
}

/** Elements each row contributes to the mean: head size for mse/bce, 1 for cross entropy. */
export function termsPerRow(loss: LossType, size: number): number {
  return loss === 'cross_entropy' ? 1 : size;
}

/**
 * Sum of the loss terms of the rows r with target[r] ≥ 0 (target[r] indexes y: row target[r] of
 * float targets, or the class id y[target[r]]). When dZ is given it receives scale·∂sum/∂Z (0 on skipped rows).
 */
export function lossRows(
  loss: LossType, act: OutputActivation, Z: Buf, rows: number, size: number,
  y: Buf | Int32Array, target: Int32Array, scale: number, dZ: Buf | null,
): number {
  let total = 0;
  const a = new Float64Array(size);
  const g = new Float64Array(size);
  for (let r = 0; r < rows; r++) {
    const o = r * size;
    const ti = target[r];
    if (ti < 0) {
      if (dZ) dZ.fill(0, o, o + size);
      continue;
    }
    if (loss === 'cross_entropy') {
      const cls = y[ti];
      if (!Number.isInteger(cls) || cls < 0 || cls >= size)
        throw new Error(`cross_entropy: class id ${cls} at y[${ti}] is outside 0..${size - 1}`);
      activateRow('softmax', Z, o, size, a, 0);
      let m = -Infinity;
      for (let j = 0; j < size; j++) m = Math.max(m, Z[o + j]);
      let s = 0;
      for (let j = 0; j < size; j++) s += Math.exp(Z[o + j] - m);
      total += m + Math.log(s) - Z[o + cls];
      if (dZ) for (let j = 0; j < size; j++) dZ[o + j] = scale * (a[j] - (j === cls ? 1 : 0));
    } else if (loss === 'bce') {
      for (let j = 0; j < size; j++) {
        const z = Z[o + j], t = y[ti * size + j];
        total += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
        if (dZ) dZ[o + j] = scale * (1 / (1 + Math.exp(-z)) - t);
      }
    } else {
      activateRow(act, Z, o, size, a, 0);
      for (let j = 0; j < size; j++) {
        const d = a[j] - y[ti * size + j];
        total += d * d;
        g[j] = 2 * d; // ∂/∂act(z)
      }
      if (!dZ) continue;
      if (act === 'none') for (let j = 0; j < size; j++) dZ[o + j] = scale * g[j];
      else if (act === 'sigmoid') for (let j = 0; j < size; j++) dZ[o + j] = scale * g[j] * a[j] * (1 - a[j]);
      else {
        // softmax Jacobian: dz_j = a_j (g_j − Σ_k g_k a_k)
        let ga = 0;
        for (let j = 0; j < size; j++) ga += g[j] * a[j];
        for (let j = 0; j < size; j++) dZ[o + j] = scale * a[j] * (g[j] - ga);
      }
    }
  }
  return total;
}
