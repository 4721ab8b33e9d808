// The PyTorch export trains what SeqLab trains: for each case (together every cell, variant and option), SeqLab and
// the exported train.py (Debian's python3-torch) give the same losses, gradient norms, learning rates, gradient flow,
// gate traces, validation results and final weights to 1e-5 relative, and the same attention maps to the 4
// significant digits both record; two DDP processes give what one does; runs
// move both ways (SeqLab resumes a train.py run, train.py resumes its own); bad input gets a clear message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord, RunSummary, SelfAttentionRecord, StepRecord } from '../../../src/runner/events';
import { exportConfig } from '../../../src/runner/export/pytorch';
import { loadExperiments } from '../../../src/runner/experiment';
import { InputError } from '../../../src/runner/diagnostics';
import { readJsonl } from '../../../src/runner/runDir';
import { readSafetensors } from '../../../src/runner/safetensors';
import { readSnapshot } from '../../../src/runner/snapshot';
import { exportAndTrain, newestRun, PYTHON, requireTorch, runIn } from '../../helpers/pytorchExport';
import { tempWorkspace } from '../../helpers/workspace';
import { CASES } from './cases';
import { assertMovesBothWays, assertSameRun, exportedOnce, records, seqlabRun } from './parity';

const exported = exportedOnce(CASES);

for (const name of Object.keys(CASES)) {
  test(`train.py matches SeqLab: ${name}`, async () => {
    const e = exported(name);
    assertSameRun(await seqlabRun(e), e.runDir);
  });
}

const RAGGED = 'RNN tanh: embedding, ragged token rows, bidirectional under truncated BPTT, AdamW';

test('torchrun with 2 processes (DDP, gloo, CPU) gives what one process gives, and only rank 0 writes', () => {
  const one = exported(RAGGED);
  // --redirects/--tee: Debian 12's torch 1.13 on Python 3.11 cannot parse their default "0" (README.md says so too)
  runIn(one.exportDir, PYTHON, ['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1', 'train.py',
    '--device', 'cpu', '--runs-dir', join(one.workspace, 'ddp-runs')]);
  const ddp = newestRun(join(one.workspace, 'ddp-runs'));
  assertSameRun(one.runDir, ddp);
  const summary = JSON.parse(readFileSync(join(ddp, 'summary.json'), 'utf8')) as RunSummary;
  assert.equal(summary.backend, 'pytorch/cpu float64 x2');
  // one step line per step: a second writer would have doubled them
  assert.equal(records<StepRecord>(ddp, 'metrics.jsonl', 'step').length, 4);
});

const TRANSFORMER = 'Transformer pre-norm: gelu, learned positions, embedded ragged token rows, per-step (causal) targets, AdamW, warmup';

test('a Transformer run of train.py records attention maps (selfattention.jsonl) where a recurrent one records gates', () => {
  const e = exported(TRANSFORMER);
  const snap = readSnapshot('x', e.runDir);
  assert.deepEqual([...new Set(snap.records.map((r) => r.kind))].sort(), ['eval', 'gradflow', 'selfattention', 'step']);
  // probes 0 and 1 at steps 0, 2 and 4, each with both layers; heads × T×T weights, each query row summing to 1
  const maps = records<SelfAttentionRecord>(e.runDir, 'selfattention.jsonl', 'selfattention');
  assert.equal(maps.length, 3 * 2 * 2);
  for (const m of maps) {
    assert.equal(m.weights.length, 2);
    for (const w of m.weights) {
      assert.equal(w.length, m.T * m.T);
      for (let i = 0; i < m.T; i++) {
        const row = w.slice(i * m.T, (i + 1) * m.T);
        assert.ok(Math.abs(row.reduce((x, y) => x + y, 0) - 1) < 1e-3, `row ${i} sums to 1`);
        assert.ok(row.slice(i + 1).every((v) => v === 0), `causal: row ${i} sees no later step`);
      }
    }
  }
});

test('the export README describes the model kind: its layers, what model.py runs and where the probes go', () => {
  const readme = (name: string) => readFileSync(join(exported(name).exportDir, 'README.md'), 'utf8');
  const tfm = readme(TRANSFORMER);
  assert.match(tfm, /Model: 2-layer Transformer encoder \(pre-norm\), width 4, 2 heads, feed-forward 5 \(gelu\), token embedding \+ learned positions, causal, head "all"/);
  assert.match(tfm, /\| `model.py` \| .*torch\.nn\.TransformerEncoder/);
  assert.match(tfm, /selfattention\.jsonl \(attention maps\)/);
  assert.match(tfm, /The attention key biases \(`self_attn\.in_proj_bias\[d:2d\]`\) add the same amount/);
  const rnn = readme(RAGGED);
  assert.match(rnn, /Model: 1-layer RNN \(tanh\), hidden 3, bidirectional, embedding 3, head "all"/);
  assert.match(rnn, /gates\.jsonl \(gate traces\)/);
  assert.doesNotMatch(rnn, /selfattention|TransformerEncoder|key biases/);
});

