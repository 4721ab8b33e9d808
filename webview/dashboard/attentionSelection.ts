// Which attention record the attention view shows for the chosen probe, layer and step.
import type { SelfAttentionRecord } from '../../src/shared/protocol';

/** Probes and layers that have attention records, ascending. */
export function attentionIndex(records: readonly SelfAttentionRecord[]): { probes: number[]; layers: number[] } {
  const asc = (a: number, b: number) => a - b;
  return { probes: [...new Set(records.map((r) => r.probe))].sort(asc), layers: [...new Set(records.map((r) => r.layer))].sort(asc) };
}

/** The training steps recorded for a probe and layer, ascending. */
export function attentionSteps(records: readonly SelfAttentionRecord[], probe: number, layer: number): number[] {
  return [...new Set(records.filter((r) => r.probe === probe && r.layer === layer).map((r) => r.step))].sort((a, b) => a - b);
}

/** The record for the probe and layer at the chosen step, or the latest when step is null or was not recorded. */
export function pickAttention(records: readonly SelfAttentionRecord[], probe: number, layer: number, step: number | null): SelfAttentionRecord | undefined {
  const match = records.filter((r) => r.probe === probe && r.layer === layer);
  return match.find((r) => r.step === step) ?? match[match.length - 1];
}
