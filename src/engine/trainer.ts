// One optimization step of a model: gradients, clipping, learning-rate schedule, optimizer update.
import type { Buf } from './backend';
import type { Param } from './params';
import type { ForwardBackwardOptions } from './model';
import type { LossType, TrainSpec } from './spec';
import type { Rng } from './rng';
import { createOptimizer, type Optimizer } from './optim';
import { clipGradients, gradientNorms } from './clip';
import { learningRate } from './schedule';

/** The part of a model the trainer uses (every SequenceModel satisfies it). */
export interface TrainableModel<TBatch> {
  readonly params: Param[];
  zeroGrad(): void;
  forwardBackward(batch: TBatch, loss: LossType, opts: ForwardBackwardOptions): { loss: number; gradFlow: Float64Array | null };
}

/** What one update reports; src/runner/events.ts's StepRecord is declared from it. */
export interface StepResult {
  /** 0-based index of this update. */
  step: number;
  loss: number;
  /** Global gradient L2 norm before clipping. */
  gradNorm: number;
  /** Global gradient L2 norm after clipping: what the optimizer used (gradNorm when clipping is off or did not act). */
  gradNormClipped: number;
  /** Each parameter's gradient L2 norm before clipping, by state_dict name. */
  paramGradNorms: Record<string, number>;
  /** Learning rate of this update. */
  lr: number;
  /** ‖dL/dh_t‖ per time step when requested, else null. */
  gradFlow: number[] | null;
}

/** A loss or gradient that is NaN or infinite. Thrown before any parameter changes. */
export class NonFiniteError extends Error {
  constructor(
    /** 0-based index of the update that failed. */
    readonly step: number,
    /** "loss" or the name of the first parameter whose gradient is not finite. */
    readonly tensor: string,
    readonly value: number,
  ) {
    super(tensor === 'loss' ? `Non-finite loss (${value}) at step ${step}` : `Non-finite gradient in ${tensor} at step ${step} (norm ${value})`);
    this.name = 'NonFiniteError';
  }
}

const RNG_STATE_KEY = 'trainer.rng';

export class Trainer<TBatch> {
  readonly optimizer: Optimizer;
  private readonly dropoutRandom: () => number;

  /** rng: the dropout stream (e.g. rootRng.fork("dropout")); it is saved in stateDict() for exact resumes. */
  constructor(
    readonly model: TrainableModel<TBatch>,
    readonly train: TrainSpec,
    private readonly rng: Rng,
  ) {
    this.optimizer = createOptimizer(train.optimizer, model.params);
    this.dropoutRandom = () => rng.uniform();
  }

  /** Updates completed so far. */
  get stepCount(): number {
    return this.optimizer.stepCount;
  }

  step(batch: TBatch, opts: { gradFlow?: boolean } = {}): StepResult {
    const step = this.optimizer.stepCount;
    const { model, train } = this;
    model.zeroGrad();
    const fb = model.forwardBackward(batch, train.loss, {
      train: true,
      tbptt: train.tbptt,
      dropoutRandom: this.dropoutRandom,
      gradFlow: opts.gradFlow ?? false,
      teacherForcing: train.teacherForcing,
    });
    if (!Number.isFinite(fb.loss)) throw new NonFiniteError(step, 'loss', fb.loss);

    const params = model.params;
    const norms = gradientNorms(params);
    const bad = norms.findIndex((n) => !Number.isFinite(n));
    if (bad >= 0) {
      // Prefer a parameter holding an actual NaN/Inf over one whose finite values overflowed the norm.
      const withNonFinite = params.findIndex((p) => p.grad.some((g) => !Number.isFinite(g)));
      const i = withNonFinite >= 0 ? withNonFinite : bad;
      throw new NonFiniteError(step, params[i].name, norms[i]);
    }
    const clipped = clipGradients(params, train.clip, norms);
    const lr = learningRate(train.schedule, train.optimizer.lr, step);
    this.optimizer.step(lr);

    const paramGradNorms: Record<string, number> = {};
    params.forEach((p, i) => (paramGradNorms[p.name] = norms[i]));
    return {
      step,
      loss: fb.loss,
      gradNorm: clipped.normBefore,
      gradNormClipped: clipped.normAfter,
      paramGradNorms,
      lr,
      gradFlow: fb.gradFlow ? Array.from(fb.gradFlow) : null,
    };
  }

  /** Optimizer state plus the dropout stream's position; model parameters are saved separately (statedict.ts). */
  stateDict(): Record<string, Buf> {
    const { words, spareNormal } = this.rng.getState();
    return {
      ...this.optimizer.stateDict(),
      [RNG_STATE_KEY]: Float64Array.of(...words, spareNormal === null ? 0 : 1, spareNormal ?? 0),
    };
  }

  loadStateDict(state: Record<string, Buf>): void {
    const { [RNG_STATE_KEY]: rngState, ...optimState } = state;
    if (!rngState || rngState.length !== 6) throw new Error(`trainer state: ${RNG_STATE_KEY} must hold 6 values`);
    this.optimizer.loadStateDict(optimState);
    const w = rngState;
    this.rng.setState({ words: [w[0], w[1], w[2], w[3]], spareNormal: w[4] === 1 ? w[5] : null });
  }
}
