// Moving activations between the row layout of the layers (B·T rows of d values, batch-first) and the per-head layout
// the attention products need (B·heads blocks of T rows of dk = d/heads values), so each (sequence, head) pair is one
// contiguous matrix that backend.gemm can take as a view.
import type { Buf } from '../backend';

export interface HeadLayout {
  B: number;
  T: number;
  heads: number;
  /** Values per head: d / heads. */
  dk: number;
}

/** dst[b, h, t, c] = scale·src[b·T + t, offset + h·dk + c], src having `width` values per row. */
export function toHeads(L: HeadLayout, src: Buf, width: number, offset: number, dst: Buf, scale = 1): void {
  const { B, T, heads, dk } = L;
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const row = (b * T + t) * width + offset;
      for (let h = 0; h < heads; h++) {
        const s = row + h * dk;
        const o = ((b * heads + h) * T + t) * dk;
        for (let c = 0; c < dk; c++) dst[o + c] = scale * src[s + c];
      }
    }
}

/** dst[b·T + t, offset + h·dk + c] = scale·src[b, h, t, c], dst having `width` values per row. */
export function fromHeads(L: HeadLayout, src: Buf, dst: Buf, width: number, offset: number, scale = 1): void {
  const { B, T, heads, dk } = L;
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const row = (b * T + t) * width + offset;
      for (let h = 0; h < heads; h++) {
        const s = ((b * heads + h) * T + t) * dk;
        const o = row + h * dk;
        for (let c = 0; c < dk; c++) dst[o + c] = scale * src[s + c];
      }
    }
}

/** count consecutive views of `size` values: the per-(sequence, head) matrices, made once so calls allocate nothing. */
export function blocks(buf: Buf, count: number, size: number): Buf[] {
  return Array.from({ length: count }, (_, i) => buf.subarray(i * size, (i + 1) * size));
}
