// The offline report's packed runs (src/runner/reportPack.ts) back as the snapshots the dashboard draws.
import type {
  PackedField, PackedNumbers, PackedRecord, PackedSnapshot, PackedSteps, PackedTask, RunRecord, RunSnapshot, StepRecord, TaskRecord,
} from '../../src/shared/protocol';

function bytes(base64: string): Uint8Array {
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The shortest decimal that is the same float32 (0.1909, not 0.19089999794960022), for readouts and the CSV export. */
export function shortestFloat32(v: number): number {
  if (!Number.isFinite(v)) return v;
  for (let digits = 1; digits < 9; digits++) {
    const d = Number(v.toPrecision(digits));
    if (Math.fround(d) === v) return d;
  }
  return v;
}

export function unpackNumbers(p: PackedNumbers): number[] {
  if ('dec' in p) return p.dec.slice();
  if ('same' in p) return new Array<number>(p.n).fill(p.same);
  if ('from' in p) return Array.from({ length: p.n }, (_, i) => p.from + i * p.step);
  if ('f32' in p) {
    const b = bytes(p.f32);
    return Array.from(new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4), shortestFloat32);
  }
  const scale = (p.hi - p.lo) / 255;
  return Array.from(bytes(p.u8), (q) => p.lo + q * scale);
}

function unpackField(f: PackedField): number[] | number[][] | Record<string, number[]> {
  if (Array.isArray(f)) return f.map(unpackNumbers);
  if (['f32', 'u8', 'dec', 'same', 'from'].some((k) => k in f)) return unpackNumbers(f as PackedNumbers);
  return Object.fromEntries(Object.entries(f).map(([k, v]) => [k, unpackNumbers(v)]));
}

function unpackSteps(p: PackedSteps): StepRecord[] {
  const c = Object.fromEntries(Object.entries(p.columns).map(([k, v]) => [k, unpackNumbers(v)])) as Record<keyof PackedSteps['columns'], number[]>;
  const params = Object.entries(p.params).map(([name, v]) => [name, unpackNumbers(v)] as const);
  return c.step.map((step, i) => ({
    kind: 'step', step, loss: c.loss[i], gradNorm: c.gradNorm[i], gradNormClipped: c.gradNormClipped[i], lr: c.lr[i], time: c.time[i],
    stepsPerSec: c.stepsPerSec[i],
    paramGradNorms: Object.fromEntries(params.filter(([, v]) => !Number.isNaN(v[i])).map(([name, v]) => [name, v[i]])),
  }));
}

function unpackRecord(r: PackedRecord): RunRecord {
  if (!('packed' in r)) return r;
  const { packed, ...rest } = r;
  const fields = Object.fromEntries(Object.entries(packed).map(([k, v]) => [k, unpackField(v)]));
  return { ...rest, ...fields } as unknown as RunRecord;
}

function unpackTask(t: PackedTask): TaskRecord {
  if (!('packed' in t)) return t;
  const { packed, ...rest } = t;
  const time = (rest as { time?: { values: PackedNumbers } }).time;
  return {
    ...rest, actual: unpackNumbers(packed.actual), predicted: unpackNumbers(packed.predicted),
    ...(time ? { time: { ...time, values: unpackNumbers(time.values) } } : {}),
    ...(t.rowIndex ? { rowIndex: unpackNumbers(t.rowIndex) } : {}),
  } as TaskRecord;
}

export function unpackSnapshot(p: PackedSnapshot): RunSnapshot {
  return {
    runId: p.runId, config: p.config, ...(p.lossInfo ? { lossInfo: p.lossInfo } : {}), summary: p.summary, taskRecords: p.taskRecords.map(unpackTask),
    records: [...unpackSteps(p.steps), ...p.records.map(unpackRecord)],
  };
}

