// The "pairs" data source (JSONL and TSV, tokens, vocabularies, length limits, errors at file:line:column, workspace
// confinement) and the generated reverse and dates tasks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Rng } from '../../../src/engine/rng';
import { makeBatch } from '../../../src/runner/data/batches';
import { END, pairsDataset, parsePairs, SPECIAL_TOKENS, tokenize } from '../../../src/runner/data/pairs';
import { datePair, datesTask, reverseTask } from '../../../src/runner/data/translationTasks';
import { InputError, formatDiagnostic } from '../../../src/runner/diagnostics';
import { loadExperiments } from '../../../src/runner/experiment';
import { tempWorkspace } from '../../helpers/workspace';

const opts = { tokens: 'char' as const, maxSourceLength: 100, maxTargetLength: 100 };

function errorsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e.diagnostics.map(formatDiagnostic);
    throw e;
  }
  assert.fail('expected an InputError');
}

test('JSONL and TSV pairs give the same dataset: per-side vocabularies from training, specials first, targets ending in </s>', () => {
  const jsonl = parsePairs('p.jsonl', '{"source": "ab", "target": "xy"}\n\n{"source": "ba", "target": "yzx"}\n');
  const tsv = parsePairs('p.tsv', 'ab\txy\r\nba\tyzx\n');
  assert.deepEqual(jsonl.map((p) => [p.source, p.target, p.line]), [['ab', 'xy', 1], ['ba', 'yzx', 3]]);
  assert.deepEqual(tsv.map((p) => [p.source, p.target]), [['ab', 'xy'], ['ba', 'yzx']]);
  const val = parsePairs('v.jsonl', '{"source": "aq", "target": "xw"}\n');
  const ds = pairsDataset('p.jsonl', jsonl, val, opts, null);
  assert.deepEqual(ds.input, { kind: 'tokens', vocab: [...SPECIAL_TOKENS, 'a', 'b'] });
  assert.deepEqual(ds.target, { kind: 'sequence', vocab: [...SPECIAL_TOKENS, 'x', 'y', 'z'], tokens: 'char' });
  assert.deepEqual(Array.from(ds.train[1].tokens!), [5, 4]);
  assert.deepEqual(Array.from(ds.train[1].y), [5, 6, 4, END]);
  // Validation tokens unseen in training are <unk> (id 3) on both sides.
  assert.deepEqual(Array.from(ds.validation[0].tokens!), [4, 3]);
  assert.deepEqual(Array.from(ds.validation[0].y), [4, 3, END]);
  const b = makeBatch(ds.train, ds, { dtype: 'float32', oneHot: false });
  assert.deepEqual(Array.from(b.y), [4, 5, END, 0, 5, 6, 4, END], 'targets padded with <pad>');
  assert.deepEqual(b.target, { steps: 4, lengths: Int32Array.of(3, 4) });
});

test('word tokens split on whitespace', () => {
  assert.deepEqual(tokenize('  the  cat\tsat ', 'word'), ['the', 'cat', 'sat']);
  assert.deepEqual(tokenize('né!', 'char'), ['n', 'é', '!']);
  const ds = pairsDataset('w.jsonl', parsePairs('w.jsonl', '{"source": "le chat", "target": "the cat"}\n'), [], { ...opts, tokens: 'word' }, null);
  assert.deepEqual(ds.input.kind === 'tokens' && ds.input.vocab.slice(4), ['chat', 'le']);
});

test('bad lines are errors at file:line:column naming the problem', () => {
  const text = '{"source": "ab", "target": "x"}\n{"source": "ab"}\n{"source": 3, "target": "x"}\n{"source": "a", "target": "b", "tgt": "c"}\n[1]\n{"source": "a" "target": "b"}\n';
  const errs = errorsOf(() => parsePairs('/w/p.jsonl', text));
  assert.match(errs[0], /^\/w\/p\.jsonl:2:1: error: line 2: missing field "target"/);
  assert.match(errs[1], /^\/w\/p\.jsonl:3:12: error: line 3 field "source": expected a string, got number/);
  assert.match(errs[2], /^\/w\/p\.jsonl:4:32: error: line 4 field "tgt": unknown field; expected only "source" and "target"/);
  assert.match(errs[3], /^\/w\/p\.jsonl:5:1: error: line 5: each line must be a JSON object/);
  assert.match(errs[4], /^\/w\/p\.jsonl:6:16: error: line 6: invalid JSON/);
  assert.match(errorsOf(() => parsePairs('/w/p.tsv', 'a\tb\nonly one column\n'))[0], /^\/w\/p\.tsv:2:1: error: line 2: expected 2 tab-separated columns \(source, target\), found 1/);
  assert.match(errorsOf(() => parsePairs('/w/p.tsv', '\n\n'))[0], /the file has no pairs/);
  const empty = parsePairs('/w/e.tsv', 'ab\tx\n\tx\n');
  assert.match(errorsOf(() => pairsDataset('/w/e.tsv', empty, [], opts, 'ab\tx\n\tx\n'))[0], /^\/w\/e\.tsv:2:1: error: line 2: the source is empty/);
});

