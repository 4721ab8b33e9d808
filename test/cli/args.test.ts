// The command line's grammar, without spawning the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine, threadsOption, UsageError, type CommandArgs } from '../../src/cli/args';

test('a command takes its positional arguments and option values in any order; a value may contain "="', () => {
  assert.deepEqual(parseCommandLine(['sample', '--prime=a=b', 'run-dir', '--seed', '3']),
    { command: 'sample', help: false, positional: ['run-dir'], options: { prime: 'a=b', seed: '3' } });
  assert.deepEqual(parseCommandLine(['predict', 'run', '--', '--data.jsonl']),
    { command: 'predict', help: false, positional: ['run', '--data.jsonl'], options: {} });
});

test('--help and -h work per command, before or after it; alone, or with "help", they ask for the overview', () => {
  for (const argv of [['run', '--help'], ['run', '-h'], ['--help', 'run']]) assert.deepEqual(parseCommandLine(argv), { command: 'run', help: true, positional: [], options: {} });
  assert.deepEqual(parseCommandLine(['-h']), { command: null, help: true, version: false });
  assert.deepEqual(parseCommandLine(['help']), { command: null, help: true, version: false });
  assert.deepEqual(parseCommandLine([]), { command: null, help: false, version: false });
  assert.deepEqual(parseCommandLine(['--version']), { command: null, help: false, version: true });
});

test('unknown commands and options, a missing value and a value for a flag are usage errors naming them', () => {
  const fails = (argv: string[], message: RegExp) => assert.throws(() => parseCommandLine(argv), (e) => e instanceof UsageError && message.test(e.message));
  fails(['train'], /^unknown command "train"/);
  fails(['validate', 'c.seqlab.json', '--resume', 'x'], /^unknown option --resume$/);
  fails(['run', '-x'], /^unknown option -x$/);
  fails(['run', 'c.seqlab.json', '--out'], /^option --out needs a value$/);
  fails(['--version=2'], /^option --version takes no value$/);
  fails(['run', '--version'], /^unknown option --version$/);
});

test('claims takes folders, --out and the --quick switch (on when given, with no value)', () => {
  assert.deepEqual(parseCommandLine(['claims', 'examples', '--quick', '--out', 'runs']),
    { command: 'claims', help: false, positional: ['examples'], options: { out: 'runs', quick: 'true' } });
  assert.deepEqual(parseCommandLine(['claims']), { command: 'claims', help: false, positional: [], options: {} });
  assert.throws(() => parseCommandLine(['claims', '--quick=yes']), (e) => e instanceof UsageError && /^option --quick takes no value$/.test(e.message));
});

test('--threads (run, backends) is a whole number ≥ 0; absent, it is 0 (every core, up to the cap)', () => {
  const threads = (argv: string[]) => threadsOption(parseCommandLine(argv) as CommandArgs);
  assert.equal(threads(['run', 'c.seqlab.json', '--threads', '3']), 3);
  assert.equal(threads(['backends', '--threads', '0']), 0);
  assert.equal(threads(['run', 'c.seqlab.json']), 0);
  for (const bad of ['-1', '2.5', 'all', ''])
    assert.throws(() => threads(['run', 'c.seqlab.json', `--threads=${bad}`]), (e) => e instanceof UsageError && /^--threads must be a whole number ≥ 0/.test(e.message));
});