test('torchrun with 2 processes (DDP, gloo, CPU) trains the Transformer as one process does', () => {
  const one = exported(TRANSFORMER);
  runIn(one.exportDir, PYTHON, ['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1', 'train.py',
    '--device', 'cpu', '--runs-dir', join(one.workspace, 'ddp-runs')]);
  assertSameRun(one.runDir, newestRun(join(one.workspace, 'ddp-runs')));
});

const SHUFFLED = 'GRU resetAfter: bidirectional, cross entropy, SGD Nesterov + weight decay, step schedule, shuffled';

test('runs move both ways: SeqLab resumes a train.py run and train.py resumes its own, each ending where one run ends', async () => {
  const e = exportAndTrain(CASES[SHUFFLED].files, ['--steps', '2']);
  await assertMovesBothWays(e);
});

test('a Transformer run moves both ways too: SeqLab resumes its train.py run, train.py resumes it, each ending as one run', async () => {
  const e = exportAndTrain(CASES[TRANSFORMER].files, ['--steps', '2'], { shardBytes: CASES[TRANSFORMER].shardBytes });
  await assertMovesBothWays(e);
});

test('the runner reads a train.py run folder as it reads its own: snapshot, summary and checkpoint names', () => {
  const e = exported(RAGGED);
  // (this case's rows went into shards of 64 bytes: train.py read them across files, in order)
  const manifest = JSON.parse(readFileSync(join(e.exportDir, 'seqlab-export.json'), 'utf8')) as { data: { files: { train: string[] } } };
  assert.ok(manifest.data.files.train.length >= 3, `${manifest.data.files.train.length} training shards`);
  const snap = readSnapshot('x', e.runDir);
  assert.equal(snap.summary?.status, 'completed');
  assert.equal(snap.summary?.steps, 4);
  assert.deepEqual([...new Set(snap.records.map((r) => r.kind))].sort(), ['eval', 'gates', 'gradflow', 'step']);
  const info = JSON.parse(readFileSync(join(e.runDir, 'run.json'), 'utf8')) as { configFile: string; runId: string };
  assert.equal(info.configFile, e.configFile);
  assert.match(info.runId, /^\d{8}-\d{6}-exp-pytorch$/);
  assert.ok(existsSync(join(e.runDir, 'checkpoints', 'final.state.safetensors')));
});

test('train.py explains a missing torch, a CUDA request without CUDA and a world size that does not divide the batch', () => {
  requireTorch();
  const e = exported(RAGGED);
  const noTorch = runIn(e.exportDir, PYTHON, ['-S', 'train.py'], {}, false);
  assert.notEqual(noTorch.status, 0);
  assert.match(noTorch.stderr, /PyTorch is not installed for .*python3.*install it \(pip install torch, or .*apt install python3-torch\)/);
  const cuda = runIn(e.exportDir, PYTHON, ['train.py', '--device', 'cuda'], { CUDA_VISIBLE_DEVICES: '' }, false);
  assert.equal(cuda.status, 2);
  assert.match(cuda.stderr, /--device cuda asks for CUDA, but this PyTorch \(.*\) sees no CUDA device: use --device cpu/);
  const world = runIn(e.exportDir, PYTHON, ['train.py', '--device', 'cpu'], { WORLD_SIZE: '3', RANK: '0', LOCAL_RANK: '0' }, false);
  assert.equal(world.status, 2);
  assert.match(world.stderr, /the batch size 4 does not divide among 3 processes: run a number of processes that divides it \(e\.g\. --nproc_per_node=2\)/);
});

test('exporting a config that does not validate throws the diagnostics `run` reports, and writes nothing', () => {
  const dir = tempWorkspace({ 'bad.seqlab.json': '{\n  "model": { "cell": "lstm", "hiddenSize": -3 },\n  "train": { "optimiser": {} }\n}\n' });
  const file = join(dir, 'bad.seqlab.json');
  let fromRun: unknown = null;
  try { loadExperiments(file); } catch (e) { fromRun = e; }
  assert.ok(fromRun instanceof InputError && fromRun.diagnostics.length >= 2);
  assert.throws(() => exportConfig(file, join(dir, 'out')), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.deepEqual(e.diagnostics, fromRun.diagnostics);
    return true;
  });
  assert.equal(existsSync(join(dir, 'out')), false);
});

