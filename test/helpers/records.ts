// Small run records for tests of what consumes them (stream cursor, dashboard model, CSV), with overridable fields.
import type { GateRecord, StepRecord } from '../../src/shared/protocol';

export function stepRecord(step: number, over: Partial<StepRecord> = {}): StepRecord {
  return { kind: 'step', step, loss: 1, gradNorm: 2, gradNormClipped: 1, paramGradNorms: { 'rnn.weight_hh_l0': 0.5 }, lr: 0.01, time: step / 10, stepsPerSec: 10, ...over };
}

/** A 1 × 1 RNN gate record whose one value is its step, so a test can tell which record was picked. */
export function gateRecord(step: number, probe: number, layer = 0): GateRecord {
  return { kind: 'gates', step, probe, layer, direction: 'forward', cell: 'rnn', T: 1, H: 1, values: { h: [step] } };
}
