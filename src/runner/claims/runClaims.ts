// Running a claim: its experiments (every sweep combination; with `quick`, its shortened version), headless through
// the same runner as `seqlab run`, each run's records collected as they stream, then judged (verdict.ts).
import { basename, join, resolve } from 'node:path';
import { assignmentLabel, expandSweep, parseConfig } from '../config/load';
import { isPlainObject, nodeAt, type JsonValue } from '../config/dsl';
import { configSchema } from '../config/schema';
import { InputError, type Diagnostic } from '../diagnostics';
import type { RunSummary } from '../events';
import { loadExperiments, prepareExperiment, readConfig, type Experiment } from '../experiment';
import { startRun } from '../run';
import { findClaims } from './catalog';
import type { Claim } from './claimFile';
import type { MeasuredRun } from './measures';
import type { TableEntry } from './table';
import { judge, runsOf, type ClaimVerdict } from './verdict';

export interface ClaimRunOptions {
  /** Run the shortened version (the claim file's "quick" overrides). */
  quick: boolean;
  /** Data files must stay inside it. */
  workspace: string;
  /** Runs go to <out>/<claim>/<config>/<sweep label>; default: each config's own runs folder. */
  out?: string;
  /** Called as each run starts and ends (summary set). */
  onRun?(claim: Claim, exp: Experiment, summary?: RunSummary): void;
}

export interface ClaimResult extends ClaimVerdict {
  claim: Claim;
  runs: MeasuredRun[];
}

/**
 * Runs every claim found under root (catalog.ts) and judges it. Every claim file, config and data file is checked
 * before the first run trains, so a mistake in the last claim does not cost the runs of the others.
 */
export async function checkClaims(root: string, opts: Omit<ClaimRunOptions, 'workspace'> & { workspace?: string }): Promise<TableEntry[]> {
  const o = { ...opts, workspace: resolve(opts.workspace ?? root) };
  const found = findClaims(root).map((f) => (f.kind === 'claim' ? { ...f, exps: claimExperiments(f.claim, o) } : f));
  const entries: TableEntry[] = [];
  for (const f of found) {
    entries.push(f.kind === 'pending' ? f : { kind: 'result', result: await runClaim(f.claim, o, f.exps) });
  }
  return entries;
}

export async function runClaim(claim: Claim, opts: ClaimRunOptions, exps = claimExperiments(claim, opts)): Promise<ClaimResult> {
  const runs: MeasuredRun[] = [];
  for (const exp of exps) runs.push(await measuredRun(claim, exp, opts));
  return { claim, runs, ...judge(claim, runs) };
}

/** Every run the claim needs, checked before any trains: each check must pick at least one run. */
export function claimExperiments(claim: Claim, opts: Pick<ClaimRunOptions, 'quick' | 'workspace'>): Experiment[] {
  const exps = claim.configs.flatMap((file) => (opts.quick ? quickExperiments(claim, file, opts.workspace) : loadExperiments(file, { workspace: opts.workspace })));
  // runsOf only reads exp and its config, so the experiments stand in for runs here.
  const standIns = exps.map((exp) => ({ exp }) as MeasuredRun);
  const problems: Diagnostic[] = [];
  claim.spec.checks.forEach((c, i) => {
    const experiment = c.experiment || claim.spec.experiments[0];
    for (const side of ['of', 'vs'] as const) {
      const filter = c[side];
      if (filter && runsOf(claim, experiment, filter, standIns).length === 0) {
        problems.push(claim.source.at(['checks', i, side], `no run of ${experiment} has ${Object.entries(filter).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(' and ')}`));
      }
    }
  });
  if (problems.length) throw new InputError(problems);
  return exps;
}

/** A config's runs with the claim's "quick" overrides applied (before its sweep, which still applies on top). */
function quickExperiments(claim: Claim, file: string, workspace: string): Experiment[] {
  const { source } = readConfig(file);
  const overrides = claim.spec.quick;
  const bad = Object.keys(overrides).filter((k) => !nodeAt(configSchema, k.split('.')));
  if (bad.length) throw new InputError(bad.map((k) => claim.source.at(['quick', k], `"${k}" is not a config field`, { atKey: true })));
  const raw = structuredClone(source.raw) as Record<string, unknown>;
  for (const [path, value] of Object.entries(overrides)) setPath(raw, path, value);
  const loaded = parseConfig(file, JSON.stringify(raw, null, 2));
  if (!loaded.config) {
    throw new InputError(loaded.diagnostics.map((d) => claim.source.at(['quick'], `applied to ${basename(file)}: ${d.path}: ${d.message}`)));
  }
  return expandSweep(loaded.source, loaded.config).map((run) => prepareExperiment(loaded.source, run, { workspace }));
}

function setPath(o: Record<string, unknown>, path: string, value: JsonValue): void {
  const parts = path.split('.');
  for (const p of parts.slice(0, -1)) {
    if (!isPlainObject(o[p])) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts[parts.length - 1]] = value;
}

async function measuredRun(claim: Claim, exp: Experiment, opts: ClaimRunOptions): Promise<MeasuredRun> {
  const run: Omit<MeasuredRun, 'runDir' | 'summary'> = { exp, steps: [], evals: [], gradFlow: [] };
  const config = basename(exp.configFile).replace(/\.seqlab\.json$/, '');
  const outDir = opts.out ? join(opts.out, claim.name, config, assignmentLabel(exp.assignment) || 'run') : undefined;
  opts.onRun?.(claim, exp);
  const r = await startRun(exp, {
    outDir,
    hooks: {
      onRecord(rec) {
        if (rec.kind === 'step') run.steps.push(rec);
        else if (rec.kind === 'eval') run.evals.push(rec);
        else if (rec.kind === 'gradflow') run.gradFlow.push(rec);
      },
    },
  });
  opts.onRun?.(claim, exp, r.summary);
  return { ...run, runDir: r.runDir, summary: r.summary };
}
