// GRU, two variants with the same parameters (gate blocks r, z, n) and the same gates
//   r = σ(W_ir x + b_ir + W_hr h_{t−1} + b_hr),  z = σ(W_iz x + b_iz + W_hz h_{t−1} + b_hz):
//
// "resetAfter" (torch.nn.GRU, cuDNN): the reset gate multiplies the recurrent product; z keeps the old state
//   n = tanh(W_in x + b_in + r⊙(W_hn h_{t−1} + b_hn)),  h_t = (1−z)⊙n + z⊙h_{t−1}
//
// "resetBefore" (Cho et al. 2014): the reset gate applies to the state before the recurrent product
//   n = tanh(W_in x + b_in + W_hn (r⊙h_{t−1}) + b_hn),  h_t = (1−z)⊙h_{t−1} + z⊙n
// Here z admits the candidate, as in the model document this project follows; Cho et al. (and torch) let z keep
// the old state, h_t = z⊙h_{t−1} + (1−z)⊙n, which is this with z replaced by 1−z.

import type { Backend, Buf, SequenceOps } from '../backend';
import { Direction, lnBlocks, type DirectionParams, type DirectionShape } from './direction';
import { Projection, slice } from './projection';

const GATE_NAMES = ['r', 'z', 'n'];

export class GruResetAfterDirection extends Direction {
  private readonly hproj: Projection;
  /** r, z, n per step, T·B×3H. */
  private readonly gates: Buf;

  constructor(be: Backend, p: DirectionParams, shape: DirectionShape) {
    super(be, p, shape, 3);
    const { B, T, H } = shape;
    // Its own gradient: the n block differs from the input projection's (scaled by r).
    this.hproj = this.recurrentProjection(false);
    this.gates = be.alloc(T * B * 3 * H);
  }

  protected stepForward(t: number, mask: Float32Array | null): void {
    const { B, H } = this;
    const hPrev = this.hPrev(t);
    this.hproj.forward(t * B, B, hPrev);
    this.be.gruForward(B, H, this.xproj.rowsOut(t * B, B), this.hproj.rowsOut(t * B, B), hPrev, mask,
      this.stepRows(this.gates, t, 3 * H), this.h(t));
  }

  protected stepBackward(t: number, mask: Float32Array | null, dh: Buf, dhPrev: Buf): void {
    const { B, H } = this;
    // dn = dh⊙(1−z), dz = dh⊙(h_{t−1}−n); n's pre-activation splits into x part and r⊙(h part)
    this.be.gruBackward(B, H, this.stepRows(this.gates, t, 3 * H), this.hproj.rowsOut(t * B, B), this.hPrev(t), dh, mask,
      this.xproj.rowsDOut(t * B, B), this.hproj.rowsDOut(t * B, B), dhPrev);
    this.hproj.backward(t * B, B, dhPrev);
  }

  protected gateValues(): { names: readonly string[]; values: Buf } {
    return { names: GATE_NAMES, values: this.gates };
  }

  protected forwardSequence(ops: SequenceOps, input: Buf, masks: Buf): void {
    const { B, T, H, p } = this;
    ops.gruSequenceForward(B, T, H, T + 1, this.xproj.inWidth, this.reverse, input, p.wIh.value, p.bIh.value, p.wHh.value,
      p.bHh.value, masks, this.hs, this.gates, this.hproj.out);
  }

  protected backwardSequence(ops: SequenceOps, input: Buf, masks: Buf, carry: Buf, dInput: Buf, dhTotal: Buf): void {
    const { B, T, H, p } = this;
    ops.gruSequenceBackward(B, T, H, T + 1, this.xproj.inWidth, this.reverse, this.gates, this.hproj.out, this.hs, this.dhs,
      input, p.wIh.value, p.wHh.value, masks, carry, dInput, p.wIh.grad, p.bIh.grad, p.wHh.grad, p.bHh.grad, dhTotal);
  }
}

export class GruResetBeforeDirection extends Direction {
  /** W_hh[r,z]·h_{t−1} + b_hh[r,z] (LN over the r and z blocks). */
  private readonly rzproj: Projection;
  /** W_hn·(r⊙h_{t−1}) + b_hn. */
  private readonly nproj: Projection;
  private readonly gates: Buf;
  /** r⊙h_{t−1} per step, the input of nproj. */
  private readonly rh: Buf;
  private readonly dz: Buf;
  private readonly drh: Buf;

  constructor(be: Backend, p: DirectionParams, shape: DirectionShape) {
    super(be, p, shape, 3);
    const { B, T, H } = shape;
    const rows = T * B;
    this.rzproj = new Projection(be, rows, H, 2, H, slice(p.wHh, 0, 2 * H * H), slice(p.bHh, 0, 2 * H), lnBlocks(p.lnHh, H, 0, 2));
    this.nproj = new Projection(be, rows, H, 1, H, slice(p.wHh, 2 * H * H, 3 * H * H), slice(p.bHh, 2 * H, 3 * H), lnBlocks(p.lnHh, H, 2, 3));
    this.gates = be.alloc(rows * 3 * H);
    this.rh = be.alloc(rows * H);
    this.dz = be.alloc(B * H);
    this.drh = be.alloc(B * H);
    this.recurrent.push({ proj: this.rzproj, input: this.prevStates() }, { proj: this.nproj, input: this.rh });
  }

  protected stepForward(t: number, mask: Float32Array | null): void {
    const { B, H } = this;
    const hPrev = this.hPrev(t);
    const xg = this.xproj.rowsOut(t * B, B);
    const gates = this.stepRows(this.gates, t, 3 * H);
    const rh = this.stepRows(this.rh, t, H);
    this.rzproj.forward(t * B, B, hPrev);
    this.be.gruResetBeforeGatesForward(B, H, xg, this.rzproj.rowsOut(t * B, B), hPrev, gates, rh);
    this.nproj.forward(t * B, B, rh);
    this.be.gruResetBeforeOutputForward(B, H, xg, this.nproj.rowsOut(t * B, B), hPrev, mask, gates, this.h(t));
  }

  protected stepBackward(t: number, mask: Float32Array | null, dh: Buf, dhPrev: Buf): void {
    const { B, H } = this;
    const hPrev = this.hPrev(t);
    const dxg = this.xproj.rowsDOut(t * B, B);
    const gates = this.stepRows(this.gates, t, 3 * H);
    // h = (1−z)⊙h_{t−1} + z⊙n: gradients of n's pre-activation, of z, and the direct (1−z)⊙dh
    this.be.gruResetBeforeOutputBackward(B, H, gates, hPrev, dh, mask, dxg, this.nproj.rowsDOut(t * B, B), this.dz, dhPrev);
    // d(r⊙h_{t−1}) = dn_pre·W_hn
    this.drh.fill(0);
    this.nproj.backward(t * B, B, this.drh);
    // r and z pre-activations; dh_{t−1} += drh⊙r, then += d[r,z]_pre·W_hh[r,z]
    this.be.gruResetBeforeGatesBackward(B, H, gates, hPrev, this.drh, this.dz, dxg, this.rzproj.rowsDOut(t * B, B), dhPrev);
    this.rzproj.backward(t * B, B, dhPrev);
  }

  protected gateValues(): { names: readonly string[]; values: Buf } {
    return { names: GATE_NAMES, values: this.gates };
  }
}
