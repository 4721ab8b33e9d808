// What a train.py run and a SeqLab run of the same experiment must agree on, to 1e-5 relative (float64 both sides):
// losses, gradient norms, learning rates, validation results, gradient flow, gate traces, attention maps and
// alignments (to the digits both record), and final weights. Shared by the export's parity tests.
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import type { AlignmentRecord, EvalRecord, GateRecord, GradFlowRecord, RunRecord, SelfAttentionRecord, StepRecord } from '../../../src/runner/events';
import { loadExperiments } from '../../../src/runner/experiment';
import { resumeRun, startRun } from '../../../src/runner/run';
import { readJsonl } from '../../../src/runner/runDir';
import { readSafetensors } from '../../../src/runner/safetensors';
import { exportAndTrain, PYTHON, runIn, type ExportedRun } from '../../helpers/pytorchExport';
import type { Case } from './cases';

const TOL = 1e-5;

function close(a: number, b: number, what: string, scale = Math.abs(a)): void {
  assert.ok(Math.abs(a - b) <= TOL * Math.max(scale, 1e-8), `${what}: SeqLab ${a}, PyTorch ${b}`);
}

function closeArrays(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(b.length, a.length, `${what}: lengths`);
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]));
  for (let i = 0; i < a.length; i++) close(a[i], b[i], `${what}[${i}]`, scale);
}

/**
 * Attention weights are recorded to 4 significant digits, so two values 1e-5 apart may round one unit of the 4th digit
 * apart: that much more is allowed, no more.
 */
function closeRounded(a: number[], b: number[], what: string): void {
  assert.equal(b.length, a.length, `${what}: lengths`);
  a.forEach((v, i) => {
    const m = Math.max(Math.abs(v), Math.abs(b[i]));
    const unit = m === 0 ? 0 : 10 ** (Math.floor(Math.log10(m)) - 3);
    assert.ok(Math.abs(v - b[i]) <= TOL * m + unit * (1 + 1e-9), `${what}[${i}]: SeqLab ${v}, PyTorch ${b[i]}`);
  });
}

function assertSameAttention(seqlab: string, torch: string): void {
  const [a, b] = [seqlab, torch].map((d) => records<SelfAttentionRecord>(d, 'selfattention.jsonl', 'selfattention'));
  assert.equal(b.length, a.length, 'selfattention records');
  a.forEach((r, i) => {
    const o = b[i];
    assert.deepEqual([o.step, o.probe, o.layer, o.T, o.weights.length], [r.step, r.probe, r.layer, r.T, r.weights.length]);
    r.weights.forEach((w, h) => closeRounded(w, o.weights[h], `attention at step ${r.step}, probe ${r.probe}, layer ${r.layer}, head ${h}`));
  });
}

export /** A decoder's alignments: the same tokens, and weights kept to 5 decimals (one unit of the 5th apart at most). */
function assertSameAlignments(seqlab: string, torch: string): void {
  const [a, b] = [seqlab, torch].map((d) => records<AlignmentRecord>(d, 'attention.jsonl', 'alignment'));
  assert.equal(b.length, a.length, 'alignment records');
  a.forEach((r, i) => {
    const o = b[i];
    assert.deepEqual([o.step, o.probe, o.source, o.target], [r.step, r.probe, r.source, r.target]);
    assert.equal(o.weights.length, r.weights.length);
    r.weights.forEach((w, t) => w.forEach((v, s) => assert.ok(Math.abs(v - o.weights[t][s]) <= TOL * Math.abs(v) + 1e-5 * (1 + 1e-9),
      `alignment at step ${r.step}, probe ${r.probe}, target ${t}, source ${s}: SeqLab ${v}, PyTorch ${o.weights[t][s]}`)));
  });
}

export const records = <T extends RunRecord>(dir: string, file: string, kind: T['kind']) =>
  readJsonl<RunRecord>(join(dir, file)).filter((r): r is T => r.kind === kind);

