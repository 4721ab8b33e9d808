// What enters the encoder stack: numeric features through input_proj (nn.Linear(inputSize, d)) or tokens through
// embedding.weight, plus positions (sinusoidal, or the rows of pos_embedding.weight), unscaled. Forward and backward.
import type { Backend, Buf } from '../backend';
import type { Batch } from '../batch';
import type { Param } from '../params';
import type { ModelSpec } from '../spec';
import { Linear } from './linear';
import { optionsOf } from './params';
import { fillSinusoidal } from './positions';

export class InputLayer {
  /** Rows B·T × d, batch-first. */
  readonly out: Buf;
  private readonly d: number;
  private readonly features: Buf | null;
  private readonly proj: Linear | null;
  private readonly embedding: Param | null;
  private readonly sinusoidal: Buf | null;
  private readonly learned: Param | null;
  private tokens: Int32Array | null = null;
  private tokenT = 0;
  private steps = 0;

  constructor(be: Backend, spec: ModelSpec, param: (name: string) => Param, private readonly B: number, private readonly T: number) {
    const o = optionsOf(spec);
    this.d = spec.hiddenSize;
    this.out = be.alloc(B * T * this.d);
    this.embedding = spec.embedding ? param('embedding.weight') : null;
    this.proj = spec.embedding ? null : new Linear(be, param('input_proj.weight'), param('input_proj.bias'));
    this.features = spec.embedding ? null : be.alloc(B * T * spec.inputSize);
    this.learned = o.positional === 'learned' ? param('pos_embedding.weight') : null;
    this.sinusoidal = o.positional === 'sinusoidal' ? be.alloc(T * this.d) : null;
    if (this.sinusoidal) fillSinusoidal(this.sinusoidal, T, this.d);
  }

  /** Takes the batch's steps (≤ T; the graph's later steps are zeros). */
  load(batch: Batch): void {
    const { B, T } = this;
    this.steps = batch.T;
    this.tokens = this.embedding ? batch.tokens : null;
    this.tokenT = batch.T;
    if (!this.features) return;
    const I = this.proj!.inF;
    this.features.fill(0);
    for (let b = 0; b < B; b++) this.features.set(batch.x!.subarray(b * batch.T * I, (b + 1) * batch.T * I), b * T * I);
  }

  forward(): Buf {
    const { B, T, d, out, steps } = this;
    if (this.proj) this.proj.forward(B * T, this.features!, out);
    else {
      out.fill(0);
      const E = this.embedding!.value;
      for (let b = 0; b < B; b++)
        for (let t = 0; t < steps; t++) {
          const tok = this.tokens![b * this.tokenT + t];
          out.set(E.subarray(tok * d, (tok + 1) * d), (b * T + t) * d);
        }
    }
    const pos = this.learned ? this.learned.value : this.sinusoidal!;
    for (let b = 0; b < B; b++)
      for (let i = 0; i < steps * d; i++) out[b * T * d + i] += pos[i];
    return out;
  }

  /** Accumulates the input parameters' gradients from dOut; flowSq[t] (when given) gains Σ over the batch of ‖dL/dx_t‖². */
  backward(dOut: Buf, flowSq: Float64Array | null): void {
    const { B, T, d, steps } = this;
    if (flowSq)
      for (let b = 0; b < B; b++)
        for (let t = 0; t < steps; t++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += dOut[(b * T + t) * d + j] ** 2;
          flowSq[t] += s;
        }
    if (this.learned) {
      const g = this.learned.grad;
      for (let b = 0; b < B; b++)
        for (let i = 0; i < steps * d; i++) g[i] += dOut[b * T * d + i];
    }
    if (this.proj) this.proj.backward(B * T, this.features!, dOut, null);
    else {
      const g = this.embedding!.grad;
      for (let b = 0; b < B; b++)
        for (let t = 0; t < steps; t++) {
          const o = this.tokens![b * this.tokenT + t] * d;
          for (let j = 0; j < d; j++) g[o + j] += dOut[(b * T + t) * d + j];
        }
    }
  }
}