test('pairs beyond the length limits are left out with a warning at the first one; none left is an error', () => {
  const text = 'abc\txy\nabcdef\tx\nab\txyzw\nab\tx\n';
  const ds = pairsDataset('/w/l.tsv', parsePairs('/w/l.tsv', text), [], { tokens: 'char', maxSourceLength: 4, maxTargetLength: 4 }, text);
  assert.equal(ds.train.length, 2);
  assert.equal(ds.warnings.length, 1);
  assert.match(formatDiagnostic(ds.warnings[0]), /^\/w\/l\.tsv:2:1: warning: line 2: 2 pair\(s\) longer than maxSourceLength 4 or maxTargetLength 4 \(end token included\) were left out/);
  assert.match(errorsOf(() => pairsDataset('/w/l.tsv', parsePairs('/w/l.tsv', text), [], { tokens: 'char', maxSourceLength: 1, maxTargetLength: 2 }, text))[0],
    /no training pair fits the length limits/);
});

test('a pairs config reads only inside the workspace and splits off a seeded validation part', () => {
  const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify({ source: `s${i}`, target: `t${i}` })).join('\n');
  const dir = tempWorkspace({
    'data/p.jsonl': lines,
    'ok.seqlab.json': { data: { source: 'pairs', path: 'data/p.jsonl', validation: 0.25 }, model: { embedding: { dim: 4 }, decoder: {} } },
    'out.seqlab.json': { data: { source: 'pairs', path: '../p.jsonl' }, model: { embedding: { dim: 4 }, decoder: {} } },
  });
  const [exp] = loadExperiments(join(dir, 'ok.seqlab.json'));
  assert.equal(exp.dataset.train.length, 15);
  assert.equal(exp.dataset.validation.length, 5);
  const chars = new Set(exp.dataset.train.flatMap((s) => Array.from(s.y.slice(0, -1))));
  assert.equal(exp.model.decoder!.vocabSize, 4 + chars.size, 'the specials and the characters of the training targets');
  assert.ok(chars.size >= 8);
  const errs = errorsOf(() => loadExperiments(join(dir, 'out.seqlab.json')));
  assert.match(errs[0], /out\.seqlab\.json:1:\d+: error: data\.path: "\.\.\/p\.jsonl" points outside the workspace/);
});

test('reverse: targets are the reversed sources, within the lengths and alphabet; seeded', () => {
  const c = { source: 'reverse' as const, minLength: 3, maxLength: 6, symbols: 4, trainSize: 50, validationSize: 5 };
  const ds = reverseTask(c, new Rng(1));
  const vocab = ds.input.kind === 'tokens' ? ds.input.vocab : [];
  for (const s of ds.train) {
    assert.ok(s.T >= 3 && s.T <= 6);
    assert.deepEqual(Array.from(s.y.slice(0, -1)), Array.from(s.tokens!).reverse(), 'same vocabulary on both sides, reversed');
    assert.equal(s.y[s.y.length - 1], END);
  }
  assert.deepEqual(vocab.slice(4), ['a', 'b', 'c', 'd']);
  assert.deepEqual(Array.from(reverseTask(c, new Rng(1)).train[9].tokens!), Array.from(ds.train[9].tokens!));
});

test('dates: every format rewrites to the ISO date of the same day', () => {
  const rng = new Rng(3);
  const seen = new Set<string>();
  for (let i = 0; i < 400; i++) {
    const p = datePair(rng);
    const [y, m, d] = p.target!.split('-').map(Number);
    assert.match(p.target!, /^(19[5-9]\d|20[0-4]\d)-\d\d-\d\d$/);
    assert.ok(p.source.includes(String(y)), p.source);
    assert.ok(p.source.includes(String(d)) || p.source.includes(String(d).padStart(2, '0')), p.source);
    const date = new Date(Date.UTC(y, m - 1, d));
    assert.equal(date.getUTCDate(), d, `${p.target} is a real date`);
    if (/day,/.test(p.source)) assert.ok(p.source.startsWith(['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][date.getUTCDay()]), p.source);
    seen.add(p.source.replace(/\d+/g, '#').replace(/[A-Z][a-z]+|[a-z]{3,}/g, 'W'));
  }
  assert.ok(seen.size >= 8, `formats seen: ${[...seen].join(' | ')}`);
  const ds = datesTask({ source: 'dates', trainSize: 30, validationSize: 3 }, new Rng(2));
  assert.equal(ds.target.kind === 'sequence' && ds.target.vocab.includes('-'), true);
});