/** Everything two runs of the same experiment must agree on. */
export function assertSameRun(seqlab: string, torch: string): void {
  const [a, b] = [seqlab, torch].map((d) => records<StepRecord>(d, 'metrics.jsonl', 'step'));
  assert.deepEqual(b.map((r) => r.step), a.map((r) => r.step));
  a.forEach((r, i) => {
    close(r.loss, b[i].loss, `step ${r.step} loss`);
    close(r.gradNorm, b[i].gradNorm, `step ${r.step} gradNorm`);
    close(r.gradNormClipped, b[i].gradNormClipped, `step ${r.step} gradNormClipped`);
    close(r.lr, b[i].lr, `step ${r.step} lr`);
    for (const [name, n] of Object.entries(r.paramGradNorms)) close(n, b[i].paramGradNorms[name], `step ${r.step} ‖∇${name}‖`);
  });
  const [ea, eb] = [seqlab, torch].map((d) => records<EvalRecord>(d, 'metrics.jsonl', 'eval'));
  assert.deepEqual(eb.map((r) => r.step), ea.map((r) => r.step));
  ea.forEach((r, i) => {
    close(r.valLoss, eb[i].valLoss, `eval ${r.step} valLoss`);
    assert.deepEqual(Object.keys(eb[i].metrics).sort(), Object.keys(r.metrics).sort());
    for (const [k, v] of Object.entries(r.metrics)) close(v, eb[i].metrics[k], `eval ${r.step} ${k}`);
  });
  const [fa, fb] = [seqlab, torch].map((d) => records<GradFlowRecord>(d, 'gradflow.jsonl', 'gradflow'));
  assert.deepEqual(fb.map((r) => r.step), fa.map((r) => r.step));
  fa.forEach((r, i) => closeArrays(r.norms, fb[i].norms, `gradflow at step ${r.step}`));
  const [ga, gb] = [seqlab, torch].map((d) => records<GateRecord>(d, 'gates.jsonl', 'gates'));
  assert.equal(gb.length, ga.length, 'gate records');
  ga.forEach((r, i) => {
    const o = gb[i];
    assert.deepEqual([o.step, o.probe, o.layer, o.direction, o.cell, o.T, o.H], [r.step, r.probe, r.layer, r.direction, r.cell, r.T, r.H]);
    assert.deepEqual(Object.keys(o.values).sort(), Object.keys(r.values).sort());
    for (const k of Object.keys(r.values)) closeArrays(r.values[k], o.values[k], `gates ${k} at step ${r.step}, layer ${r.layer} ${r.direction}`);
  });
  assertSameAttention(seqlab, torch);
  assertSameAlignments(seqlab, torch);
  const [pa, pb] = [seqlab, torch].map((d) => readSafetensors(join(d, 'checkpoints', 'final.safetensors')));
  assert.deepEqual(Object.keys(pb.tensors).sort(), Object.keys(pa.tensors).sort());
  for (const [name, t] of Object.entries(pa.tensors)) {
    assert.deepEqual(pb.tensors[name].shape, t.shape, `${name} shape`);
    closeArrays(t.data, pb.tensors[name].data, `final ${name}`);
  }
  assert.equal(pb.metadata.step, pa.metadata.step);
}

export async function seqlabRun(e: ExportedRun, out = 'seqlab-run'): Promise<string> {
  const [exp] = loadExperiments(e.configFile);
  return (await startRun(exp, { outDir: join(e.workspace, out) })).runDir;
}


/** Each case's export, trained by train.py once per test file, on first use. */
export function exportedOnce(cases: Record<string, Case>): (name: string) => ExportedRun {
  const trained = new Map<string, ExportedRun>();
  return (name) => {
    if (!trained.has(name)) trained.set(name, exportAndTrain(cases[name].files, [], { shardBytes: cases[name].shardBytes }));
    return trained.get(name)!;
  };
}

/** Runs move both ways: SeqLab resumes a copy of the train.py run, train.py resumes its own; each ends as SeqLab's straight run. */
export async function assertMovesBothWays(e: ExportedRun): Promise<void> {
  const full = await seqlabRun(e);
  const bySeqlab = join(e.workspace, 'resumed-by-seqlab');
  cpSync(e.runDir, bySeqlab, { recursive: true });
  await resumeRun(bySeqlab);
  assertSameRun(full, bySeqlab);
  runIn(e.exportDir, PYTHON, ['train.py', '--device', 'cpu', '--resume', e.runDir]);
  assertSameRun(full, e.runDir);
}
