// Gradient clipping as torch.nn.utils.clip_grad_norm_ (L2) followed by clip_grad_value_.
import type { Buf } from './backend';
import type { ClipSpec } from './spec';

/** What clipping needs of a parameter (model.ts's Param satisfies it). */
export interface ClipParam {
  grad: Buf;
}

export interface ClipResult {
  /** Global L2 norm of all gradients before clipping. */
  normBefore: number;
  /** Global L2 norm after clipping (equal to normBefore when nothing was clipped). */
  normAfter: number;
  /** Each parameter's gradient L2 norm before clipping, in parameter order. */
  paramNorms: Float64Array;
}

/** L2 norm of one buffer, accumulated in float64. */
function l2Norm(b: Buf): number {
  let s = 0;
  for (let i = 0; i < b.length; i++) s += b[i] * b[i];
  return Math.sqrt(s);
}

/** Global norm as torch computes it: the norm of the per-tensor norms. */
function globalNorm(norms: Float64Array): number {
  let s = 0;
  for (let i = 0; i < norms.length; i++) s += norms[i] * norms[i];
  return Math.sqrt(s);
}

/** Each parameter's gradient L2 norm, in parameter order. */
export function gradientNorms(params: ClipParam[]): Float64Array {
  return Float64Array.from(params, (p) => l2Norm(p.grad));
}

/**
 * Clips gradients in place. paramNorms: gradientNorms(params) when the caller already has them
 * (the trainer checks them for NaN before clipping).
 */
export function clipGradients(params: ClipParam[], clip: ClipSpec, paramNorms: Float64Array = gradientNorms(params)): ClipResult {
  const normBefore = globalNorm(paramNorms);
  let changed = false;

  if (clip.maxNorm !== null) {
    if (!(clip.maxNorm > 0)) throw new Error(`clip.maxNorm must be > 0, got ${clip.maxNorm}`);
    const coef = clip.maxNorm / (normBefore + 1e-6);
    // torch multiplies by min(coef, 1); multiplying by exactly 1 changes nothing, so skip it.
    if (coef < 1) {
      for (const p of params) for (let i = 0; i < p.grad.length; i++) p.grad[i] *= coef;
      changed = true;
    }
  }
  if (clip.maxValue !== null) {
    if (!(clip.maxValue > 0)) throw new Error(`clip.maxValue must be > 0, got ${clip.maxValue}`);
    const v = clip.maxValue;
    for (const p of params) {
      const g = p.grad;
      for (let i = 0; i < g.length; i++) {
        if (g[i] > v) (g[i] = v), (changed = true);
        else if (g[i] < -v) (g[i] = -v), (changed = true);
      }
    }
  }
  const normAfter = changed ? globalNorm(gradientNorms(params)) : normBefore;
  return { normBefore, normAfter, paramNorms };
}
