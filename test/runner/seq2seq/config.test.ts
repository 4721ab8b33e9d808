// Sequence-to-sequence configs: the surface the issue names maps to the engine's spec, and every impossible
// combination is an error at the field to change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseConfig } from '../../../src/runner/config/load';
import { formatDiagnostic, InputError } from '../../../src/runner/diagnostics';
import { loadExperiments } from '../../../src/runner/experiment';
import { tempWorkspace } from '../../helpers/workspace';

const PAIRS = Array.from({ length: 30 }, (_, i) => JSON.stringify({ source: `ab${i}`, target: `${i}ba` })).join('\n');

function load(config: object): ReturnType<typeof loadExperiments> {
  const dir = tempWorkspace({ 'train.jsonl': PAIRS, 'x.seqlab.json': config });
  return loadExperiments(join(dir, 'x.seqlab.json'));
}

function errors(config: object): string[] {
  try {
    load(config);
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    throw e;
  }
  assert.fail('expected an InputError');
}

/** The example, verbatim. */
const EXAMPLE = {
  data: { source: 'pairs', path: 'train.jsonl', tokens: 'char', validation: 0.1 },
  model: { cell: 'gru', hiddenSize: 64, bidirectional: true, embedding: { dim: 32 }, decoder: { attention: 'additive', embedding: { dim: 32 } } },
  train: { teacherForcing: 1.0 },
  decode: { beam: 4, maxLength: 40 },
};

test('the issue\'s config surface validates and becomes a sequence-to-sequence spec', () => {
  const [exp] = load(EXAMPLE);
  const d = exp.model.decoder!;
  assert.deepEqual({ ...d, vocabSize: 0 }, { vocabSize: 0, embeddingDim: 32, attention: 'additive', inputFeeding: false, startToken: 1, endToken: 2, maxLength: 40 });
  assert.equal(exp.model.head.size, d.vocabSize);
  assert.equal(exp.model.embedding!.dim, 32);
  assert.equal(exp.train.loss, 'cross_entropy');
  assert.equal(exp.train.teacherForcing, 1);
  assert.equal(exp.config.decode.beam, 4);
  const plain = parseConfig('p.seqlab.json', '{}').config!;
  assert.equal(plain.model.decoder, null, 'no decoder by default');
  assert.deepEqual(plain.decode, { beam: 4, maxLength: 50, lengthNormalization: 1, examples: 8 });
});

test('impossible combinations are errors at the field to change', () => {
  const at = (errs: string[], path: string, re: RegExp) => assert.ok(errs.some((e) => e.includes(`: error: ${path}: `) && re.test(e)), `${path} ${re}: ${errs.join('\n')}`);
  at(errors({ ...EXAMPLE, model: { ...EXAMPLE.model, decoder: null } }), 'model.decoder', /gives source–target pairs, which need a sequence-to-sequence model/);
  at(errors({ data: { source: 'adding' }, model: { embedding: { dim: 4 }, decoder: {} } }), 'model.decoder', /needs source–target pairs .* "adding" gives numeric targets/);
  at(errors({ ...EXAMPLE, model: { ...EXAMPLE.model, embedding: null } }), 'model.embedding', /reads its source tokens through an embedding/);
  at(errors({ ...EXAMPLE, model: { ...EXAMPLE.model, decoder: { attention: 'dot' } } }), 'model.decoder.attention', /bidirectional encoder makes 128 wide/);
  at(errors({ ...EXAMPLE, model: { ...EXAMPLE.model, decoder: { attention: 'none', inputFeeding: true } } }), 'model.decoder.inputFeeding', /needs attention/);
  at(errors({ ...EXAMPLE, train: { loss: 'mse' } }), 'train.loss', /cross_entropy over the target tokens, not mse/);
  at(errors({ ...EXAMPLE, train: { bptt: { mode: 'truncated', k: 5 } } }), 'train.bptt', /needs full BPTT/);
  at(errors({ ...EXAMPLE, model: { ...EXAMPLE.model, head: { output: 'last' } } }), 'model.head', /takes the head's place/);
  at(errors({ ...EXAMPLE, model: { ...EXAMPLE.model, cell: 'transformer', heads: 2 } }), 'model.cell', /encoder is recurrent/);
  const bad = parseConfig('x.seqlab.json', '{ "train": { "teacherForcing": 1.5 }, "decode": { "beam": 0 }, "model": { "decoder": { "attention": "luong" } } }');
  const byPath = Object.fromEntries(bad.diagnostics.map((d) => [d.path, d.message]));
  assert.match(byPath['train.teacherForcing'], /at most 1/);
  assert.match(byPath['decode.beam'], /at least 1/);
  assert.match(byPath['model.decoder.attention'], /expected one of "additive", "dot", "general", "none"/);
});

test('a sweep over model.decoder.attention gives one run per attention type; dot is refused where it cannot work', () => {
  const runs = load({ ...EXAMPLE, model: { ...EXAMPLE.model, bidirectional: false }, sweep: { 'model.decoder.attention': ['additive', 'dot', 'general', 'none'] } });
  assert.deepEqual(runs.map((r) => r.model.decoder!.attention), ['additive', 'dot', 'general', 'none']);
  const errs = errors({ ...EXAMPLE, sweep: { 'model.decoder.attention': ['additive', 'dot'] } });
  assert.ok(errs.some((e) => /sweep\.model\.decoder\.attention: with model\.decoder\.attention = "dot": dot attention/.test(e)), errs.join('\n'));
});
