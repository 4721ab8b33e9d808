// The `seqlab` command line: a thin host over src/runner. Exit codes: 0 done, 1 training failed, 2 bad config or input.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseJsonl } from '../runner/data/jsonl';
import { makeBatch } from '../runner/data/batches';
import type { Sequence } from '../runner/data/types';
import { formatDiagnostic, InputError } from '../runner/diagnostics';
import type { RunRecord } from '../runner/events';
import { loadExperiments } from '../runner/experiment';
import { sampleTextSeeded } from '../runner/evaluate';
import { writeReport } from '../runner/report';
import { resumeRun, startRun, type RunHooks } from '../runner/run';
import { makeRunId } from '../runner/runDir';
import { listRuns, loadTrainedModel } from '../runner/savedRun';
import { assignmentLabel } from '../runner/config/load';
import { fmtDuration } from '../shared/format';

const HELP: Record<string, string> = {
  main: `seqlab — train RNNs, GRUs and LSTMs from *.seqlab.json experiments

Usage: seqlab <command> [options]

Commands:
  run <config>            train (every sweep combination, one after another)
  validate <config>       check a config and its data without training
  runs [folder]           list runs under <folder>/.seqlab/runs (default: the current folder)
  report <run-dir>...     write an offline HTML report of a run (or compare several)
  sample <run-dir>        generate text from a trained character model
  predict <run-dir> <data.jsonl>   print predictions for new sequences

Run "seqlab <command> --help" for a command's options.
Exit codes: 0 done, 1 training failed (NaN or divergence), 2 bad config or input.`,
  run: `Usage: seqlab run <config> [options]

Trains the experiment. Runs go to <config dir>/.seqlab/runs/<run-id>/ (config output.runsDir).
Options:
  --out <run-dir>          write the run to this folder (with a sweep: one subfolder per combination)
  --init <ckpt.safetensors> start from these parameters (state_dict names and shapes must match exactly)
  --resume <run-dir>       continue a stopped or killed run from its newest checkpoint (no <config> needed)
  --backend <name>         override backend.name (reference, reference64, gpu.js, gpu.js:cpu, ...)
  --workspace <dir>        data files must be inside this folder (default: the config's folder)
Ctrl-C stops after the current step and saves a checkpoint (status "stopped").`,
  validate: `Usage: seqlab validate <config> [--workspace <dir>]

Checks the config against the schema, loads its data and checks shapes. Prints every problem as
file:line:column and exits 2 when there is any.`,
  runs: `Usage: seqlab runs [folder]

Lists runs found in .seqlab/runs folders under [folder] (default: the current folder), newest first.`,
  report: `Usage: seqlab report <run-dir> [<run-dir> ...] [--out <file.html>]

Writes a self-contained offline HTML page with the run's dashboard (default: <run-dir>/report.html).
Several run folders give one page that compares them (default: comparison.html beside the first).
\`seqlab run\` writes this report by itself when it ends.`,
  sample: `Usage: seqlab sample <run-dir> [--temperature <t>] [--length <n>] [--prime <text>] [--seed <n>]

Generates text with a trained character-level model (its newest checkpoint).`,
  predict: `Usage: seqlab predict <run-dir> <data.jsonl>

Reads sequences in the run's JSONL format ({"x": ...}; "y" is optional and ignored) and prints one JSON line of
predictions per sequence: class labels for classifiers, numbers for regression.`,
};

class UsageError extends Error {}

interface Args { positional: string[]; flags: Record<string, string | true> }

function parseArgs(argv: string[]): Args {
  const out: Args = { positional: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') out.flags.help = true;
    else if (a.startsWith('--')) {
      const [k, inline] = a.slice(2).split('=', 2);
      if (inline !== undefined) out.flags[k] = inline;
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out.flags[k] = argv[++i];
      else throw new UsageError(`option --${k} needs a value`);
    } else out.positional.push(a);
  }
  return out;
}

