// Sinusoidal positions (Vaswani et al. 2017): PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(p / 10000^(2i/d)).
import type { Buf } from '../backend';

/** Rows 0..rows−1 of the table, rows × d, into out. */
export function fillSinusoidal(out: Buf, rows: number, d: number): void {
  for (let p = 0; p < rows; p++)
    for (let i = 0; 2 * i < d; i++) {
      const angle = p / Math.pow(10000, (2 * i) / d);
      out[p * d + 2 * i] = Math.sin(angle);
      if (2 * i + 1 < d) out[p * d + 2 * i + 1] = Math.cos(angle);
    }
}
