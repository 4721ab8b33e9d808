// Reading a *.seqlab.json: JSON with comments → validated Config with defaults, with every problem ranged.
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { basename } from 'node:path';
import { diagnosticAt, fileDiagnostic, InputError, LineMap, type Diagnostic } from '../diagnostics';
import { MAX_JSON_DEPTH, tooDeepAt } from '../jsonDepth';
import { childKeys, isPlainObject, nodeAt, suggest, validate, type AnyNode, type Issue, type JsonValue } from './dsl';
import { configSchema, MAX_SWEEP_RUNS, type Config } from './schema';

/** A parsed config file, kept so later (semantic) checks can range their errors too. */
export class ConfigSource {
  readonly map: LineMap;
  constructor(readonly file: string, readonly text: string, readonly tree: Node | undefined, readonly raw: unknown) {
    this.map = new LineMap(text);
  }

  /** A diagnostic on the value at `path`, or on the nearest enclosing value that exists in the file. */
  at(path: (string | number)[], message: string, opts: { atKey?: boolean; severity?: 'error' | 'warning' } = {}): Diagnostic {
    const shown = formatPath(path);
    if (!this.tree) return diagnosticAt(this.file, this.map, 0, 0, shown, message, opts.severity);
    for (let n = path.length; n >= 0; n--) {
      const node = findNodeAtLocation(this.tree, path.slice(0, n));
      if (!node) continue;
      // Underline the key for unknown keys, and for a missing key the key of the object that lacks it.
      const prop = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
      const target = (opts.atKey || n < path.length || node.type === 'object') && prop ? prop : node;
      return diagnosticAt(this.file, this.map, target.offset, target.length, shown, message, opts.severity);
    }
    return diagnosticAt(this.file, this.map, 0, 1, shown, message, opts.severity);
  }
}

function formatPath(path: (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || '(root)';
}

export interface LoadedConfig {
  source: ConfigSource;
  /** Null when the file has errors. */
  config: Config | null;
  diagnostics: Diagnostic[];
}

/** "adding.seqlab.json" → "adding". */
export function defaultName(file: string): string {
  return basename(file).replace(/\.seqlab\.json$/i, '').replace(/\.jsonc?$/i, '');
}

export function parseConfig(file: string, text: string): LoadedConfig {
  const deep = tooDeepAt(text);
  if (deep >= 0) {
    const source = new ConfigSource(file, text, undefined, undefined);
    return { source, config: null, diagnostics: [diagnosticAt(file, source.map, deep, 1, '', `the JSON nests deeper than ${MAX_JSON_DEPTH} levels here; a config needs a few`)] };
  }
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const raw: unknown = tree ? nodeValue(tree) : undefined;
  const source = new ConfigSource(file, text, tree, raw);
  const diagnostics: Diagnostic[] = errors.map((e) =>
    diagnosticAt(file, source.map, e.offset, e.length, '', `JSON syntax error: ${printParseErrorCode(e.error)}`));
  if (diagnostics.length || raw === undefined) {
    if (!diagnostics.length) diagnostics.push(diagnosticAt(file, source.map, 0, 0, '', 'the file is empty; expected a JSON object'));
    return { source, config: null, diagnostics };
  }
  const issues: Issue[] = [];
  const config = validate(configSchema, raw, [], issues) as Config;
  diagnostics.push(...issues.map((i) => source.at(i.path, i.message, { atKey: i.atKey, severity: i.severity })));
  if (config && !config.name) config.name = defaultName(file);
  const baseValid = !diagnostics.some((d) => d.severity === 'error');
  diagnostics.push(...checkSweep(source, baseValid));
  return { source, config: diagnostics.some((d) => d.severity === 'error') ? null : config, diagnostics };
}

/** Values a run folder's config.json may hold from before a rename, and what they are called now. */
const STORED_RENAMES: { path: string[]; renamed: Record<string, string> }[] = [
  { path: ['model', 'variant'], renamed: { pytorch: 'resetAfter', seed: 'resetBefore' } },
];

/**
 * parseConfig for the resolved config a run folder stores (config.json): SeqLab wrote it, so a value an older version
 * wrote under a since-renamed name is read under its new name, and an option it did not have yet keeps its behavior,
 * instead of failing the resume or the prediction.
 */
export function parseStoredConfig(file: string, text: string): LoadedConfig {
  let raw: Record<string, unknown>;
  try {
    if (tooDeepAt(text) >= 0) throw new Error(`it nests deeper than ${MAX_JSON_DEPTH} levels`);
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new InputError([fileDiagnostic(file, `the run's stored config.json is not readable: ${(e as Error).message}`)]);
  }
  for (const { path, renamed } of STORED_RENAMES) {
    const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), raw);
    const key = path[path.length - 1];
    if (parent && typeof parent === 'object') {
      const value = (parent as Record<string, unknown>)[key];
      if (typeof value === 'string' && Object.hasOwn(renamed, value)) (parent as Record<string, unknown>)[key] = renamed[value];
    }
  }
  keepOlderDefaults(raw);
  return parseConfig(file, JSON.stringify(raw, null, 2));
}

/**
 * A resolved config written before an option existed holds no value for it; the run was made with the behavior from
 * before the option, which is not always its default now: JSONL runs kept every token (data.minFreq 1).
 */
function keepOlderDefaults(raw: Record<string, unknown>): void {
  const data = raw.data;
  if (isPlainObject(data) && data.source === 'jsonl' && !Object.hasOwn(data, 'minFreq')) data.minFreq = 1;
}