function flag(args: Args, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

function checkFlags(args: Args, allowed: string[]): void {
  for (const k of Object.keys(args.flags)) if (k !== 'help' && !allowed.includes(k)) throw new UsageError(`unknown option --${k}`);
}

/** Progress: a redrawn bar on a terminal, plain lines otherwise (about every 10% and at every eval). */
function progressHooks(): { hooks: RunHooks; stop: () => void; requested: () => boolean; setLabel: (l: string) => void } {
  const tty = Boolean(process.stderr.isTTY);
  let label = '';
  let total = 0;
  let start = 0;
  let lastLine = 0;
  let stopRequested = false;
  const hooks: RunHooks = {
    onStart: (s) => {
      total = s.totalSteps;
      start = s.startStep;
      process.stderr.write(`${label}run ${s.runId} (${s.backend}) → ${relative(process.cwd(), s.dir) || '.'}\n`);
    },
    onLog: (level, msg) => { if (tty) process.stderr.write('\r\x1b[K'); process.stderr.write(`${level}: ${msg}\n`); },
    onRecord: (r: RunRecord) => {
      if (r.kind === 'eval') {
        if (tty) process.stderr.write('\r\x1b[K');
        const m = Object.entries(r.metrics).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', ');
        process.stderr.write(`step ${r.step}: valLoss ${r.valLoss.toPrecision(4)}${m ? `, ${m}` : ''}\n`);
      }
      if (r.kind !== 'step') return;
      const eta = r.stepsPerSec > 0 ? (total - r.step) / r.stepsPerSec : NaN;
      const text = `step ${r.step}/${total} loss ${r.loss.toPrecision(4)} ${r.stepsPerSec.toFixed(1)} steps/s ETA ${fmtDuration(eta)}`;
      if (tty) {
        const width = 24;
        const done = Math.round((width * r.step) / Math.max(1, total));
        process.stderr.write(`\r\x1b[K[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${text}`);
      } else if (r.step === start + 1 || r.step === total || r.step - lastLine >= Math.max(1, Math.floor(total / 10))) {
        lastLine = r.step;
        process.stderr.write(text + '\n');
      }
    },
    onSummary: (s) => {
      if (s.status === 'running') return;
      if (tty) process.stderr.write('\r\x1b[K');
      const loss = s.finalLoss === null ? '' : ` loss ${s.finalLoss.toPrecision(4)}`;
      const val = s.finalValLoss === null ? '' : ` valLoss ${s.finalValLoss.toPrecision(4)}`;
      process.stderr.write(`${s.status}${s.reason ? `: ${s.reason}` : ''} after ${s.steps} steps${loss}${val} in ${fmtDuration(s.wallTimeSec)}\n`);
    },
    shouldStop: () => stopRequested,
  };
  return { hooks, stop: () => { stopRequested = true; }, requested: () => stopRequested, setLabel: (l) => { label = l; } };
}

