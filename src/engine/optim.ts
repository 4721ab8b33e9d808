// Optimizers with exactly torch 1.13's update rules (torch.optim, single-tensor code path).
// Each keeps per-parameter state buffers of the parameter's own dtype, allocated once, so step()
// allocates nothing. The step counter is shared by all parameters: they are always updated together.
import type { Buf } from './backend';
import type { OptimizerSpec } from './spec';

/** What an optimizer needs of a parameter (model.ts's Param satisfies it). */
export interface OptimParam {
  name: string;
  value: Buf;
  grad: Buf;
}

export interface Optimizer {
  readonly spec: OptimizerSpec;
  /** Updates completed so far (torch's state["step"]). */
  readonly stepCount: number;
  /** One update with learning rate lr from every parameter's grad. */
  step(lr: number): void;
  /** State tensors named optim.<param name>.<torch state key>, plus optim.step (length 1). */
  stateDict(): Record<string, Buf>;
  /** Restores a stateDict() exactly; throws on missing, unexpected or mis-sized tensors. */
  loadStateDict(state: Record<string, Buf>): void;
}

/** Per-parameter state buffer names, as torch names them in optimizer.state[p]. */
function stateKeys(spec: OptimizerSpec): string[] {
  switch (spec.type) {
    case 'sgd':
      return spec.momentum !== 0 ? ['momentum_buffer'] : [];
    case 'adagrad':
      return ['sum'];
    case 'rmsprop':
      return ['square_avg', ...(spec.momentum > 0 ? ['momentum_buffer'] : []), ...(spec.centered ? ['grad_avg'] : [])];
    case 'adam':
    case 'adamw':
      return ['exp_avg', 'exp_avg_sq'];
  }
}

type Update = (p: OptimParam, state: Record<string, Buf>, lr: number, step: number) => void;

function updateRule(spec: OptimizerSpec): Update {
  switch (spec.type) {
    case 'sgd': {
      const { momentum, dampening, nesterov, weightDecay } = spec;
      if (nesterov && (momentum <= 0 || dampening !== 0)) throw new Error('SGD: nesterov momentum requires a momentum and zero dampening');
      return (p, s, lr, step) => {
        const buf = s.momentum_buffer;
        const { value: w, grad: g } = p;
        for (let i = 0; i < w.length; i++) {
          let d = g[i] + weightDecay * w[i];
          if (momentum !== 0) {
            // torch: the first step's buffer is a copy of the gradient (no dampening).
            buf[i] = step === 1 ? d : momentum * buf[i] + (1 - dampening) * d;
            d = nesterov ? d + momentum * buf[i] : buf[i];
          }
          w[i] -= lr * d;
        }
      };
    }
    case 'adagrad': {
      const { eps, weightDecay } = spec;
      // lr_decay = 0, so torch's clr = lr / (1 + (step − 1)·lr_decay) is lr.
      return (p, s, lr) => {
        const sum = s.sum;
        const { value: w, grad: g } = p;
        for (let i = 0; i < w.length; i++) {
          const d = g[i] + weightDecay * w[i];
          sum[i] += d * d;
          w[i] -= (lr * d) / (Math.sqrt(sum[i]) + eps);
        }
      };
    }
    case 'rmsprop': {
      const { alpha, eps, momentum, centered, weightDecay } = spec;
      return (p, s, lr) => {
        const { square_avg: sq, momentum_buffer: buf, grad_avg: ga } = s;
        const { value: w, grad: g } = p;
        for (let i = 0; i < w.length; i++) {
          const d = g[i] + weightDecay * w[i];
          sq[i] = alpha * sq[i] + (1 - alpha) * d * d;
          let avg: number;
          if (centered) {
            ga[i] = alpha * ga[i] + (1 - alpha) * d;
            avg = Math.sqrt(sq[i] - ga[i] * ga[i]) + eps;
          } else {
            avg = Math.sqrt(sq[i]) + eps;
          }
          if (momentum > 0) {
            buf[i] = momentum * buf[i] + d / avg;
            w[i] -= lr * buf[i];
          } else {
            w[i] -= (lr * d) / avg;
          }
        }
      };
    }
    case 'adam':
    case 'adamw': {
      const { beta1, beta2, eps, weightDecay } = spec;
      const decoupled = spec.type === 'adamw';
      return (p, s, lr, step) => {
        const { exp_avg: m, exp_avg_sq: v } = s;
        const { value: w, grad: g } = p;
        const stepSize = lr / (1 - beta1 ** step);
        const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
        const shrink = 1 - lr * weightDecay;
        for (let i = 0; i < w.length; i++) {
          let d = g[i];
          if (decoupled) w[i] *= shrink;
          else d += weightDecay * w[i];
          m[i] = beta1 * m[i] + (1 - beta1) * d;
          v[i] = beta2 * v[i] + (1 - beta2) * d * d;
          w[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2Sqrt + eps);
        }
      };
    }
  }
}

function allocLike(b: Buf): Buf {
  return b instanceof Float32Array ? new Float32Array(b.length) : new Float64Array(b.length);
}

export function createOptimizer(spec: OptimizerSpec, params: OptimParam[]): Optimizer {
  const keys = stateKeys(spec);
  const update = updateRule(spec);
  const states = params.map((p) => {
    if (p.grad.length !== p.value.length) throw new Error(`optimizer: ${p.name} has ${p.value.length} values but ${p.grad.length} gradients`);
    return Object.fromEntries(keys.map((k) => [k, allocLike(p.value)])) as Record<string, Buf>;
  });
  let stepCount = 0;

  return {
    spec,
    get stepCount() {
      return stepCount;
    },
    step(lr: number): void {
      if (!Number.isFinite(lr) || lr < 0) throw new Error(`optimizer: learning rate must be a finite number ≥ 0, got ${lr}`);
      stepCount++;
      for (let i = 0; i < params.length; i++) update(params[i], states[i], lr, stepCount);
    },
    stateDict(): Record<string, Buf> {
      const out: Record<string, Buf> = { 'optim.step': Float64Array.of(stepCount) };
      params.forEach((p, i) => {
        for (const k of keys) out[`optim.${p.name}.${k}`] = states[i][k].slice();
      });
      return out;
    },
    loadStateDict(state: Record<string, Buf>): void {
      const expected = new Set(['optim.step']);
      params.forEach((p) => keys.forEach((k) => expected.add(`optim.${p.name}.${k}`)));
      const missing = [...expected].filter((k) => !(k in state));
      const unexpected = Object.keys(state).filter((k) => !expected.has(k));
      if (missing.length || unexpected.length) {
        throw new Error(`optimizer (${spec.type}) state mismatch: missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`);
      }
      const step = state['optim.step'];
      if (step.length !== 1 || !Number.isInteger(step[0]) || step[0] < 0) throw new Error('optimizer state: optim.step must be one non-negative integer');
      params.forEach((p) => {
        for (const k of keys) {
          const src = state[`optim.${p.name}.${k}`];
          if (src.length !== p.value.length) {
            throw new Error(`optimizer state: optim.${p.name}.${k} has ${src.length} values, parameter has ${p.value.length}`);
          }
        }
      });
      params.forEach((p, i) => {
        for (const k of keys) states[i][k].set(state[`optim.${p.name}.${k}`]);
      });
      stepCount = step[0];
    },
  };
}
