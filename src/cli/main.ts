// The `seqlab` command line: a thin host over src/runner that parses arguments and prints. Exit codes: 0 done,
// 1 training failed (divergence, a file that cannot be written; for claims, a claim that does not hold), 2 bad usage,
// config or input, 130 stopped by Ctrl-C.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { assignmentLabel } from '../runner/config/load';
import { checkClaims, type ClaimRunOptions } from '../runner/claims/runClaims';
import { claimsTable, type TableEntry } from '../runner/claims/table';
import { formatDiagnostic, InputError, UnusableInputError } from '../runner/diagnostics';
import type { RunSummary } from '../runner/events';
import { loadExperiments } from '../runner/experiment';
import { WriteError } from '../runner/files';
import { exportOnnx } from '../runner/export/onnx/index';
import { exportConfig } from '../runner/export/pytorch';
import { evaluateRun } from '../runner/evaluateRun';
import { predictFile } from '../runner/predict';
import { writeReport } from '../runner/report';
import { resumeRun, startRun } from '../runner/run';
import { makeRunId } from '../runner/runDir';
import { sampleRun } from '../runner/sample';
import { listRuns, type LoadModelOptions } from '../runner/savedRun';
import { parseCommandLine, threadsOption, UsageError, type Command, type CommandArgs } from './args';
import { metricInfo } from '../shared/metrics';
import { dataSummary } from './dataSummary';
import { experimentMetricContext, runMetricContext } from './metricContext';
import { cmdBackends } from './backends';
import { HELP } from './help';
import { progressHooks } from './progress';

/** 130 (as a shell reports SIGINT) tells a script the run was stopped, not finished. */
const EXIT_STOPPED = 130;

function exitCode(statuses: RunSummary['status'][]): number {
  if (statuses.includes('failed')) return 1;
  return statuses.includes('stopped') ? EXIT_STOPPED : 0;
}

