// `npx tsx bench/dataMemory.ts [--small]` (or `npm run bench -- --data`): peak memory of loading JSONL and CSV files.
// Writes seeded files into a temp folder (20 MB and 200 MB of JSONL and of CSV, and one JSONL row on a single 50 MB
// line; --small: the 20 MB files and a 5 MB line), then loads each in a fresh child process, twice: "before", the way
// loadDataset read them until the streaming readers (the whole file as one string, then jsonlDataset / csvDataset on
// it), and "after", loadDataset itself. Each child reports its peak RSS (process.resourceUsage().maxRSS) less its RSS
// just before loading; the table shows that growth and its ratio to the file's values as float32 (4 bytes a value).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/engine/rng';
import { parseConfig } from '../src/runner/config/load';
import type { DataConfig } from '../src/runner/config/schema';
import { csvDataset } from '../src/runner/data/csv';
import { loadDataset, splitRows } from '../src/runner/data/index';
import { jsonlDataset } from '../src/runner/data/jsonl';
import type { Dataset } from '../src/runner/data/types';

const MB = 1024 * 1024;

interface Case { name: string; file: string; values: number; data: Record<string, unknown>; before: boolean }

/** Writes `lines()` to `file` until it holds about `bytes`; returns how many lines. */
function writeLines(file: string, bytes: number, header: string | null, line: () => string): number {
  const fd = openSync(file, 'w');
  let written = 0;
  let n = 0;
  let buf = header === null ? '' : header + '\n';
  while (written + buf.length < bytes) {
    buf += line() + '\n';
    n++;
    if (buf.length > MB) {
      written += writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
  return n;
}

function makeCases(dir: string, small: boolean): Case[] {
  const rng = new Rng(1);
  const v = () => (rng.uniform() * 2 - 1).toFixed(6);
  const cases: Case[] = [];
  const T = 50;
  const F = 2;
  for (const size of small ? [20] : [20, 200]) {
    const file = join(dir, `rows-${size}MB.jsonl`);
    const rows = writeLines(file, size * MB, null, () =>
      `{"x": [${Array.from({ length: T }, () => `[${Array.from({ length: F }, v).join(', ')}]`).join(', ')}], "y": ${v()}}`);
    cases.push({ name: `JSONL ${size} MB (${rows} rows, T=${T}, ${F} features)`, file, values: rows * (T * F + 1), data: { source: 'jsonl', validation: 0.1 }, before: true });
  }
  const lineMB = small ? 5 : 50;
  const one = join(dir, `line-${lineMB}MB.jsonl`);
  let count = 0;
  const fd = openSync(one, 'w');
  writeSync(fd, '{"x": [');
  for (let written = 0; written < lineMB * MB;) {
    const part = Array.from({ length: 10000 }, v).join(', ');
    written += writeSync(fd, (count ? ', ' : '') + part);
    count += 10000;
  }
  writeSync(fd, '], "y": 1}\n');
  closeSync(fd);
  cases.push({ name: `JSONL one ${lineMB} MB line (${count} values)`, file: one, values: count + 1, data: { source: 'jsonl', validation: 0 }, before: true });
  const C = 4;
  for (const size of small ? [20] : [20, 200]) {
    const file = join(dir, `series-${size}MB.csv`);
    const rows = writeLines(file, size * MB, Array.from({ length: C }, (_, j) => `c${j}`).join(','), () => Array.from({ length: C }, v).join(','));
    // The old reader held 20 MB of CSV in about 1.5 GB: 200 MB that way would take most of this shared machine.
    cases.push({ name: `CSV ${size} MB (${rows} rows × ${C} columns, window 32)`, file, values: rows * C, data: { source: 'csv', window: 32, horizon: 1, validation: 0.1 }, before: size <= 20 });
  }
  return cases;
}

/** In the child: load the file one way and print what it cost. */
function child(mode: string, file: string, dataJson: string): void {
  const data = JSON.parse(dataJson) as Record<string, unknown>;
  const name = file.split('/').pop()!;
  const { config } = parseConfig(join(file, '..', 'c.seqlab.json'), JSON.stringify({ data: { ...data, path: name }, seed: 1 }));
  if (!config) throw new Error('bench config is invalid');
  (globalThis as { gc?: () => void }).gc?.();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const ds: Dataset = mode === 'before' ? loadWhole(file, config.data) : loadDataset(config, { configDir: join(file, '..'), workspace: join(file, '..') });
  const ms = performance.now() - t0;
  const peak = process.resourceUsage().maxRSS * 1024;
  const sequences = ds.train.length + ds.validation.length;
  process.stdout.write(JSON.stringify({ grew: peak - rss0, ms, sequences }) + '\n');
}

/** loadDataset as it was before the streaming readers: the whole file as one string. */
function loadWhole(file: string, d: DataConfig): Dataset {
  const text = readFileSync(file, 'utf8');
  if (d.source === 'csv') return csvDataset(file, text, d);
  if (d.source !== 'jsonl') throw new Error(d.source);
  const base = jsonlDataset(file, text);
  const rng = new Rng(1).fork('data:jsonl');
  return { ...base, ...splitRows(base.train, d.validation, rng), baselines: {}, warnings: [] };
}

function measure(mode: string, c: Case): string {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, '--child', mode, c.file, JSON.stringify(c.data)], { encoding: 'utf8', maxBuffer: 16 * MB });
  if (r.status !== 0) return `failed: ${(r.stderr || '').trim().split('\n').slice(-3).join(' ')}`;
  const { grew, ms, sequences } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { grew: number; ms: number; sequences: number };
  const f32 = c.values * 4;
  return `${(grew / MB).toFixed(0).padStart(6)} MB  ${(grew / f32).toFixed(1).padStart(5)}×  ${(ms / 1000).toFixed(1).padStart(6)} s  ${sequences} sequences`;
}

export function runDataMemory(small: boolean): void {
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-datamem-'));
  try {
    const cases = makeCases(dir, small);
    console.log(`Data loading: peak RSS growth (maxRSS − RSS before loading), ratio to the file's values as float32; node ${process.version}`);
    for (const c of cases) {
      const f32 = c.values * 4;
      console.log(`${c.name}: file ${(statSync(c.file).size / MB).toFixed(0)} MB, values as float32 ${(f32 / MB).toFixed(1)} MB`);
      console.log(`  before  ${c.before ? measure('before', c) : 'not run (see the comment in makeCases)'}`);
      console.log(`  after   ${measure('after', c)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child') child(args[1], args[2], args[3]);
else if (require.main === module) runDataMemory(args.includes('--small'));
