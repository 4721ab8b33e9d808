// Rebuilding the experiment of an existing run folder (to resume it, or to predict and sample with it) from what the
// folder stores, placed where the config and the folder actually are. Nothing in run.json or config.json chooses which
// folder data is read from: the workspace is --workspace, or the folder of the config given on the command line, or
// that of the config found above the run's runs folder or next to the run folder; data paths stay confined to it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { expandSweep, parseStoredConfig, type ConfigSource, type SweepRun } from './config/load';
import type { Config } from './config/schema';
import { changedData, fingerprintData } from './dataFingerprint';
import { PathError } from './data/workspace';
import { fileDiagnostic, InputError } from './diagnostics';
import { prepareExperiment, readConfig, type Experiment } from './experiment';
import type { RunInfo } from './runDir';

export interface ReopenOptions {
  /** The config the run was started from, as the user gives it (`seqlab run CONFIG --resume DIR`); it must match. */
  configFile?: string;
  workspace?: string;
  /** Go on with a data file that changed since the run started, with a warning. */
  allowChangedData?: boolean;
  /** What to tell the user to do about changed data. */
  changedDataHint: string;
  /** What to tell the user to do when the config cannot be found. */
  missingConfigHint: string;
  warn(message: string): void;
}

/** The text of a run folder's file, or an InputError naming it. */
function readRunText(dir: string, name: string): string {
  const file = join(dir, name);
  if (!existsSync(file)) throw new InputError([fileDiagnostic(file, `missing: ${dir} is not a run folder (or the run was killed before it began)`)]);
  return readFileSync(file, 'utf8');
}

/** A run folder's JSON file, or an InputError naming it. */
export function readRunFile<T>(dir: string, name: string): T {
  const text = readRunText(dir, name);
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new InputError([fileDiagnostic(join(dir, name), `not readable as JSON: ${(e as Error).message}`)]);
  }
}

export function reopenRun(dir: string, opts: ReopenOptions): { exp: Experiment; info: RunInfo } {
  const info = readRunFile<RunInfo>(dir, 'run.json');
  const storedText = readRunText(dir, 'config.json');
  const name = basename(String(info.configFile));
  const stored = parsed(parseStoredConfig(join(dirname(dir), name), storedText));
  let source: ConfigSource;
  let run: SweepRun;
  if (opts.configFile) {
    ({ source, run } = matchingRun(resolve(opts.configFile), stored, dir, name));
  } else {
    const configDir = configFolder(dir, stored, name, opts.missingConfigHint);
    source = parsed(parseStoredConfig(join(configDir, name), storedText)).source;
    run = { config: stored.config, assignment: info.assignment };
  }
  const workspace = resolve(opts.workspace ?? dirname(source.file));
  checkData(info, run.config, dirname(source.file), workspace, opts);
  return { exp: prepareExperiment(source, run, { workspace }), info };
}

function parsed(loaded: ReturnType<typeof parseStoredConfig>): { source: ConfigSource; config: Config } {
  if (!loaded.config) throw new InputError(loaded.diagnostics);
  return { source: loaded.source, config: loaded.config };
}

/**
 * The folder of the config a run was started from: the one its runs folder (output.runsDir) is in, or the run folder's
 * parent (runs made with --out), where a `name` config file exists. A run of generated data reads no file, so its
 * config may be gone; one with a data file needs it found, or given.
 */
function configFolder(dir: string, stored: { config: Config }, name: string, hint: string): string {
  const runsDir = normalize(stored.config.output.runsDir);
  const parts = runsDir.split(sep).filter((p) => p && p !== '.');
  const candidates: string[] = [];
  if (!isAbsolute(runsDir) && !parts.includes('..')) {
    const above = resolve(dirname(dir), ...parts.map(() => '..'));
    if (resolve(above, runsDir) === dirname(dir)) candidates.push(above);
  }
  candidates.push(dirname(dir));
  const found = candidates.find((d) => /\.seqlab\.json$/i.test(name) && isFile(join(d, name)));
  if (found) return found;
  if (!('path' in stored.config.data)) return dirname(dir);
  const why = /\.seqlab\.json$/i.test(name) ? '' : ' (only a *.seqlab.json is looked for)';
  throw new InputError([fileDiagnostic(dir, `cannot find ${name}, the config this run was started from, above its runs folder or next to the run folder${why}: its data file is found from there; ${hint}`)]);
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The combination of the user's config that the run was started with; refused, naming a difference, when none is. */
function matchingRun(configFile: string, stored: { config: Config }, dir: string, name: string): { source: ConfigSource; run: SweepRun } {
  const { source, config } = readConfig(configFile);
  const runs = expandSweep(source, config);
  const same = runs.find((r) => firstDifference(comparable(r.config), comparable(stored.config), []) === null);
  if (same) return { source, run: { config: stored.config, assignment: same.assignment } };
  const diff = firstDifference(comparable(runs[0].config), comparable(stored.config), [])!;
  const shown = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v));
  throw new InputError([source.at(diff.path, `the run folder ${dir} was not started from this config (its run.json names ${name}): `
    + `${diff.path.join('.')} is ${shown(diff.a)} here but ${shown(diff.b)} in the run. Resume it with its own config, or start a new run`)]);
}

/** A config without what does not change a run: its name, description and sweep (already applied). */
const comparable = (c: Config): unknown => ({ ...c, name: '', description: '', sweep: {} });

function firstDifference(a: unknown, b: unknown, path: string[]): { path: string[]; a: unknown; b: unknown } | null {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], [...path, k]);
      if (d) return d;
    }
    return null;
  }
  return Object.is(a, b) ? null : { path, a, b };
}

/** Refuses (or, when allowed, warns about) a data file whose content is not what the run started with. */
function checkData(info: RunInfo, config: Config, configDir: string, workspace: string, opts: ReopenOptions): void {
  if (!info.dataFiles) return; // a run of an older version: nothing to compare with
  let now;
  try {
    now = fingerprintData(config, configDir, workspace);
  } catch (e) {
    if (e instanceof PathError) return; // prepareExperiment reports it at the config's data.path
    throw e;
  }
  const changed = changedData(info.dataFiles, now, (p) => resolve(configDir, p), opts.changedDataHint);
  if (changed.length && !opts.allowChangedData) throw new InputError(changed);
  for (const d of changed) opts.warn(`${d.file}: ${d.message}`);
}
