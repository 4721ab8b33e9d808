// The one-sentence reading of a gradient-flow profile, shown under the heatmap.

/** ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ of a profile and what it means, in words a student can act on. */
export function flowVerdict(norms: readonly number[]): { ratio: number; text: string } {
  const first = norms[0];
  const last = norms[norms.length - 1];
  const ratio = first / last;
  if (!Number.isFinite(ratio)) return { ratio, text: 'no gradient reaches the sequence (all zero or non-finite)' };
  if (ratio < 1e-2) return { ratio, text: 'gradients vanish before reaching early inputs: long-range dependencies are hard to learn' };
  if (ratio > 1e2) return { ratio, text: 'gradients grow going back in time: exploding, consider clipping' };
  return { ratio, text: 'gradients reach early time steps at a similar scale: good flow' };
}
