// One torch.nn.TransformerEncoderLayer (batch_first), forward and backward side by side:
//   post-norm (norm_first = False):  x1 = norm1(x + sa(x));        y = norm2(x1 + ff(x1))
//   pre-norm  (norm_first = True):   x1 = x + sa(norm1(x));        y = x1 + ff(norm2(x1))
// sa is attention.ts (with dropout1), ff is feedForward.ts (with its dropout and dropout2).
import type { Backend, Buf } from '../backend';
import type { Param } from '../params';
import type { TransformerOptions } from '../spec';
import { AttentionScratch, SelfAttention } from './attention';
import { FeedForward, FeedForwardScratch } from './feedForward';
import { LayerNorm } from './layerNorm';
import { once } from './once';
import { layerPrefix } from './params';

export interface LayerShape {
  B: number;
  T: number;
  d: number;
}

/** Buffers a layer needs only within one call, shared by every layer of a graph (the backward ones made on first use). */
export class LayerScratch {
  readonly attention: AttentionScratch;
  readonly feedForward: () => FeedForwardScratch;
  /** Three row buffers (B·T × d) for the backward pass. */
  readonly rows: () => { a: Buf; b: Buf; c: Buf };

  constructor(be: Backend, s: LayerShape, o: TransformerOptions) {
    this.attention = new AttentionScratch(be, { ...s, heads: o.heads });
    this.feedForward = once(() => new FeedForwardScratch(be, { ...s, F: o.feedForward }));
    const n = s.B * s.T * s.d;
    this.rows = once(() => ({ a: be.alloc(n), b: be.alloc(n), c: be.alloc(n) }));
  }
}

function addInto(dst: Buf, src: Buf, n: number): void {
  for (let i = 0; i < n; i++) dst[i] += src[i];
}

export class EncoderLayer {
  readonly attention: SelfAttention;
  private readonly feedForward: FeedForward;
  private readonly norm1: LayerNorm;
  private readonly norm2: LayerNorm;
  /** x + sa(·) and x1 + ff(·). */
  private readonly sum1: Buf;
  private readonly sum2: Buf;
  private readonly n: number;
  /** What the feed-forward block read in the last forward pass (post-norm: x1). */
  private ffIn: Buf;

  constructor(be: Backend, private readonly o: TransformerOptions, param: (name: string) => Param, k: number,
    s: LayerShape, private readonly scratch: LayerScratch) {
    const p = (name: string) => param(layerPrefix(k) + name);
    const rows = s.B * s.T;
    this.n = rows * s.d;
    this.attention = new SelfAttention(be, {
      inWeight: p('self_attn.in_proj_weight'), inBias: p('self_attn.in_proj_bias'),
      outWeight: p('self_attn.out_proj.weight'), outBias: p('self_attn.out_proj.bias'),
    }, { ...s, heads: o.heads }, scratch.attention);
    this.feedForward = new FeedForward(be, { w1: p('linear1.weight'), b1: p('linear1.bias'), w2: p('linear2.weight'), b2: p('linear2.bias') },
      { ...s, F: o.feedForward }, o.activation, scratch.feedForward);
    this.norm1 = new LayerNorm(be, p('norm1.weight'), p('norm1.bias'), rows, s.d);
    this.norm2 = new LayerNorm(be, p('norm2.weight'), p('norm2.bias'), rows, s.d);
    this.sum1 = be.alloc(this.n);
    this.sum2 = be.alloc(this.n);
    this.ffIn = this.sum1;
  }

  /** The layer's output for x; valid, steps and dropout as SelfAttention and Dropout take them. */
  forward(x: Buf, valid: Int32Array, steps: number, p: number, random: (() => number) | null): Buf {
    const pre = this.o.normFirst;
    const a = this.attention.forward(pre ? this.norm1.forward(x) : x, valid, steps, p, random);
    for (let i = 0; i < this.n; i++) this.sum1[i] = x[i] + a[i];
    const x1 = pre ? this.sum1 : this.norm1.forward(this.sum1);
    this.ffIn = pre ? this.norm2.forward(x1) : x1;
    const f = this.feedForward.forward(this.ffIn, steps, p, random);
    for (let i = 0; i < this.n; i++) this.sum2[i] = x1[i] + f[i];
    return pre ? this.sum2 : this.norm2.forward(this.sum2);
  }

  /** Accumulates parameter gradients from dOut (the gradient of the output) and writes dL/dx into dX. */
  backward(x: Buf, dOut: Buf, dX: Buf): void {
    const { a, b, c } = this.scratch.rows();
    if (!this.o.normFirst) {
      this.norm2.backward(dOut, a); //                                    a = dL/d(x1 + ff)
      b.set(a.subarray(0, this.n));
      this.feedForward.backward(this.ffIn, a, b, true); //                b = dL/dx1
      this.norm1.backward(b, a); //                                       a = dL/d(x + sa)
      dX.set(a.subarray(0, this.n));
      this.attention.backward(x, a, dX, true);
      return;
    }
    b.set(dOut.subarray(0, this.n)); //                                   residual: dL/dx1 starts as dOut
    this.feedForward.backward(this.ffIn, dOut, a, false);
    this.norm2.backward(a, c);
    addInto(b, c, this.n); //                                             b = dL/dx1
    dX.set(b.subarray(0, this.n));
    this.attention.backward(this.norm1.out, b, a, false); //           pre-norm attention read norm1(x)
    this.norm1.backward(a, c);
    addInto(dX, c, this.n);
  }
}
