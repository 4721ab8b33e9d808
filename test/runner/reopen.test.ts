// Reopening a run folder to resume it: the config and workspace come from where the files are, never from what run.json
// says; the config named on the command line must be the run's own; changed data is refused unless allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/runner/diagnostics';
import { loadExperiments } from '../../src/runner/experiment';
import { resumeRun, startRun } from '../../src/runner/run';
import type { RunInfo } from '../../src/runner/runDir';
import { tempWorkspace } from '../helpers/workspace';

const TEXT = 'the cat sat on the mat. the dog sat on the log. '.repeat(6);
const textConfig = (extra: object = {}) => ({
  data: { source: 'text', path: 'story.txt', seqLength: 12, validation: 0.2, sample: { every: 0, length: 8 } },
  model: { cell: 'gru', hiddenSize: 6 },
  train: { steps: 6, batchSize: 4, evalEvery: 3, checkpointEvery: 3 },
  instrumentation: { gradFlowEvery: 0, gatesEvery: 0 },
  ...extra,
});

/** A stopped text run (default runs folder) of a workspace with story.txt, ready to be resumed. */
async function stoppedRun(files: Record<string, string | object> = {}): Promise<{ dir: string; runDir: string }> {
  const dir = tempWorkspace({ 'story.txt': TEXT, 'chars.seqlab.json': textConfig(), ...files }, 'seqlab-reopen-');
  const [exp] = loadExperiments(join(dir, 'chars.seqlab.json'));
  let step = 0;
  const r = await startRun(exp, { hooks: { onRecord: (x) => { if (x.kind === 'step') step = x.step; }, shouldStop: () => step >= 3 } });
  assert.equal(r.summary.status, 'stopped');
  return { dir, runDir: r.runDir };
}

const editJson = <T>(file: string, edit: (v: T) => T) => writeFileSync(file, JSON.stringify(edit(JSON.parse(readFileSync(file, 'utf8')) as T)));

test('an edited run.json naming another config and workspace does not choose what resume reads', async () => {
  const { runDir } = await stoppedRun();
  // What an attacker would write: the config "in" /etc, the whole disk as workspace, and /etc/passwd as the text.
  editJson<RunInfo & { workspace: string }>(join(runDir, 'run.json'), (info) => ({ ...info, configFile: '/etc/x.seqlab.json', workspace: '/' }));
  editJson<{ data: { path: string } }>(join(runDir, 'config.json'), (c) => ({ ...c, data: { ...c.data, path: '../../../../../../../../etc/passwd' } }));
  await assert.rejects(resumeRun(runDir), (e) => {
    assert.ok(e instanceof InputError, String(e));
    assert.match(e.message, /cannot find x\.seqlab\.json, the config this run was started from/);
    return true;
  });
  // Even with the config's name restored, the data path stays confined to the folder the config is really in.
  editJson<RunInfo>(join(runDir, 'run.json'), (info) => ({ ...info, configFile: '/etc/chars.seqlab.json' }));
  await assert.rejects(resumeRun(runDir), (e) => e instanceof InputError && /points outside the workspace/.test(e.message));
});

test('the run\'s data file resolves against the folder its config is really in', async () => {
  const { dir, runDir } = await stoppedRun();
  editJson<RunInfo>(join(runDir, 'run.json'), (info) => ({ ...info, configFile: '/somewhere/else/chars.seqlab.json' }));
  const r = await resumeRun(runDir);
  assert.equal(r.summary.status, 'completed');
  assert.ok(r.runDir.startsWith(join(dir, '.seqlab/runs')));
});

test('a changed data file is refused, naming it; --allow-changed-data resumes with a warning', async () => {
  const { dir, runDir } = await stoppedRun();
  writeFileSync(join(dir, 'story.txt'), TEXT.replace('cat', 'tac')); // same characters, other text
  await assert.rejects(resumeRun(runDir), (e) => e instanceof InputError
    && /story\.txt:1:1: error: data file "story\.txt" changed since this run started \(288 bytes, sha256 [0-9a-f]{12}… then; 288 bytes, [0-9a-f]{12}… now\).*resume anyway with --allow-changed-data/.test(e.message));
  const logs: string[] = [];
  const r = await resumeRun(runDir, { allowChangedData: true, hooks: { onLog: (level, m) => logs.push(`${level}: ${m}`) } });
  assert.equal(r.summary.status, 'completed');
  assert.ok(logs.some((l) => /^warning: .*story\.txt: data file "story\.txt" changed/.test(l)), logs.join('\n'));
});

test('changed data whose vocabulary no longer fits the checkpoint: allowed, it still fails with a clear error, not a shape crash', async () => {
  const { dir, runDir } = await stoppedRun();
  writeFileSync(join(dir, 'story.txt'), TEXT + 'xyz!?');
  await assert.rejects(resumeRun(runDir, { allowChangedData: true }),
    (e) => e instanceof InputError && /step-3\.safetensors:1:1: error: does not fit the model the current config and data build: /.test(e.message));
});

test('resuming with a config names that config; a run of another config is refused, naming the difference', async () => {
  const { dir, runDir } = await stoppedRun({ 'other.seqlab.json': textConfig({ model: { cell: 'lstm', hiddenSize: 6 } }) });
  await assert.rejects(resumeRun(runDir, { configFile: join(dir, 'other.seqlab.json') }), (e) => e instanceof InputError
    && /other\.seqlab\.json:\d+:\d+: error: model\.cell: the run folder .* was not started from this config \(its run\.json names chars\.seqlab\.json\): model\.cell is "lstm" here but "gru" in the run/.test(e.message));
  const r = await resumeRun(runDir, { configFile: join(dir, 'chars.seqlab.json') });
  assert.equal(r.summary.status, 'completed');
});
