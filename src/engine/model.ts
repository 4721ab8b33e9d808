// What every model kind offers the trainer and the runner, and the one place that builds a model from its spec.
// A kind is a class in src/engine implementing SequenceModel (the recurrent stack: recurrentModel.ts); the runner and
// the Trainer see only this interface, so a new kind plugs in here and nowhere else in the data path.
import type { Backend, Buf } from './backend';
import type { Batch } from './batch';
import type { Param } from './params';
import type { ProbeResult } from './probe';
import { RecurrentModel } from './recurrentModel';
import { Seq2SeqModel } from './seq2seq/model';
import type { LossType, ModelSpec } from './spec';
import { TransformerModel } from './transformer/transformerModel';

export type { Batch } from './batch';

export interface ForwardBackwardOptions {
  /** Dropout is active only when true. */
  train: boolean;
  /** null: full BPTT; k: chunks of k steps, state carried between chunks as a constant (recurrent kinds only). */
  tbptt: number | null;
  /**
   * Uniform [0,1) source for dropout masks; required when training with dropout on a stacked model.
   * Drawn per chunk, layer by layer (0..L−2), over that layer's outputs in time-major order [t][b][j];
   * a unit is dropped when its draw is < p and kept ×1/(1−p) otherwise. The Transformer draws layer by layer, at each
   * layer's four dropouts in order (transformer/dropout.ts): attention weights [b][head][i][j], attention output,
   * feed-forward hidden and feed-forward output [b][t][j], over the loaded steps.
   */
  dropoutRandom?: () => number;
  /** Record the gradient reaching each step: ‖∂L/∂h_t‖ of the top recurrent layer (of the encoder, for a
   * sequence-to-sequence model); ‖∂L/∂x_t‖ at the Transformer's input. */
  gradFlow?: boolean;
  /**
   * Sequence-to-sequence only: probability of feeding a decoder step the reference token instead of the previous
   * prediction (default 1). Below 1, dropoutRandom supplies one draw per decoder step after the first (after the
   * encoder's dropout draws); the step is teacher-forced when its draw is < teacherForcing.
   */
  teacherForcing?: number;
}

export interface SequenceModel {
  readonly spec: ModelSpec;
  readonly backend: Backend;
  /** Every parameter in state_dict order (PyTorch's names and layouts). */
  readonly params: Param[];
  /** A parameter by its state_dict name; throws naming the ones there are. */
  param(name: string): Param;
  zeroGrad(): void;
  /** Forward, loss and backward: ADDS the gradient of the batch's mean loss into every grad and returns the loss. */
  forwardBackward(batch: Batch, loss: LossType, opts: ForwardBackwardOptions): { loss: number; gradFlow: Float64Array | null };
  /** Mean loss without gradients or dropout (validation). */
  evaluate(batch: Batch, loss: LossType): number;
  /** Head outputs with the output activation applied: [B, size] or [B, T, size] (batch-first). */
  predict(batch: Batch): { data: Buf; shape: number[] };
  /** What the model's views show of a few sequences (gate activations and states; the Transformer's attention maps). */
  probe(batch: Batch): ProbeResult;
}

export function createModel(spec: ModelSpec, backend: Backend): SequenceModel {
  if (spec.decoder) return new Seq2SeqModel(spec, backend);
  if (spec.cell === 'transformer') return new TransformerModel(spec, backend);
  return new RecurrentModel(spec, backend);
}
