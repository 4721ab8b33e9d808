// The `seqlab` command line: a thin host over src/runner that parses arguments and prints. Exit codes: 0 done,
// 1 training failed, 2 bad usage, config or input.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { assignmentLabel } from '../runner/config/load';
import { formatDiagnostic, InputError, UnusableInputError } from '../runner/diagnostics';
import { loadExperiments } from '../runner/experiment';
import { predictFile } from '../runner/predict';
import { writeReport } from '../runner/report';
import { resumeRun, startRun } from '../runner/run';
import { makeRunId } from '../runner/runDir';
import { sampleRun } from '../runner/sample';
import { listRuns } from '../runner/savedRun';
import { parseCommandLine, UsageError, type Command, type CommandArgs } from './args';
import { HELP } from './help';
import { progressHooks } from './progress';

async function cmdRun(args: CommandArgs): Promise<number> {
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
    const resume = args.options.resume;
    if (resume) {
      const r = await resumeRun(resume, { backend: args.options.backend, hooks: progress.hooks });
      announceReport([r.runDir], join(r.runDir, 'report.html'));
      return r.summary.status === 'failed' ? 1 : 0;
    }
    const config = args.positional[0];
    if (!config) throw new UsageError('run needs a config file (or --resume <run-dir>)');
    const exps = loadExperiments(config, { workspace: args.options.workspace });
    const out = args.options.out;
    let failed = false;
    const runDirs: string[] = [];
    for (const [i, exp] of exps.entries()) {
      if (progress.requested()) break;
      progress.setLabel(exps.length > 1 ? `[${i + 1}/${exps.length} ${assignmentLabel(exp.assignment)}] ` : '');
      const outDir = out && exps.length > 1 ? join(out, assignmentLabel(exp.assignment)) : out;
      const r = await startRun(exp, { outDir, init: args.options.init, backend: args.options.backend, hooks: progress.hooks });
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

function cmdValidate(args: CommandArgs): number {
  const config = args.positional[0];
  if (!config) throw new UsageError('validate needs a config file');
  const exps = loadExperiments(config, { workspace: args.options.workspace });
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

function cmdRuns(args: CommandArgs): number {
  const rows = findRunsDirs(args.positional[0] ?? '.').flatMap(listRuns);
  if (!rows.length) { process.stdout.write('no runs found\n'); return 0; }
  for (const r of rows) {
    const s = r.summary;
    const f = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toPrecision(4));
    process.stdout.write(`${relative(process.cwd(), r.dir)}  ${s?.status ?? '?'}  steps ${s?.steps ?? 0}  loss ${f(s?.finalLoss)}  valLoss ${f(s?.finalValLoss)}  ${s?.backend ?? ''}\n`);
  }
  return 0;
}

/** The package this CLI is bundled into (dist/cli.js): it holds package.json and the dashboard bundle, dist/webview/. */
const PACKAGE_ROOT = resolve(__dirname, '..');

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

function announceReport(runDirs: string[], file: string): void {
  writeReport(runDirs, file, PACKAGE_ROOT);
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
    length: length === undefined ? undefined : Math.round(length), prime: args.options.prime,
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

function cmdPredict(args: CommandArgs): number {
  const [dir, data] = args.positional;
  if (!dir || !data) throw new UsageError('predict needs a run folder and a data file');
  const beam = positiveNumber(args, 'beam');
  if (beam !== undefined && !Number.isInteger(beam)) throw new UsageError(`--beam must be a positive integer, got ${args.options.beam}`);
  for (const p of predictFile(dir, data, { beam })) process.stdout.write(JSON.stringify(p) + '\n');
  return 0;
}

const COMMANDS: Record<Command, (args: CommandArgs) => number | Promise<number>> = {
  run: cmdRun, validate: cmdValidate, runs: cmdRuns, report: cmdReport, sample: cmdSample, predict: cmdPredict,
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
    } else {
      process.stderr.write(`seqlab: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