async function cmdRun(args: Args): Promise<number> {
  checkFlags(args, ['out', 'init', 'resume', 'backend', 'workspace']);
  const progress = progressHooks();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write('\nstopping after the current step (Ctrl-C again to quit now)…\n');
    progress.stop();
  };
  process.on('SIGINT', onSigint);
  try {
    const resume = flag(args, 'resume');
    if (resume) {
      const r = await resumeRun(resume, { backend: flag(args, 'backend'), hooks: progress.hooks });
      announceReport([r.runDir], join(r.runDir, 'report.html'));
      return r.summary.status === 'failed' ? 1 : 0;
    }
    const config = args.positional[0];
    if (!config) throw new UsageError('run needs a config file (or --resume <run-dir>)');
    const exps = loadExperiments(config, { workspace: flag(args, 'workspace') });
    const out = flag(args, 'out');
    let failed = false;
    const runDirs: string[] = [];
    for (const [i, exp] of exps.entries()) {
      if (progress.requested()) break;
      progress.setLabel(exps.length > 1 ? `[${i + 1}/${exps.length} ${assignmentLabel(exp.assignment)}] ` : '');
      const outDir = out && exps.length > 1 ? join(out, assignmentLabel(exp.assignment)) : out;
      const r = await startRun(exp, { outDir, init: flag(args, 'init'), backend: flag(args, 'backend'), hooks: progress.hooks });
      runDirs.push(r.runDir);
      if (r.summary.status === 'failed') failed = true;
    }
    // A sweep's runs are meant to be compared: one report overlays them all.
    if (runDirs.length > 0) {
      const sweepFile = () => join(dirname(runDirs[0]), `${makeRunId(exps[0].config.name, 'comparison')}.html`);
      announceReport(runDirs, runDirs.length === 1 ? join(runDirs[0], 'report.html') : sweepFile());
    }
    return failed ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function cmdValidate(args: Args): number {
  checkFlags(args, ['workspace']);
  const config = args.positional[0];
  if (!config) throw new UsageError('validate needs a config file');
  const exps = loadExperiments(config, { workspace: flag(args, 'workspace') });
  for (const w of exps.flatMap((e) => e.warnings)) process.stderr.write(formatDiagnostic(w) + '\n');
  const ds = exps[0].dataset;
  process.stdout.write(`${config}: ok — ${exps.length} run(s); ${ds.train.length} training and ${ds.validation.length} validation sequences\n`);
  return 0;
}

function findRunsDirs(root: string, depth = 4): string[] {
  const out: string[] = [];
  const walk = (d: string, left: number) => {
    const runs = join(d, '.seqlab', 'runs');
    if (existsSync(runs)) out.push(runs);
    if (left === 0) return;
    for (const e of readdirSync(d)) {
      if (e === 'node_modules' || e.startsWith('.')) continue;
      const p = join(d, e);
      try { if (statSync(p).isDirectory()) walk(p, left - 1); } catch { /* unreadable: skip */ }
    }
  };
  walk(resolve(root), depth);
  return out;
}

function cmdRuns(args: Args): number {
  checkFlags(args, []);
  const rows = findRunsDirs(args.positional[0] ?? '.').flatMap(listRuns);
  if (!rows.length) { process.stdout.write('no runs found\n'); return 0; }
  for (const r of rows) {
    const s = r.summary;
    const f = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toPrecision(4));
    process.stdout.write(`${relative(process.cwd(), r.dir)}  ${s?.status ?? '?'}  steps ${s?.steps ?? 0}  loss ${f(s?.finalLoss)}  valLoss ${f(s?.finalValLoss)}  ${s?.backend ?? ''}\n`);
  }
  return 0;
}

/** The built dashboard bundle sits beside this file: dist/cli.js → dist/webview/. */
const PACKAGE_ROOT = resolve(__dirname, '..');

function announceReport(runDirs: string[], file: string): void {
  writeReport(runDirs, file, PACKAGE_ROOT);
  process.stdout.write(`report: ${relative(process.cwd(), file) || file}\n`);
}

function cmdReport(args: Args): number {
  checkFlags(args, ['out']);
  const dirs = args.positional;
  if (dirs.length === 0) throw new UsageError('report needs a run folder');
  const file = flag(args, 'out') ?? (dirs.length === 1 ? join(dirs[0], 'report.html') : join(dirname(resolve(dirs[0])), 'comparison.html'));
  writeReport(dirs, file, PACKAGE_ROOT);
  process.stdout.write(`${file}\n`);
  return 0;
}

