// Judging a claim: each check's runs picked by their config values, measured, aggregated (median over seeds),
// compared with the runs it is checked against, and held to its thresholds.
import { basename } from 'node:path';
import type { JsonValue } from '../config/dsl';
import type { Check, Claim } from './claimFile';
import { MEASURES, median, type MeasuredRun } from './measures';

export interface CheckOutcome {
  check: Check;
  /** The config file (base name) its runs come from. */
  experiment: string;
  value: number;
  /** null: no threshold, only reported. */
  holds: boolean | null;
}

export interface ClaimVerdict {
  outcomes: CheckOutcome[];
  holds: boolean;
}

export function judge(claim: Claim, runs: MeasuredRun[]): ClaimVerdict {
  const outcomes = claim.spec.checks.map((check) => outcome(claim, check, runs));
  return { outcomes, holds: outcomes.every((o) => o.holds !== false) };
}

function outcome(claim: Claim, check: Check, runs: MeasuredRun[]): CheckOutcome {
  const experiment = check.experiment || claim.spec.experiments[0];
  const measure = MEASURES[check.measure];
  const of = (filter: Record<string, JsonValue>) => median(runsOf(claim, experiment, filter, runs).map((r) => measure.of(r, check)));
  const a = of(check.of);
  const value = check.vs === null ? a : check.compare === 'ratio' ? a / of(check.vs) : a - of(check.vs);
  const bounded = check.below !== null || check.above !== null;
  // NaN (a failed run, a missing record) compares false, so it never holds.
  const holds = (check.below === null || value < check.below) && (check.above === null || value > check.above);
  return { check, experiment, value, holds: bounded ? holds : null };
}

/** The runs of one of the claim's configs whose resolved config has every value of the filter. */
export function runsOf(claim: Claim, experiment: string, filter: Record<string, JsonValue>, runs: MeasuredRun[]): MeasuredRun[] {
  const file = claim.configs[claim.spec.experiments.indexOf(experiment)];
  return runs.filter((r) => r.exp.configFile === file && Object.entries(filter).every(([path, v]) => sameJson(valueAt(r.exp.config, path), v)));
}

export function valueAt(config: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), config);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** "cell=rnn" for a filter (the last part of each path, as run labels show sweeps); "" for every run. */
function filterLabel(filter: Record<string, JsonValue>): string {
  return Object.entries(filter).map(([k, v]) => `${k.split('.').pop()}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(',');
}

/** The experiment column of a check: config, and the runs compared. */
export function experimentLabel(o: CheckOutcome): string {
  const runs = filterLabel(o.check.of) || 'all runs';
  const vs = o.check.vs === null ? '' : ` vs ${filterLabel(o.check.vs) || 'all runs'}`;
  return `${basename(o.experiment).replace(/\.seqlab\.json$/, '')} ${runs}${vs}`;
}
