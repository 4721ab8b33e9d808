// The feed-forward activation of TransformerEncoderLayer: relu, or gelu in its exact form x·Φ(x) (F.gelu's default,
// approximate = "none"), with their derivatives from the pre-activation.
import type { Buf } from '../backend';

export type FeedForwardActivation = 'relu' | 'gelu';

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * erf to about 1e-16 relative, as gelu needs it in float64 (the golden fixtures compare at 1e-9). Below |x| = 3 the
 * series erf(x) = 2/√π·e^{−x²}·Σ (2x²)ⁿ·x / (1·3·…·(2n+1)), whose terms are all positive (nothing cancels); above it
 * the continued fraction of erfc, evaluated from its tail; past |x| = 6, erfc < 2e−17 and erf is ±1.
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  const sign = x < 0 ? -1 : 1;
  if (a >= 6) return sign;
  if (a < 3) {
    const x2 = 2 * a * a;
    let term = a;
    let sum = a;
    for (let n = 1; term > sum * 1e-17; n++) {
      term *= x2 / (2 * n + 1);
      sum += term;
    }
    return sign * TWO_OVER_SQRT_PI * Math.exp(-a * a) * sum;
  }
  // erfc(a) = e^{−a²}/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …)))): 60 levels converge to double precision for a ≥ 3.
  let f = a;
  for (let n = 60; n >= 1; n--) f = a + n / 2 / f;
  return sign * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f);
}

/** y[0..n) = act(x[0..n)). */
export function activate(kind: FeedForwardActivation, x: Buf, y: Buf, n: number): void {
  if (kind === 'relu') {
    for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;
    return;
  }
  for (let i = 0; i < n; i++) y[i] = 0.5 * x[i] * (1 + erf(x[i] * SQRT1_2));
}

/** dx[0..n) = dy·act'(x), x being the pre-activation (relu' = [x > 0]; gelu' = Φ(x) + x·φ(x)). */
export function activateBackward(kind: FeedForwardActivation, x: Buf, dy: Buf, dx: Buf, n: number): void {
  if (kind === 'relu') {
    for (let i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i];
    const cdf = 0.5 * (1 + erf(v * SQRT1_2));
    dx[i] = dy[i] * (cdf + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI);
  }
}
