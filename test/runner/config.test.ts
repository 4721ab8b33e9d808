import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandSweep, parseConfig } from '../../src/runner/config/load';
import { configJsonSchemaText } from '../../src/runner/config/jsonSchema';
import { configSchema } from '../../src/runner/config/schema';
import type { AnyNode } from '../../src/runner/config/dsl';
import { formatDiagnostic, InputError } from '../../src/runner/diagnostics';
import { loadExperiments } from '../../src/runner/experiment';
import { tempWorkspace } from '../helpers/workspace';

/** A two-layer bidirectional GRU trained for one SGD step: only what differs from the defaults is written. */
const ONE_SGD_STEP_CONFIG = `{
  "name": "one-sgd-step",
  "seed": 1,
  "data": { "source": "jsonl", "path": "train.jsonl", "validation": 0 },
  "model": { "cell": "gru", "variant": "resetAfter", "hiddenSize": 8, "numLayers": 2, "bidirectional": true,
             "head": { "output": "last" } },
  "train": { "steps": 1, "batchSize": 64, "shuffle": false, "loss": "mse",
             "optimizer": { "type": "sgd", "lr": 0.1 } }
}`;

test('a config that names only what differs validates, and its defaults are PyTorch\'s', () => {
  const r = parseConfig('a.seqlab.json', ONE_SGD_STEP_CONFIG);
  assert.deepEqual(r.diagnostics, []);
  const c = r.config!;
  assert.deepEqual(c.train.optimizer, { type: 'sgd', lr: 0.1, momentum: 0, nesterov: false, dampening: 0, weightDecay: 0 });
  assert.deepEqual(c.train.clip, { maxNorm: null, maxValue: null });
  assert.equal(c.backend.name, 'auto');
  assert.equal(c.model.head.activation, 'none');
  assert.equal(c.model.head.size, null);
  assert.equal(c.model.dropout, 0);
  assert.deepEqual(c.train.bptt, { mode: 'full' });
});

test('an unknown key is a ranged error with a "did you mean" suggestion', () => {
  const text = '{\n  "model": {\n    "hiddenSzie": 64\n  }\n}';
  const r = parseConfig('x.seqlab.json', text);
  assert.equal(r.config, null);
  assert.equal(r.diagnostics.length, 1);
  const d = r.diagnostics[0];
  assert.equal(d.path, 'model.hiddenSzie');
  assert.match(d.message, /unknown key "hiddenSzie"; did you mean "hiddenSize"\?/);
  assert.deepEqual(d.start, { line: 3, column: 5 });
  assert.deepEqual(d.end, { line: 3, column: 17 });
  assert.equal(text.slice(d.offset, d.offset + d.length), '"hiddenSzie"');
});

test('wrong types, bad enum values and out-of-range numbers name the path and the problem', () => {
  const r = parseConfig('x.seqlab.json', '{ "model": { "cell": "lstn", "hiddenSize": "64" }, "train": { "steps": 0 }, "seed": 1.5 }');
  const byPath = Object.fromEntries(r.diagnostics.map((d) => [d.path, d.message]));
  assert.match(byPath['model.cell'], /expected one of "rnn", "gru", "lstm", "transformer", got the string "lstn"; did you mean "lstm"\?/);
  assert.match(byPath['model.hiddenSize'], /expected an integer, got the string "64"/);
  assert.match(byPath['train.steps'], /must be at least 1, got 0/);
  assert.match(byPath.seed, /expected an integer, got 1.5/);
});

test('a GRU variant under its old name is an error at its value that gives the new name', () => {
  for (const [old, now] of [['seed', 'resetBefore'], ['pytorch', 'resetAfter']]) {
    const text = `{\n  "model": {\n    "cell": "gru",\n    "variant": "${old}"\n  }\n}`;
    const r = parseConfig('x.seqlab.json', text);
    assert.equal(r.config, null);
    assert.equal(r.diagnostics.length, 1);
    const d = r.diagnostics[0];
    assert.equal(text.slice(d.offset, d.offset + d.length), `"${old}"`);
    assert.equal(formatDiagnostic(d), `x.seqlab.json:4:16: error: model.variant: "${old}" was renamed "${now}"`);
  }
  const swept = parseConfig('s.seqlab.json', '{ "sweep": { "model.variant": ["resetAfter", "seed"] } }');
  assert.deepEqual(swept.diagnostics.map((d) => `${d.path}: ${d.message}`), ['sweep.model.variant[1]: model.variant: "seed" was renamed "resetBefore"']);
});

test('syntax errors are located; comments and trailing commas are allowed', () => {
  assert.deepEqual(parseConfig('x', '// experiment\n{ "seed": 3, /* c */ }').diagnostics, []);
  const r = parseConfig('x', '{\n  "seed": 3\n  "name": "a"\n}');
  assert.equal(r.diagnostics[0].start.line, 3);
  assert.match(r.diagnostics[0].message, /JSON syntax error: CommaExpected/);
});

