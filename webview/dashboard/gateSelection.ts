// Which gate record the gates view shows for the chosen probe, layer and step.
import type { GateRecord } from '../../src/shared/protocol';
import { layerKey } from './model';

/** The record shown: matching probe and layer at the chosen step, or the latest when gateStep is null or absent. */
export function pickGateRecord(gates: readonly GateRecord[], probe: number, layer: string, step: number | null): GateRecord | undefined {
  const match = gates.filter((g) => g.probe === probe && layerKey(g.layer, g.direction) === layer);
  return match.find((g) => g.step === step) ?? match[match.length - 1];
}
