// Claim files are validated like configs: every problem named, at file:line:column, before anything trains; the
// catalog finds the model documents' claims in order and lists the ones whose examples have not arrived as pending.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CATALOG, findClaims } from '../../../src/runner/claims/catalog';
import { readClaim } from '../../../src/runner/claims/claimFile';
import { claimExperiments } from '../../../src/runner/claims/runClaims';
import { formatDiagnostic, InputError } from '../../../src/runner/diagnostics';
import { tempWorkspace } from '../../helpers/workspace';

const config = { data: { source: 'adding', length: 6, trainSize: 16, validationSize: 8 }, model: { cell: 'rnn', hiddenSize: 3 }, sweep: { 'model.cell': ['rnn', 'gru'] } };

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics.map(formatDiagnostic);
    throw e;
  }
  return [];
}

test('schema problems point at the line and column of the claim file', () => {
  const dir = tempWorkspace({
    'x.seqlab.json': config,
    'claim.json': '{\n  "claim": "c",\n  "experiments": ["x.seqlab.json"],\n  "checks": [\n    { "measure": "gradFlowEnds", "below": 1 },\n    { "measure": "valLoss", "abov": 2 }\n  ]\n}\n',
  });
  const file = join(dir, 'claim.json');
  assert.deepEqual(problems(() => readClaim(file)), [
    `${file}:5:18: error: checks[0].measure: expected one of "valLoss", "valLossOverBaseline", "metric", "trainLoss", "lossDrop", "diverged", "maxGradNorm", "gradFlowStart", "gradFlowEnd", "layerGradRatio", "stepsTo", "msPerStep", "graphBytes", "params", got the string "gradFlowEnds"; did you mean "gradFlowEnd"?`,
    `${file}:6:29: error: checks[1].abov: unknown key "abov"; did you mean "above"?`,
  ]);
});

test('missing experiments, unknown check experiments and a metric without its name are errors', () => {
  const dir = tempWorkspace({
    'x.seqlab.json': config,
    'claim.json': {
      claim: 'c', experiments: ['x.seqlab.json', 'gone.seqlab.json'],
      checks: [{ measure: 'metric', of: {} }, { measure: 'valLoss', experiment: 'y.seqlab.json' }],
    },
  });
  const out = problems(() => readClaim(join(dir, 'claim.json'))).join('\n');
  assert.match(out, /claim\.json:1:\d+: error: experiments\[1\]: gone\.seqlab\.json does not exist beside claim\.json/);
  assert.match(out, /checks\[0\]: the measure "metric" needs "metric"/);
  assert.match(out, /checks\[1\]\.experiment: "y\.seqlab\.json" is not one of "experiments" \(x\.seqlab\.json, gone\.seqlab\.json\)/);
});

test('a check that picks no run, and a quick override that is no config field, fail before any training', () => {
  const dir = tempWorkspace({
    'x.seqlab.json': config,
    'claim.json': { claim: 'c', experiments: ['x.seqlab.json'], quick: { 'train.step': 2 }, checks: [{ measure: 'valLoss', of: { 'model.cell': 'lstm' }, vs: { 'model.cell': 'gru' } }] },
  });
  const claim = readClaim(join(dir, 'claim.json'));
  assert.match(problems(() => claimExperiments(claim, { quick: false, workspace: dir })).join('\n'),
    /claim\.json:1:\d+: error: checks\[0\]\.of: no run of x\.seqlab\.json has model\.cell = "lstm"$/);
  assert.match(problems(() => claimExperiments(claim, { quick: true, workspace: dir })).join('\n'), /error: quick\.train\.step: "train\.step" is not a config field/);
});

test('quick overrides shorten every run of the claim, under the sweep', () => {
  const dir = tempWorkspace({
    'x.seqlab.json': { ...config, train: { steps: 500 } },
    'claim.json': { claim: 'c', experiments: ['x.seqlab.json'], quick: { 'train.steps': 7 }, checks: [{ measure: 'valLoss' }] },
  });
  const claim = readClaim(join(dir, 'claim.json'));
  const at = (quick: boolean) => claimExperiments(claim, { quick, workspace: dir }).map((e) => [e.config.model.cell, e.config.train.steps]);
  assert.deepEqual(at(false), [['rnn', 500], ['gru', 500]]);
  assert.deepEqual(at(true), [['rnn', 7], ['gru', 7]]);
});

test('the catalog order comes first, missing examples are pending with the reason, a user\'s own claims come last', () => {
  const claim = { claim: 'c', experiments: ['x.seqlab.json'], checks: [{ measure: 'valLoss' }] };
  const dir = tempWorkspace({
    'vanishing-gradients/x.seqlab.json': config, 'vanishing-gradients/claim.json': claim,
    'aaa-mine/x.seqlab.json': config, 'aaa-mine/claim.json': claim,
    'translation/x.seqlab.json': config, 'notes/': '',
  });
  const found = findClaims(dir);
  assert.deepEqual(found.map((f) => (f.kind === 'claim' ? f.claim.name : f.pending.folder)), [...CATALOG.map((c) => c.folder), 'aaa-mine']);
  const pending = (folder: string) => found.flatMap((f) => (f.kind === 'pending' && f.pending.folder === folder ? [f.pending.reason] : []))[0];
  assert.equal(pending('translation'), 'translation/ has no claim.json yet');
  assert.equal(pending('long-dependencies'), 'added by its own example (long-dependencies/)');
  assert.equal(found.find((f) => f.kind === 'claim' && f.claim.name === 'vanishing-gradients')?.kind, 'claim');
  // A folder that is itself a claim is just that claim.
  assert.deepEqual(findClaims(join(dir, 'aaa-mine')).map((f) => f.kind === 'claim' && f.claim.name), ['aaa-mine']);
});
