// The dashboard's data: one RunData per run, split by record kind so each view reads only what it draws.
// A snapshot replaces everything (it is idempotent: the same snapshot twice gives the same state); appends extend.
import type {
  AlignmentRecord, EvalRecord, GateRecord, GradFlowRecord, LossInfo, RunRecord, RunSnapshot, RunSummary, SelfAttentionRecord, StepRecord,
  TaskRecord,
} from '../../src/shared/protocol';

export interface RunData {
  runId: string;
  config: unknown;
  /** What the run's losses are measured in; null when its run.json does not say. */
  lossInfo: LossInfo | null;
  summary: RunSummary | null;
  steps: StepRecord[];
  evals: EvalRecord[];
  gradflow: GradFlowRecord[];
  gates: GateRecord[];
  /** Sequence-to-sequence runs: attention alignments of the probe pairs. */
  alignments: AlignmentRecord[];
  /** The Transformer's attention maps. */
  attention: SelfAttentionRecord[];
  tasks: TaskRecord[];
}

export function runFromSnapshot(s: RunSnapshot): RunData {
  const run: RunData = {
    runId: s.runId, config: s.config, lossInfo: s.lossInfo ?? null, summary: s.summary, steps: [], evals: [], gradflow: [], gates: [], alignments: [], attention: [], tasks: [],
  };
  appendRecords(run, s.records, s.taskRecords);
  return run;
}

/** Adds records in arrival order; a record for a step already present (a resent batch) replaces it. */
export function appendRecords(run: RunData, records: readonly RunRecord[], tasks: readonly TaskRecord[]): void {
  for (const r of records) {
    switch (r.kind) {
      case 'step': pushByStep(run.steps, r); break;
      case 'eval': pushByStep(run.evals, r); break;
      case 'gradflow': pushByStep(run.gradflow, r); break;
      case 'gates': run.gates.push(r); break;
      case 'alignment': run.alignments.push(r); break;
      case 'selfattention': run.attention.push(r); break;
    }
  }
  run.tasks.push(...tasks);
}

function pushByStep<T extends { step: number }>(list: T[], r: T): void {
  const last = list[list.length - 1];
  if (last === undefined || r.step > last.step) { list.push(r); return; }
  const i = list.findIndex((x) => x.step >= r.step);
  if (list[i].step === r.step) list[i] = r;
  else list.splice(i, 0, r);
}

/** Reads a dotted path ("train.steps") from a config object, or undefined. */
export function configValue(config: unknown, path: string): unknown {
  let cur: unknown = config;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** A run of the Transformer kind: attention maps instead of gates, gradient flow at the stack's input. */
export function isTransformer(run: RunData): boolean {
  return run.attention.length > 0 || configValue(run.config, 'model.cell') === 'transformer';
}

/**
 * How much a run's detail views have to show: one per gate trace (an LSTM has six, a GRU four, a plain RNN only its
 * state), attention maps, alignments, gradient flow and each kind of task view.
 */
export function detailCount(run: RunData): number {
  const gateNames = new Set(run.gates.flatMap((g) => Object.keys(g.values)));
  const taskKinds = new Set(run.tasks.map((t) => t.kind));
  return gateNames.size + taskKinds.size + [run.attention, run.alignments, run.gradflow].filter((l) => l.length > 0).length;
}

/** The run whose details a comparison opens on: the one that shows the most (the first of equals). */
export function richestRun(runs: readonly RunData[]): RunData {
  return runs.reduce((best, r) => (detailCount(r) > detailCount(best) ? r : best));
}

/** The run's display name: summary name, config name, or its id. */
export function runName(run: RunData): string {
  const n = run.summary?.name || configValue(run.config, 'name');
  return typeof n === 'string' && n !== '' ? n : run.runId;
}

/** Probe/layer/direction combinations that have gate records, and the steps recorded for each. */
export function gateIndex(run: RunData): { probes: number[]; layers: string[]; steps: number[] } {
  const probes = new Set<number>();
  const layers = new Set<string>();
  const steps = new Set<number>();
  for (const g of run.gates) {
    probes.add(g.probe);
    layers.add(layerKey(g.layer, g.direction));
    steps.add(g.step);
  }
  const num = (a: number, b: number) => a - b;
  const byLayer = (a: string, b: string) => parseInt(a, 10) - parseInt(b, 10) || a.localeCompare(b);
  return { probes: [...probes].sort(num), layers: [...layers].sort(byLayer), steps: [...steps].sort(num) };
}

export function layerKey(layer: number, direction: GateRecord['direction']): string {
  return `${layer}:${direction}`;
}
