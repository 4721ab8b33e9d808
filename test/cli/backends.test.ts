// `seqlab backends`: the built CLI's table against the registry's probe in this process, and the table's wording.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism, tmpdir } from 'node:os';
import { backendsTable } from '../../src/cli/backends';
import { threadPlan } from '../../src/runner/backends/gemmPool';
import { autoChoice, availableBackends, BACKEND_NAMES, type BackendAvailability } from '../../src/runner/backends/registry';
import { cli } from './helpers';

test('seqlab backends prints one row per backend (starts, kernels, why not) and what auto would pick', () => {
  const r = cli(['backends'], tmpdir());
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^backend\s+starts\s+kernels\s+why not$/);
  const probe = availableBackends(threadPlan(0));
  assert.deepEqual(probe.map((b) => b.name), BACKEND_NAMES.filter((n) => n !== 'auto'));
  probe.forEach((b, i) => {
    const cells = lines[1 + i].split(/\s{2,}/);
    assert.deepEqual(cells.slice(0, 3), [b.name, b.available ? 'yes' : 'no', b.kernels ?? '-'], lines[1 + i]);
    if (!b.available) assert.ok(lines[1 + i].endsWith(b.reason ?? '?'), lines[1 + i]);
    if (b.threadsNote) assert.ok(lines[1 + i].endsWith(`one thread: ${b.threadsNote}`), lines[1 + i]);
  });
  assert.equal(lines.at(-1), `auto would pick: ${autoChoice(probe)?.name} (${autoChoice(probe)?.kernels})`);
  // On Node 20 the wasm backend runs its relaxed-SIMD kernels: the CLI sets V8's flag for them. Its products use every
  // core (up to 8), helper threads started from dist/gemmWorker.js.
  const cores = Math.min(8, availableParallelism());
  const threads = cores > 1 ? ` ×${cores} threads` : '';
  assert.match(r.stdout, new RegExp(`^wasm\\s+yes\\s+relaxed-simd${threads}(\\s|$)`, 'm'));
  assert.match(r.stdout, new RegExp(`^wasm:simd128\\s+yes\\s+simd128${threads}(\\s|$)`, 'm'));
});

test('seqlab backends --threads 1 lists the wasm backend on one thread and says why; a bad count is a usage error', () => {
  const r = cli(['backends', '--threads', '1'], tmpdir());
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^wasm\s+yes\s+relaxed-simd\s+one thread: threads set to 1$/m);
  const bad = cli(['backends', '--threads', 'all'], tmpdir());
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--threads must be a whole number ≥ 0 \(0: every core\), got "all"/);
});

test('the table shows an unavailable backend with its reason, and says when auto has nothing to pick', () => {
  const list: BackendAvailability[] = [
    { name: 'reference', available: false, reason: 'a test reason', kernels: null, threadsNote: null },
    { name: 'wasm', available: false, reason: 'no SIMD', kernels: null, threadsNote: null },
  ];
  assert.equal(backendsTable(list), [
    'backend    starts  kernels  why not',
    'reference  no      -        a test reason',
    'wasm       no      -        no SIMD',
    '',
    'auto would pick: nothing (no backend of its order starts here)',
  ].join('\n'));
});

test('seqlab backends --help prints its usage; an argument is a usage error (exit code 2)', () => {
  const help = cli(['backends', '--help'], tmpdir());
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: seqlab backends \[--threads <n>\]\n/);
  const extra = cli(['backends', 'wasm'], tmpdir());
  assert.equal(extra.code, 2);
  assert.match(extra.stderr, /seqlab: backends takes no arguments, got "wasm"/);
});

test("with a hardware WebGPU adapter the auto line adds that a run times gpu.js:webgpu; with a software one it does not", () => {
  const list: BackendAvailability[] = [{ name: 'wasm', available: true, reason: null, kernels: 'simd128', threadsNote: null }];
  const adapter = { vendor: 'acme', architecture: '', device: '', description: 'Acme X1', software: false };
  const autoLine = (software: boolean) => backendsTable(list, { available: true, adapter: { ...adapter, software }, reason: null }).split('\n').at(-1);
  assert.equal(autoLine(false), "auto would pick: wasm (simd128), or gpu.js:webgpu in a run where one timed step of the run's model is faster on it (hardware adapter)");
  assert.equal(autoLine(true), 'auto would pick: wasm (simd128)');
});
