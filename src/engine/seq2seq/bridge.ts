// The decoder's initial state from the encoder's final state, layer by layer, forward and backward side by side.
//
// A unidirectional encoder hands its final h (and c) over unchanged: same cell, same hidden size, same layers.
// A bidirectional one has two final states per layer, [h→; h←] (the forward direction after the last valid step,
// the reverse one after step 0); a learned bridge, shared by the layers, maps them to one:
//   h0 = tanh(W_b·[h→; h←] + b_b)          (Bahdanau et al. 2015 start their decoder from tanh(W_s·h←_1))
//   c0 = W_c·[c→; c←] + b_c                 (LSTM only: the cell state is not bounded, so no tanh)

import type { Backend, Buf } from '../backend';
import type { FinalGrads, RecurrentStack } from '../network';
import type { Param } from '../params';
import type { ModelSpec } from '../spec';
import { TanhLayer } from './tanh';

interface Linear { weight: Param; bias: Param }

export class Bridge {
  /** Per layer: the decoder's initial h and (LSTM) c, B×H. */
  readonly h0: Buf[];
  readonly c0: (Buf | null)[];
  private readonly lstm: boolean;
  /** Bidirectional: the concatenated final states per layer, B×2H, and the gradients flowing back. */
  private readonly catH: Buf[] = [];
  private readonly catC: Buf[] = [];
  private readonly dCat: Buf;
  private readonly dPre: Buf;
  private readonly tanh: TanhLayer;
  private readonly finals: FinalGrads = [];

  constructor(private readonly be: Backend, private readonly spec: ModelSpec, private readonly B: number,
    private readonly h: Linear | null, private readonly c: Linear | null) {
    const H = spec.hiddenSize;
    const L = spec.numLayers;
    this.lstm = spec.cell === 'lstm';
    this.h0 = Array.from({ length: L }, () => be.alloc(B * H));
    this.c0 = Array.from({ length: L }, () => (this.lstm ? be.alloc(B * H) : null));
    if (spec.bidirectional) {
      for (let k = 0; k < L; k++) {
        this.catH.push(be.alloc(B * 2 * H));
        if (this.lstm) this.catC.push(be.alloc(B * 2 * H));
        this.finals.push([0, 1].map(() => ({ h: be.alloc(B * H), c: this.lstm ? be.alloc(B * H) : null })));
      }
    }
    this.dCat = be.alloc(B * 2 * H);
    this.dPre = be.alloc(B * H);
    this.tanh = new TanhLayer(be, B, H);
  }

  /** h0 and c0 of every decoder layer from the encoder's final states. */
  forward(encoder: RecurrentStack): void {
    const { be, B } = this;
    const H = this.spec.hiddenSize;
    encoder.dirs.forEach((dirs, k) => {
      if (!this.spec.bidirectional) {
        const f = dirs[0].finalState();
        this.h0[k].set(f.h);
        if (f.c) this.c0[k]!.set(f.c);
        return;
      }
      const [fw, rv] = [dirs[0].finalState(), dirs[1].finalState()];
      concat(this.catH[k], fw.h, rv.h, B, H);
      be.gemm(false, true, B, H, 2 * H, this.catH[k], this.h!.weight.value, this.h0[k], false);
      be.addRowVector(this.h0[k], B, H, this.h!.bias.value);
      this.tanh.forward(B, this.h0[k], this.h0[k]);
      if (!this.lstm) return;
      concat(this.catC[k], fw.c!, rv.c!, B, H);
      be.gemm(false, true, B, H, 2 * H, this.catC[k], this.c!.weight.value, this.c0[k]!, false);
      be.addRowVector(this.c0[k]!, B, H, this.c!.bias.value);
    });
  }

  /**
   * From dL/dh0 (and dL/dc0) of each decoder layer: the bridge's parameter gradients and the gradients reaching the
   * encoder's final states, per layer and direction. The returned buffers are the bridge's (or the inputs themselves).
   */
  backward(dh0: Buf[], dc0: (Buf | null)[]): FinalGrads {
    if (!this.spec.bidirectional) return dh0.map((h, k) => [{ h, c: dc0[k] }]);
    const { be, B } = this;
    const H = this.spec.hiddenSize;
    dh0.forEach((dh, k) => {
      this.tanh.backward(B, this.h0[k], dh, this.dPre);
      be.gemm(true, false, H, 2 * H, B, this.dPre, this.catH[k], this.h!.weight.grad, true);
      be.sumRows(this.dPre, B, H, this.h!.bias.grad);
      be.gemm(false, false, B, 2 * H, H, this.dPre, this.h!.weight.value, this.dCat, false);
      split(this.dCat, this.finals[k][0].h, this.finals[k][1].h, B, H);
      const dc = dc0[k];
      if (!this.lstm || !dc) return;
      be.gemm(true, false, H, 2 * H, B, dc, this.catC[k], this.c!.weight.grad, true);
      be.sumRows(dc, B, H, this.c!.bias.grad);
      be.gemm(false, false, B, 2 * H, H, dc, this.c!.weight.value, this.dCat, false);
      split(this.dCat, this.finals[k][0].c!, this.finals[k][1].c!, B, H);
    });
    return this.finals;
  }
}

/** out[b] = [a[b]; c[b]] for B rows of H. */
function concat(out: Buf, a: Buf, c: Buf, B: number, H: number): void {
  for (let b = 0; b < B; b++) {
    out.set(a.subarray(b * H, (b + 1) * H), b * 2 * H);
    out.set(c.subarray(b * H, (b + 1) * H), b * 2 * H + H);
  }
}

/** The inverse of concat. */
function split(x: Buf, a: Buf, c: Buf, B: number, H: number): void {
  for (let b = 0; b < B; b++) {
    a.set(x.subarray(b * 2 * H, b * 2 * H + H), b * H);
    c.set(x.subarray(b * 2 * H + H, (b + 1) * 2 * H), b * H);
  }
}