async function cmdRun(args: CommandArgs): Promise<number> {
  const progress = progressHooks();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT_STOPPED);
    process.stderr.write('\nstopping after the current step (Ctrl-C again to quit now)…\n');
    progress.stop();
  };
  process.on('SIGINT', onSigint);
  try {
    const resume = args.options.resume;
    if (resume) {
      const r = await resumeRun(resume, {
        backend: args.options.backend, threads: threadsOption(args), hooks: progress.hooks, configFile: args.positional[0],
        workspace: args.options.workspace, allowChangedData: args.options['allow-changed-data'] === 'true',
      });
      if (!r.alreadyComplete) announceReport([r.runDir], join(r.runDir, 'report.html'));
      return exitCode([r.summary.status]);
    }
    const config = args.positional[0];
    if (!config) throw new UsageError('run needs a config file (or --resume <run-dir>)');
    const exps = loadExperiments(config, { workspace: args.options.workspace });
    const out = args.options.out;
    const statuses: RunSummary['status'][] = [];
    const runDirs: string[] = [];
    for (const line of new Set(exps.map((e) => dataSummary(e.dataset)))) if (line) process.stderr.write(line + '\n');
    for (const [i, exp] of exps.entries()) {
      if (progress.requested()) break;
      progress.setLabel(exps.length > 1 ? `[${i + 1}/${exps.length} ${assignmentLabel(exp.assignment)}] ` : '');
      progress.setMetricContext(experimentMetricContext(exp));
      const outDir = out && exps.length > 1 ? join(out, assignmentLabel(exp.assignment)) : out;
      const r = await startRun(exp, { outDir, init: args.options.init, backend: args.options.backend, threads: threadsOption(args), hooks: progress.hooks });
      runDirs.push(r.runDir);
      statuses.push(r.summary.status);
    }
    // A sweep's runs are meant to be compared: one report overlays them all.
    if (runDirs.length > 0) {
      const sweepFile = () => join(dirname(runDirs[0]), `${makeRunId(exps[0].config.name, 'comparison')}.html`);
      announceReport(runDirs, runDirs.length === 1 ? join(runDirs[0], 'report.html') : sweepFile());
    }
    // Ctrl-C between a sweep's runs leaves the rest of them undone.
    return exitCode(runDirs.length < exps.length ? [...statuses, 'stopped'] : statuses);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function cmdValidate(args: CommandArgs): number {
  const config = args.positional[0];
  if (!config) throw new UsageError('validate needs a config file');
  const exps = loadExperiments(config, { workspace: args.options.workspace });
  for (const w of exps.flatMap((e) => e.warnings)) process.stderr.write(formatDiagnostic(w) + '\n');
  const ds = exps[0].dataset;
  process.stdout.write(`${config}: ok — ${exps.length} run(s); ${ds.train.length} training and ${ds.validation.length} validation sequences\n`);
  for (const line of new Set(exps.map((e) => dataSummary(e.dataset)))) if (line) process.stdout.write(line + '\n');
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

function cmdRuns(args: CommandArgs): number {
  const rows = findRunsDirs(args.positional[0] ?? '.').flatMap(listRuns);
  if (!rows.length) { process.stdout.write('no runs found\n'); return 0; }
  for (const r of rows) {
    const s = r.summary;
    const f = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toPrecision(4));
    process.stdout.write(`${relative(process.cwd(), r.dir)}  ${s?.status ?? '?'}  steps ${s?.steps ?? 0}  loss ${f(s?.finalLoss)}  valLoss ${f(s?.finalValLoss)}  ${s?.backend ?? ''}\n`);
  }
  // What loss and valLoss are in, once for each kind of run listed.
  const legends = new Set(rows.map((r) => {
    const c = runMetricContext(r);
    return `${c.source} runs: loss and valLoss are ${c.loss}, in ${metricInfo('valLoss', c)!.unit}`;
  }));
  process.stdout.write(['', ...legends].join('\n') + '\n');
  return 0;
}

/** The package this CLI is bundled into (dist/cli.js): it holds package.json and the dashboard bundle, dist/webview/. */
const PACKAGE_ROOT = resolve(__dirname, '..');

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The report of what `run` did; a disk too full for it does not change the run's exit code. */
function announceReport(runDirs: string[], file: string): void {
  try {
    writeReport(runDirs, file, PACKAGE_ROOT);
  } catch (e) {
    if (!(e instanceof WriteError)) throw e;
    process.stderr.write(`warning: no report: ${e.message}\n`);
    return;
  }
  process.stdout.write(`report: ${relative(process.cwd(), file) || file}\n`);
}

function cmdReport(args: CommandArgs): number {
  const dirs = args.positional;
  if (dirs.length === 0) throw new UsageError('report needs a run folder');
  const file = args.options.out ?? (dirs.length === 1 ? join(dirs[0], 'report.html') : join(dirname(resolve(dirs[0])), 'comparison.html'));
  writeReport(dirs, file, PACKAGE_ROOT);
  process.stdout.write(`${file}\n`);
  return 0;
}

function cmdSample(args: CommandArgs): number {
  const dir = args.positional[0];
  if (!dir) throw new UsageError('sample needs a run folder');
  const length = positiveNumber(args, 'length');
  const text = sampleRun(dir, {
    seed: positiveNumber(args, 'seed'), temperature: positiveNumber(args, 'temperature'),
    length: length === undefined ? undefined : Math.round(length), prime: args.options.prime, ...checkpointOptions(args),
  });
  process.stdout.write(text + '\n');
  return 0;
}

/** A numeric option that must be positive; undefined when it is not given. */
function positiveNumber(args: CommandArgs, name: string): number | undefined {
  const v = args.options[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got ${v}`);
  return n;
}

/** --checkpoint latest|best and --workspace, and where the command says (on stderr) which checkpoint it used or skipped. */
function checkpointOptions(args: CommandArgs): LoadModelOptions {
  const choice = args.options.checkpoint ?? 'latest';
  if (choice !== 'latest' && choice !== 'best') throw new UsageError(`--checkpoint must be "latest" or "best", got "${choice}"`);
  return { checkpoint: choice, workspace: args.options.workspace, onLog: (level, message) => process.stderr.write(`${level}: ${message}\n`) };
}

function cmdPredict(args: CommandArgs): number {
  const [dir, data] = args.positional;
  if (!dir || !data) throw new UsageError('predict needs a run folder and a data file');
  const beam = positiveNumber(args, 'beam');
  if (beam !== undefined && !Number.isInteger(beam)) throw new UsageError(`--beam must be a positive integer, got ${args.options.beam}`);
  const probs = args.options.probs === 'true';
  for (const p of predictFile(dir, data, { ...checkpointOptions(args), beam, probs })) process.stdout.write(JSON.stringify(p) + '\n');
  return 0;
}

function cmdEvaluate(args: CommandArgs): number {
  const [dir, data] = args.positional;
  if (!dir) throw new UsageError('evaluate needs a run folder');
  const r = evaluateRun(dir, { ...checkpointOptions(args), file: data });
  const context = experimentMetricContext(r.exp);
  process.stdout.write(`${r.sequences} ${data ? `sequences of ${data}` : 'validation sequences'}\n`);
  for (const [name, value] of [['valLoss', r.loss] as const, ...Object.entries(r.metrics)]) {
    const info = metricInfo(name, context);
    process.stdout.write(`${name} ${value.toPrecision(4)}${info ? `  (${info.meaning}; ${info.unit})` : ''}\n`);
  }
  return 0;
}

async function cmdClaims(args: CommandArgs): Promise<number> {
  const roots = args.positional.length ? args.positional : [existsSync('examples') ? 'examples' : '.'];
  const onRun: ClaimRunOptions['onRun'] = (claim, exp, summary) => {
    const what = `${claim.name}: ${relative(claim.dir, exp.configFile)}${Object.keys(exp.assignment).length ? ` [${assignmentLabel(exp.assignment)}]` : ''}`;
    const end = summary && `${summary.status}, ${summary.steps} steps in ${summary.wallTimeSec.toFixed(1)} s`;
    process.stderr.write(end ? `  ${what}: ${end}\n` : `${what}…\n`);
  };
  const entries: TableEntry[] = [];
  for (const root of roots) entries.push(...await checkClaims(root, { quick: args.options.quick === 'true', out: args.options.out, onRun }));
  if (!entries.some((e) => e.kind === 'result')) throw new UsageError(`no claim.json in ${roots.join(', ')} or the folders in it`);
  process.stdout.write(claimsTable(entries) + '\n');
  return entries.every((e) => e.kind === 'pending' || e.result.holds) ? 0 : 1;
}

function cmdExport(args: CommandArgs): number {
  const source = args.positional[0];
  if (!source) throw new UsageError('export needs a config file (or a run folder with --format onnx)');
  const format = args.options.format ?? 'pytorch';
  if (format === 'onnx') {
    const out = args.options.out ?? join(source, 'model.onnx');
    exportOnnx(source, out);
    process.stdout.write(`${relative(process.cwd(), out) || out}\n`);
    return 0;
  }
  if (format !== 'pytorch') throw new UsageError(`--format must be pytorch or onnx, got ${format}`);
  if (existsSync(join(source, 'run.json'))) {
    throw new UsageError(`${source} is a run folder: export its config with --init ${join(source, 'checkpoints', 'final.safetensors')} to continue its training in PyTorch, or use --format onnx`);
  }
  const out = args.options.out ?? source.replace(/(\.seqlab)?\.jsonc?$/i, '') + '-pytorch';
  for (const e of exportConfig(source, out, { init: args.options.init, workspace: args.options.workspace })) {
    const dir = relative(process.cwd(), e.dir) || '.';
    process.stdout.write(`${dir}: ${e.files.length} files; train with: cd ${dir} && python3 train.py   (or torchrun --nproc_per_node=N train.py)\n`);
  }
  return 0;
}

const COMMANDS: Record<Command, (args: CommandArgs) => number | Promise<number>> = {
  run: cmdRun, validate: cmdValidate, runs: cmdRuns, report: cmdReport, sample: cmdSample, predict: cmdPredict, evaluate: cmdEvaluate,
  claims: cmdClaims, export: cmdExport, backends: cmdBackends,
};

export async function main(argv: string[]): Promise<number> {
  const line = parseCommandLine(argv);
  if (line.command === null) {
    if (line.version) { process.stdout.write(packageVersion() + '\n'); return 0; }
    process.stdout.write(HELP.main + '\n');
    return line.help ? 0 : 2;
  }
  if (line.help) { process.stdout.write(HELP[line.command] + '\n'); return 0; }
  return COMMANDS[line.command](line);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof InputError) {
      process.stderr.write(e.diagnostics.map(formatDiagnostic).join('\n') + '\n');
      process.exitCode = 2;
    } else if (e instanceof UsageError || e instanceof UnusableInputError) {
      process.stderr.write(`seqlab: ${e.message}\n`);
      process.exitCode = 2;
    } else if (e instanceof WriteError) {
      process.stderr.write(`seqlab: ${e.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`seqlab: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