function cmdSample(args: Args): number {
  checkFlags(args, ['temperature', 'length', 'prime', 'seed']);
  const dir = args.positional[0];
  if (!dir) throw new UsageError('sample needs a run folder');
  const { exp, model } = loadTrainedModel(dir);
  if (exp.config.data.source !== 'text') throw new UsageError('sample needs a run trained on text data (data.source "text")');
  const s = exp.config.data.sample;
  const num = (name: string, d: number) => {
    const v = flag(args, name);
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got ${v}`);
    return n;
  };
  const text = sampleTextSeeded(model, exp, num('seed', Date.now() % 1e9 | 0), {
    temperature: num('temperature', s.temperature), length: Math.round(num('length', s.length)), prime: flag(args, 'prime') ?? s.prime,
  });
  process.stdout.write(text + '\n');
  return 0;
}

function cmdPredict(args: Args): number {
  checkFlags(args, []);
  const [dir, data] = args.positional;
  if (!dir || !data) throw new UsageError('predict needs a run folder and a JSONL data file');
  const { exp, model } = loadTrainedModel(dir);
  const ds = exp.dataset;
  const { rows } = parseJsonl(resolve(data), readText(data), { targets: 'optional' });
  const vocab = ds.input.kind === 'tokens' ? new Map(ds.input.vocab.map((t, i) => [t, i])) : null;
  const seqs: Sequence[] = rows.map((r) => {
    if ((r.xForm === 'tokens') !== (vocab !== null)) throw new UsageError(`${data}:${r.line}: x must be ${vocab ? 'tokens' : 'numbers'} like the training data`);
    if (!vocab && r.width !== (ds.input.kind === 'float' ? ds.input.size : 0)) {
      throw new UsageError(`${data}:${r.line}: x has ${r.width} features per step; the model was trained on ${ds.input.kind === 'float' ? ds.input.size : 0}`);
    }
    const tokens = vocab ? Int32Array.from(r.tokens, (t) => {
      const id = vocab.get(t);
      if (id === undefined) throw new UsageError(`${data}:${r.line}: token "${t}" is not in the training vocabulary`);
      return id;
    }) : null;
    const tg = ds.target;
    const ySize = tg.kind === 'class' ? (tg.perStep ? r.T : 1) : tg.size * (tg.perStep ? r.T : 1);
    return { T: r.T, x: vocab ? null : Float32Array.from(r.values), tokens, y: tg.kind === 'class' ? new Int32Array(ySize) : new Float64Array(ySize) };
  });
  const tg = ds.target;
  const size = exp.model.head.size;
  for (const s of seqs) {
    const p = model.predict(makeBatch([s], ds, { dtype: 'float32', oneHot: exp.oneHot }));
    const rowsOut = tg.perStep ? s.T : 1;
    const out = Array.from({ length: rowsOut }, (_, t) => {
      const v = Array.from(p.data.subarray(t * size, (t + 1) * size));
      if (tg.kind === 'class') return tg.labels[v.indexOf(Math.max(...v))];
      const n = ds.series?.normalization;
      return n ? v.map((x, k) => x * n.std[k] + n.mean[k]) : v.length === 1 ? v[0] : v;
    });
    process.stdout.write(JSON.stringify(tg.perStep ? out : out[0]) + '\n');
  }
  return 0;
}

function readText(file: string): string {
  if (!existsSync(file)) throw new UsageError(`data file "${file}" not found`);
  return readFileSync(file, 'utf8');
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const [cmd, ...rest] = args.positional;
  args.positional = rest;
  if (!cmd || cmd === 'help') { process.stdout.write(HELP.main + '\n'); return cmd ? 0 : args.flags.help ? 0 : 2; }
  if (!(cmd in HELP) || cmd === 'main') throw new UsageError(`unknown command "${cmd}"\n\n${HELP.main}`);
  if (args.flags.help) { process.stdout.write(HELP[cmd] + '\n'); return 0; }
  switch (cmd) {
    case 'run': return cmdRun(args);
    case 'validate': return cmdValidate(args);
    case 'runs': return cmdRuns(args);
    case 'report': return cmdReport(args);
    case 'sample': return cmdSample(args);
    case 'predict': return cmdPredict(args);
  }
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof InputError) {
      process.stderr.write(e.diagnostics.map(formatDiagnostic).join('\n') + '\n');
      process.exitCode = 2;
    } else if (e instanceof UsageError) {
      process.stderr.write(`seqlab: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`seqlab: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