/** jsonc-parser's getNodeValue, but keeping object key order and without prototype surprises. */
export function nodeValue(n: Node): unknown {
  switch (n.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const p of n.children ?? []) {
        const [k, v] = p.children ?? [];
        if (k && v) out[String(k.value)] = nodeValue(v);
      }
      return out;
    }
    case 'array': return (n.children ?? []).map(nodeValue);
    default: return n.value;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Sweeps

export interface SweepRun {
  config: Config;
  /** The swept values this run took, by dotted path; {} for a config without a sweep. */
  assignment: Record<string, JsonValue>;
}

function checkSweep(source: ConfigSource, baseValid: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  const sweep = isPlainObject(source.raw) && isPlainObject(source.raw.sweep) ? source.raw.sweep : {};
  const sizes = Object.values(sweep).map((v) => (Array.isArray(v) ? v.length : 1));
  const runs = sizes.reduce((a, b) => a * b, 1);
  if (runs > MAX_SWEEP_RUNS) {
    return [source.at(['sweep'], `the sweep expands to ${runs.toLocaleString('en-US')} runs (${sizes.join(' × ')}); at most ${MAX_SWEEP_RUNS} are allowed`, { atKey: true })];
  }
  for (const [key, values] of Object.entries(sweep)) {
    const parts = key.split('.');
    if (parts[0] === 'sweep' || parts[0] === 'output') {
      out.push(source.at(['sweep', key], `"${parts[0]}" cannot be swept`, { atKey: true }));
      continue;
    }
    const node = nodeAt(configSchema, parts);
    if (!node) {
      let i = 0;
      while (i < parts.length && nodeAt(configSchema, parts.slice(0, i + 1))) i++;
      const parent = nodeAt(configSchema, parts.slice(0, i));
      const hint = parent ? suggest(parts[i], childKeys(parent)) : null;
      const fix = hint ? `; did you mean "${[...parts.slice(0, i), hint].join('.')}"?` : '';
      out.push(source.at(['sweep', key], `"${key}" is not a config field${fix}`, { atKey: true }));
      continue;
    }
    if (!Array.isArray(values)) continue; // the schema check already reported it
    values.forEach((v, i) => {
      const issues: Issue[] = [];
      validate(node, v, ['sweep', key, i], issues);
      out.push(...issues.map((iss) => source.at(['sweep', key, i], `${key}: ${iss.message}`)));
    });
  }
  if (baseValid && out.length === 0 && Object.keys(sweep).length > 0) {
    // Every combination must itself be a valid config (e.g. sweeping optimizer.type changes which keys are allowed).
    for (const run of combinations(sweep)) {
      const issues: Issue[] = [];
      validate(configSchema, applyAssignment(source.raw, run), [], issues);
      const label = Object.entries(run).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ');
      for (const iss of issues) {
        out.push(source.at(['sweep', Object.keys(run)[0]], `with ${label}: ${formatPath(iss.path)}: ${iss.message}`, { atKey: true }));
      }
      if (issues.length) break;
    }
  }
  return out;
}

function combinations(sweep: Record<string, unknown>): Record<string, JsonValue>[] {
  let out: Record<string, JsonValue>[] = [{}];
  for (const [key, values] of Object.entries(sweep)) {
    if (!Array.isArray(values)) continue;
    out = out.flatMap((a) => (values as JsonValue[]).map((v) => ({ ...a, [key]: v })));
  }
  return out;
}

function applyAssignment(raw: unknown, assignment: Record<string, JsonValue>): unknown {
  const copy = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
  delete copy.sweep;
  for (const [key, value] of Object.entries(assignment)) {
    const parts = key.split('.');
    let o = copy;
    parts.slice(0, -1).forEach((p, i) => {
      if (!isPlainObject(o[p])) o[p] = emptyValue(nodeAt(configSchema, parts.slice(0, i + 1)));
      o = o[p] as Record<string, unknown>;
    });
    o[parts[parts.length - 1]] = value;
  }
  return copy;
}

/**
 * What a field left out of the file starts as when a sweep sets something inside it: an empty object, whose other
 * fields validation then fills with defaults; for a union (the optimizer, a schedule) its default kind, so that
 * sweeping "train.optimizer.lr" works without writing the optimizer out.
 */
function emptyValue(node: AnyNode | null): Record<string, unknown> {
  while (node?.spec.kind === 'nullable') node = node.spec.inner;
  if (node?.spec.kind !== 'tagged' || !isPlainObject(node.default)) return {};
  const tag = node.spec.tag;
  return { [tag]: node.default[tag] };
}

/** One config per sweep combination (just the config itself when there is no sweep). Call on a valid config. */
export function expandSweep(source: ConfigSource, config: Config): SweepRun[] {
  const sweep = config.sweep;
  if (Object.keys(sweep).length === 0) return [{ config, assignment: {} }];
  return combinations(sweep).map((assignment) => {
    const issues: Issue[] = [];
    const c = validate(configSchema, applyAssignment(source.raw, assignment), [], issues) as Config;
    if (issues.length) throw new Error(`sweep combination is invalid: ${issues[0].message}`);
    c.name = config.name;
    return { config: c, assignment };
  });
}

/** "cell=gru,hiddenSize=64": a readable, file-name-safe label of a sweep assignment. */
export function assignmentLabel(assignment: Record<string, JsonValue>): string {
  return Object.entries(assignment)
    .map(([k, v]) => `${k.split('.').pop()}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(',')
    .replace(/[^A-Za-z0-9=,._-]/g, '_');
}
