// SeqLab's Transformer checkpoint is PyTorch's state_dict: scripts/golden/load_checkpoint.py loads it into the PyTorch
// module (torch.nn.TransformerEncoder inside scripts/golden/seqlab_transformer.py) with load_state_dict(strict=True),
// and that module predicts what SeqLab predicts. Needs /usr/bin/python3 with torch (Debian's python3-torch): without it
// the test fails saying what to install.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { makeBatch } from '../../src/runner/data/batches';
import { loadExperiments } from '../../src/runner/experiment';
import { startRun } from '../../src/runner/run';
import { loadTrainedModel } from '../../src/runner/savedRun';
import { PYTHON, requireTorch } from '../helpers/pytorchExport';
import { tempWorkspace } from '../helpers/workspace';

const repoRoot = join(__dirname, '..', '..');

const rows = Array.from({ length: 16 }, (_, i) => JSON.stringify({
  x: Array.from({ length: 2 + (i % 5) }, (_, t) => [Math.sin(i * 1.3 + t), Math.cos(t + i)]), y: i % 3 === 0 ? 'a' : i % 3 === 1 ? 'b' : 'c',
})).join('\n') + '\n';

const configs: Record<string, object> = {
  'pre-norm, gelu, learned positions, attention head, softmax': {
    cell: 'transformer', hiddenSize: 8, numLayers: 2, heads: 2, feedForward: 12, activation: 'gelu', normFirst: true,
    positional: 'learned', head: { output: 'attention', activation: 'softmax' },
  },
  'post-norm, relu, sinusoidal positions, last step': { cell: 'transformer', hiddenSize: 6, numLayers: 1, heads: 3, head: { output: 'last' } },
};

for (const [name, model] of Object.entries(configs))
  test(`PyTorch loads SeqLab's transformer checkpoint with strict=True and predicts the same (${name})`, async () => {
    requireTorch();
    const dir = tempWorkspace({
      'data.jsonl': rows,
      'x.seqlab.json': { seed: 4, data: { source: 'jsonl', path: 'data.jsonl', validation: 0 }, model, train: { steps: 3, batchSize: 8 } },
    });
    const run = await startRun(loadExperiments(join(dir, 'x.seqlab.json'))[0], { outDir: join(dir, 'run') });
    assert.equal(run.summary.status, 'completed', run.summary.reason);
    const { exp, model: ours, checkpoint } = loadTrainedModel(run.runDir, { backend: 'reference64' });
    const seqs = exp.dataset.train.slice(0, 6);
    const batch = makeBatch(seqs, exp.dataset, { dtype: 'float64', oneHot: false });
    const mine = ours.predict(batch);
    const request = {
      spec: exp.model, B: batch.B, T: batch.T, x: Array.from(batch.x!), tokens: null, lengths: seqs.map((s) => s.T),
    };
    const r = spawnSync(PYTHON, [join(repoRoot, 'scripts/golden/load_checkpoint.py'), join(run.runDir, 'checkpoints', `${checkpoint.label}.safetensors`)], { input: JSON.stringify(request), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const torch = JSON.parse(r.stdout) as { keys: string[]; output: number[]; shape: number[] };
    assert.deepEqual(torch.keys, ours.params.map((p) => p.name), 'the same names in the same order');
    assert.deepEqual(torch.shape, mine.shape);
    assert.ok(seqs.some((s) => s.T < batch.T), 'the batch is padded');
    torch.output.forEach((v, i) => assert.ok(Math.abs(v - mine.data[i]) <= 1e-9 * Math.max(1, Math.abs(v)), `output[${i}]: torch ${v}, SeqLab ${mine.data[i]}`));
  });
