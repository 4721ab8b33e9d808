// runs, report, sample and predict on small runs made by `seqlab run`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempWorkspace } from '../helpers/workspace';
import { CLI, cli } from './helpers';

test('a text run can be listed, reported and sampled from', () => {
  const dir = tempWorkspace({
    'story.txt': 'the cat sat on the mat. the dog sat on the log. '.repeat(8),
    'chars.seqlab.json': {
      data: { source: 'text', path: 'story.txt', seqLength: 16, validation: 0.2, sample: { every: 5, temperature: 0.5, length: 20, prime: 'the ' } },
      model: { cell: 'gru', hiddenSize: 12 },
      train: { steps: 10, batchSize: 8, evalEvery: 5, checkpointEvery: 5 },
      instrumentation: { gradFlowEvery: 5, gatesEvery: 5 },
    },
  });
  const run = cli(['run', 'chars.seqlab.json'], dir);
  assert.equal(run.code, 0, run.stderr);
  const runs = readdirSync(join(dir, '.seqlab/runs'));
  assert.equal(runs.length, 1);
  const runDir = join(dir, '.seqlab/runs', runs[0]);
  const samples = readFileSync(join(runDir, 'tasks.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; text: string; step: number });
  assert.deepEqual(samples.filter((s) => s.kind === 'sample').map((s) => s.step), [5, 10]);
  assert.ok(samples.every((s) => s.kind !== 'sample' || (s.text.startsWith('the ') && s.text.length === 24)));
  const evals = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; metrics?: Record<string, number> });
  assert.ok(evals.some((e) => e.kind === 'eval' && e.metrics!.perplexity > 1 && e.metrics!.accuracy >= 0 && e.metrics!.baselineCrossEntropy > 0));

  const list = cli(['runs'], dir);
  assert.equal(list.code, 0);
  assert.match(list.stdout, new RegExp(`${runs[0]}\\s+completed\\s+steps 10`));

  assert.match(run.stdout, /report: .*report\.html/); // `run` writes the report by itself
  const report = cli(['report', runDir, '--out', 'again.html'], dir);
  assert.equal(report.code, 0, report.stderr);
  const html = readFileSync(join(dir, 'again.html'), 'utf8');
  assert.match(html, /^<!doctype html>/i);
  assert.match(html, /default-src &#39;none&#39;/); // strict CSP: nothing loads from anywhere
  assert.doesNotMatch(html, /\b(src|href)=["']?https?:/); // offline and self-contained
  // The run's own records travel inside the page for the dashboard bundle to draw.
  const data = JSON.parse(html.match(/<script type="application\/json" id="seqlab-data">([\s\S]*?)<\/script>/)![1]) as
    { runs: { runId: string; records: { kind: string }[]; taskRecords: { kind: string; step: number }[] }[] };
  assert.equal(data.runs[0].runId, runs[0]);
  assert.equal(data.runs[0].records.filter((r) => r.kind === 'step').length, 10);
  assert.ok(data.runs[0].records.some((r) => r.kind === 'gradflow'));
  assert.deepEqual(data.runs[0].taskRecords.filter((t) => t.kind === 'sample').map((t) => t.step), [5, 10]);

  const sample = cli(['sample', runDir, '--length', '30', '--prime', 'the c', '--seed', '1'], dir);
  assert.equal(sample.code, 0, sample.stderr);
  assert.equal(sample.stdout.replace(/\n$/, '').length, 35); // prime + 30 characters
  assert.ok(sample.stdout.startsWith('the c'));
});

test('predict prints class labels for new token sequences; unknown words are read as <unk> with a warning per line', () => {
  const lines = [];
  // Each name occurs once: rarer than minFreq (2), they are what <unk> learns from.
  for (let i = 0; i < 40; i++) lines.push(JSON.stringify({ x: i % 2 ? ['good', 'fun', `name${i}`] : ['bad', 'dull', 'bad', `name${i}`], y: i % 2 ? 'pos' : 'neg' }));
  const dir = tempWorkspace({
    'd.jsonl': lines.join('\n') + '\n',
    'c.seqlab.json': {
      data: { source: 'jsonl', path: 'd.jsonl', validation: 0.25 },
      model: { cell: 'lstm', hiddenSize: 8, embedding: { dim: 4 } },
      train: { steps: 60, batchSize: 10, optimizer: { type: 'adam', lr: 0.05 }, evalEvery: 30 },
    },
  });
  const validate = cli(['validate', 'c.seqlab.json'], dir);
  assert.match(validate.stdout, /^vocabulary: 5 tokens; 40 words rarer than data\.minFreq are read as <unk>$/m);
  assert.equal(cli(['run', 'c.seqlab.json', '--out', 'run'], dir).code, 0);
  const conf = readFileSync(join(dir, 'run/tasks.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; labels: string[]; matrix: number[][] });
  assert.deepEqual(conf[conf.length - 1].labels, ['neg', 'pos']);
  writeFileSync(join(dir, 'new.jsonl'), '{"x": ["good", "fun"]}\n{"x": ["bad", "dull", "bad"]}\n');
  const p = cli(['predict', 'run', 'new.jsonl'], dir);
  assert.equal(p.code, 0, p.stderr);
  assert.deepEqual(p.stdout.trim().split('\n').map((l) => JSON.parse(l) as string), ['pos', 'neg']);
  const probs = cli(['predict', 'run', 'new.jsonl', '--probs'], dir);
  assert.equal(probs.code, 0, probs.stderr);
  const dists = probs.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
  for (const [d, label] of dists.map((d, i) => [d, ['pos', 'neg'][i]] as const)) {
    assert.deepEqual(Object.keys(d), ['neg', 'pos']);
    assert.ok(Math.abs(d.neg + d.pos - 1) < 1e-5 && d[label] > 0.5, JSON.stringify(d));
  }
  writeFileSync(join(dir, 'odd.jsonl'), '{"x": ["good", "fun", "Alice"]}\n{"x": ["bad", "dull"]}\n{"x": ["great", "bad", "great", "bad", "Bob"]}\n');
  const odd = cli(['predict', 'run', 'odd.jsonl'], dir);
  assert.equal(odd.code, 0, odd.stderr);
  assert.deepEqual(odd.stdout.trim().split('\n').map((l) => JSON.parse(l) as string), ['pos', 'neg', 'neg']);
  const warned = odd.stderr.split('\n').filter((l) => l.startsWith('warning: '));
  assert.deepEqual(warned, ['warning: odd.jsonl:1: "Alice" not in the training vocabulary, read as <unk>',
    'warning: odd.jsonl:3: "great", "Bob" not in the training vocabulary, read as <unk>']);
});

test('an option value may hold "=": sample --prime=a=b starts the text with "a=b"', () => {
  const dir = tempWorkspace({
    'eq.txt': 'a=b b=a '.repeat(12),
    'eq.seqlab.json': {
      data: { source: 'text', path: 'eq.txt', seqLength: 8, validation: 0, sample: { every: 0, length: 4 } },
      model: { cell: 'rnn', hiddenSize: 4 },
      train: { steps: 2, batchSize: 4 },
      instrumentation: { gradFlowEvery: 0, gatesEvery: 0 },
    },
  });
  const run = cli(['run', 'eq.seqlab.json', '--out', 'run'], dir);
  assert.equal(run.code, 0, run.stderr);
  const sample = cli(['sample', 'run', '--prime=a=b', '--length', '3', '--seed', '1'], dir);
  assert.equal(sample.code, 0, sample.stderr);
  assert.match(sample.stdout, /^a=b.{3}\n$/);
});

test('Ctrl-C stops after the current step and saves (status "stopped", exit 130, no extra evaluation); --resume finishes the run', async () => {
  const dir = tempWorkspace({
    'c.seqlab.json': {
      data: { source: 'sine', length: 10, trainSize: 64, validationSize: 8 },
      model: { cell: 'rnn', hiddenSize: 4 },
      train: { steps: 1000000, batchSize: 8, evalEvery: 0, checkpointEvery: 0 },
      instrumentation: { gradFlowEvery: 0, gatesEvery: 0 },
    },
  });
  const child = spawn(process.execPath, [CLI, 'run', 'c.seqlab.json', '--out', 'run'], { cwd: dir });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const metrics = join(dir, 'run/metrics.jsonl');
  while (!existsSync(metrics) || readFileSync(metrics, 'utf8').split('\n').length < 4) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  assert.equal(code, 130, stderr);
  const summary = JSON.parse(readFileSync(join(dir, 'run/summary.json'), 'utf8')) as { status: string; steps: number };
  assert.equal(summary.status, 'stopped');
  assert.ok(existsSync(join(dir, `run/checkpoints/step-${summary.steps}.safetensors`)));
  assert.match(stderr, /stopping after the current step/);
  const kinds = () => readFileSync(metrics, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { kind: string; step: number }));
  // evalEvery 0 evaluates only at the end: a stop is not the end.
  assert.deepEqual(kinds().filter((r) => r.kind === 'eval'), []);

  // Give the stored run a reachable end; --resume continues from the saved checkpoint to it.
  const cfgFile = join(dir, 'run/config.json');
  const cfg = JSON.parse(readFileSync(cfgFile, 'utf8')) as { train: { steps: number } };
  cfg.train.steps = summary.steps + 3;
  writeFileSync(cfgFile, JSON.stringify(cfg));
  const resumed = cli(['run', '--resume', 'run'], dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, new RegExp(`resuming run from step ${summary.steps}`));
  const after = JSON.parse(readFileSync(join(dir, 'run/summary.json'), 'utf8')) as { status: string; steps: number };
  assert.deepEqual(after, { ...after, status: 'completed', steps: summary.steps + 3 });
  assert.deepEqual(kinds().filter((r) => r.kind === 'eval').map((r) => r.step), [summary.steps + 3]);

  // Resuming the completed run again changes nothing and says so.
  const files = ['metrics.jsonl', 'summary.json', 'checkpoints/final.safetensors'].map((f) => readFileSync(join(dir, 'run', f)));
  const again = cli(['run', '--resume', 'run'], dir);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /already complete \(\d+ steps\); nothing to do/);
  assert.deepEqual(['metrics.jsonl', 'summary.json', 'checkpoints/final.safetensors'].map((f) => readFileSync(join(dir, 'run', f))), files);
});

test('a diverging run exits 1 naming the step and the parameter', () => {
  const dir = tempWorkspace({
    'c.seqlab.json': {
      data: { source: 'sine', length: 10, trainSize: 16, validationSize: 4 },
      model: { cell: 'rnn', nonlinearity: 'relu', hiddenSize: 8 },
      train: { steps: 50, batchSize: 8, optimizer: { type: 'sgd', lr: 1e30 } },
    },
  });
  const r = cli(['run', 'c.seqlab.json'], dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /failed: training diverged at step \d+: (the loss is|the gradient of \S+ is not finite)/);
});

test('a sweep runs every combination and writes one comparison report of all of them', () => {
  const dir = tempWorkspace({
    'sweep.seqlab.json': {
      name: 'cells',
      data: { source: 'adding', length: 8, trainSize: 32, validationSize: 8 },
      model: { cell: 'lstm', hiddenSize: 4 },
      train: { steps: 3, batchSize: 8, evalEvery: 3 },
      sweep: { 'model.cell': ['rnn', 'gru', 'lstm'] },
    },
  });
  const run = cli(['run', 'sweep.seqlab.json'], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(readdirSync(join(dir, '.seqlab/runs')).filter((f) => !f.endsWith('.html')).length, 3);
  const file = run.stdout.match(/^report: (.*comparison\.html)$/m)?.[1];
  assert.ok(file, run.stdout);
  const html = readFileSync(join(dir, file), 'utf8');
  const data = JSON.parse(html.match(/<script type="application\/json" id="seqlab-data">([\s\S]*?)<\/script>/)![1]) as
    { runs: { config: { model: { cell: string } } }[] };
  assert.deepEqual(data.runs.map((r) => r.config.model.cell), ['rnn', 'gru', 'lstm']);
});