test('a sweep expands into a grid, each run recording its values; bad sweep keys are suggested', () => {
  const text = '{ "sweep": { "model.cell": ["rnn", "gru", "lstm"], "model.hiddenSize": [64, 128] } }';
  const r = parseConfig('s.seqlab.json', text);
  assert.deepEqual(r.diagnostics, []);
  const runs = expandSweep(r.source, r.config!);
  assert.equal(runs.length, 6);
  assert.deepEqual(runs.map((x) => `${x.config.model.cell}/${x.config.model.hiddenSize}`),
    ['rnn/64', 'rnn/128', 'gru/64', 'gru/128', 'lstm/64', 'lstm/128']);
  assert.deepEqual(runs[3].assignment, { 'model.cell': 'gru', 'model.hiddenSize': 128 });
  const bad = parseConfig('s.seqlab.json', '{ "sweep": { "model.hiden": [1], "model.cell": ["lstm", "gru2"] } }');
  const msgs = bad.diagnostics.map((d) => `${d.path}: ${d.message}`).join('\n');
  assert.match(msgs, /"model.hiden" is not a config field; did you mean "model.hiddenSize"\?/);
  assert.match(msgs, /sweep.model.cell\[1\]: model.cell: expected one of .*"gru2"/);
});

test('every schema field has a description and (unless required) a default', () => {
  const missing: string[] = [];
  const walk = (n: AnyNode, path: string) => {
    if (!n.description) missing.push(`${path}: description`);
    const s = n.spec;
    if (s.kind === 'object') {
      for (const [k, f] of Object.entries(s.fields)) {
        if (f.default === undefined && !s.required.includes(k)) missing.push(`${path}.${k}: default`);
        walk(f, `${path}.${k}`);
      }
    } else if (s.kind === 'tagged') for (const [k, v] of Object.entries(s.variants)) walk(v, `${path}<${k}>`);
    else if (s.kind === 'nullable') walk(s.inner, path);
    else if (s.kind === 'array') walk(s.item, `${path}[]`);
  };
  walk(configSchema, 'config');
  assert.deepEqual(missing.filter((m) => !/\.path: default$/.test(m)), []);
});

test('schemas/seqlab.schema.json is generated from the schema and up to date (npx tsx scripts/gen-schema.ts)', () => {
  const file = readFileSync(join(__dirname, '../../schemas/seqlab.schema.json'), 'utf8');
  assert.equal(file, configJsonSchemaText());
  const doc = JSON.parse(file) as { properties: Record<string, { description: string }>; additionalProperties: boolean };
  assert.equal(doc.additionalProperties, false);
  assert.ok(doc.properties.model.description.length > 0);
});

function semanticError(files: Record<string, string>): InputError {
  const dir = tempWorkspace(files);
  try {
    loadExperiments(join(dir, 'c.seqlab.json'));
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

test('semantic checks against the data are ranged in the config', () => {
  const jsonl = '{"x": [[1],[2]], "y": 0.5}\n{"x": [[3],[4]], "y": 1.5}\n';
  const ce = semanticError({
    'c.seqlab.json': '{\n "data": {"source": "jsonl", "path": "d.jsonl", "validation": 0},\n "train": {"loss": "cross_entropy"}\n}',
    'd.jsonl': jsonl,
  });
  assert.equal(ce.diagnostics[0].path, 'train.loss');
  assert.equal(ce.diagnostics[0].start.line, 3);
  assert.match(ce.diagnostics[0].message, /cross_entropy needs class labels, but the data has regression targets of width 1/);

  const att = semanticError({
    'c.seqlab.json': '{"data": {"source": "adding", "length": 10, "trainSize": 4, "validationSize": 2},\n "model": {"head": {"output": "attention"}},\n "train": {"bptt": {"mode": "truncated", "k": 5}}}',
  });
  assert.equal(att.diagnostics[0].path, 'train.bptt');
  assert.match(att.diagnostics[0].message, /attention head .* needs full BPTT/);

  const miss = semanticError({ 'c.seqlab.json': '{"data": {"source": "csv", "path": "nope.csv"}}' });
  assert.equal(miss.diagnostics[0].path, 'data.path');
  assert.match(miss.diagnostics[0].message, /data file "nope.csv" not found/);
  assert.equal(miss.diagnostics[0].file.endsWith('c.seqlab.json'), true);
});

test('a swept value that breaks a semantic check points at the sweep entry', () => {
  const e = semanticError({
    'c.seqlab.json': '{"data": {"source": "adding", "length": 10, "trainSize": 4, "validationSize": 2},\n "sweep": {"train.loss": ["mse", "cross_entropy"]}}',
  });
  assert.equal(e.diagnostics[0].path, 'sweep.train.loss');
  assert.match(e.diagnostics[0].message, /with train.loss = "cross_entropy": cross_entropy needs class labels/);
});