test('export refuses a non-empty folder that is not an earlier export, and re-exports into its own folder', () => {
  const dir = tempWorkspace({ 'exp.seqlab.json': CASES[RAGGED].files['exp.seqlab.json'], 'tagged.jsonl': CASES[RAGGED].files['tagged.jsonl'], 'out/notes.txt': 'mine' });
  assert.throws(() => exportConfig(join(dir, 'exp.seqlab.json'), join(dir, 'out')), /not empty and holds no earlier export/);
  assert.equal(readFileSync(join(dir, 'out', 'notes.txt'), 'utf8'), 'mine');
  const [first] = exportConfig(join(dir, 'exp.seqlab.json'), join(dir, 'fresh'));
  const [again] = exportConfig(join(dir, 'exp.seqlab.json'), join(dir, 'fresh'));
  assert.deepEqual(again.files, first.files);
});

test('a sweep exports one folder per combination, each with its own model', () => {
  const dir = tempWorkspace({ 'sw.seqlab.json': { data: { source: 'adding', length: 4, trainSize: 4, validationSize: 2 }, model: { hiddenSize: 3 }, sweep: { 'model.cell': ['rnn', 'gru'] } } });
  const out = exportConfig(join(dir, 'sw.seqlab.json'), join(dir, 'out'));
  assert.deepEqual(out.map((e) => e.dir), [join(dir, 'out', 'cell=rnn'), join(dir, 'out', 'cell=gru')]);
  const cells = out.map((e) => (JSON.parse(readFileSync(join(e.dir, 'seqlab-export.json'), 'utf8')) as { model: { cell: string }; config: { sweep: object } }));
  assert.deepEqual(cells.map((m) => m.model.cell), ['rnn', 'gru']);
  assert.deepEqual(cells.map((m) => m.config.sweep), [{}, {}]);
});

test('Ctrl-C stops train.py after the current step: a checkpoint of that step, a final one, and status "stopped"', async () => {
  requireTorch();
  const dir = tempWorkspace({ 'long.seqlab.json': {
    data: { source: 'adding', length: 4, trainSize: 8, validationSize: 2 }, model: { cell: 'gru', hiddenSize: 3 },
    train: { steps: 1000000, batchSize: 4, evalEvery: 0, checkpointEvery: 0 }, instrumentation: { gradFlowEvery: 0, gatesEvery: 0 },
  } });
  const [{ dir: exported }] = exportConfig(join(dir, 'long.seqlab.json'), join(dir, 'export'));
  const child = spawn(PYTHON, ['train.py', '--device', 'cpu'], { cwd: exported, env: { ...process.env, OMP_NUM_THREADS: '1' } });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const runs = join(exported, '.seqlab', 'runs');
  const metrics = () => (existsSync(runs) && readdirSync(runs).length ? readJsonl<RunRecord>(join(newestRun(runs), 'metrics.jsonl')) : []);
  for (let waited = 0; metrics().length < 3; waited += 100) {
    assert.ok(waited < 60_000, 'train.py wrote no step line within a minute');
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGINT');
  assert.equal(await exited, 0);
  const run = newestRun(runs);
  const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as RunSummary;
  assert.equal(summary.status, 'stopped');
  assert.ok(summary.steps >= 3 && summary.steps < 1000000);
  assert.ok(existsSync(join(run, 'checkpoints', `step-${summary.steps}.state.safetensors`)));
  assert.equal(readSafetensors(join(run, 'checkpoints', 'final.safetensors')).metadata.step, String(summary.steps));
});

test('model.py drops out between stacked layers while training only, never after the top layer', () => {
  requireTorch();
  const dir = tempWorkspace({ 'd.seqlab.json': {
    data: { source: 'adding', length: 5, trainSize: 4, validationSize: 2 }, model: { cell: 'lstm', hiddenSize: 16, numLayers: 2, dropout: 0.5 },
  } });
  const [{ dir: exported }] = exportConfig(join(dir, 'd.seqlab.json'), join(dir, 'export'));
  const script = `
import json, torch
from model import Model
spec = json.load(open("seqlab-export.json"))["model"]
x, valid = torch.randn(5, 8, 2), torch.ones(5, 8, dtype=torch.bool)
def make(layers):
    m = Model(dict(spec, numLayers=layers))
    for p in m.parameters():
        torch.nn.init.uniform_(p, -0.5, 0.5)
    return m
def top(m, training):
    m.train(training)
    return m.rnn(x, valid, m.initial_state(8))[0]
two, one = make(2), make(1)
print(json.dumps({"evalSame": torch.equal(top(two, False), top(two, False)),
                  "trainDiffers": not torch.equal(top(two, True), top(two, True)),
                  "topLayerUntouched": torch.equal(top(one, True), top(one, False))}))`;
  const r = runIn(exported, PYTHON, ['-c', script]);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), { evalSame: true, trainDiffers: true, topLayerUntouched: true });
});
