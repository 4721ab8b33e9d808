// What differs between runs being compared, so the legend can say "model.cell: rnn / gru / lstm"
// instead of showing opaque run ids.

/** Flattens nested objects to dotted paths; arrays and scalars are leaves (compared by their JSON). */
function flattenConfig(config: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (config !== null && typeof config === 'object' && !Array.isArray(config)) {
    for (const [k, v] of Object.entries(config as Record<string, unknown>)) flattenConfig(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix !== '') {
    out.set(prefix, typeof config === 'string' ? config : JSON.stringify(config) ?? 'undefined');
  }
  return out;
}

export interface ConfigDifference {
  path: string;
  /** One value per run, in run order; "—" where a run lacks the field. */
  values: string[];
}

// Fields that differ between any two runs without describing the experiment.
const ignored = new Set(['name', 'description', 'output.runsDir', 'sweep']);

export function configDifferences(configs: readonly unknown[]): ConfigDifference[] {
  const flat = configs.map((c) => flattenConfig(c));
  const paths = new Set(flat.flatMap((m) => [...m.keys()]));
  const out: ConfigDifference[] = [];
  for (const path of [...paths].sort()) {
    if (ignored.has(path) || [...ignored].some((p) => path.startsWith(`${p}.`))) continue;
    const values = flat.map((m) => m.get(path) ?? '—');
    if (new Set(values).size > 1) out.push({ path, values });
  }
  return out;
}

/** "model.cell: rnn / gru / lstm" for each differing field. */
export function describeDifferences(diffs: readonly ConfigDifference[]): string[] {
  return diffs.map((d) => `${d.path}: ${d.values.join(' / ')}`);
}

/** A short label for run i: its values of the differing fields ("cell=gru, hiddenSize=64"), or its fallback name. */
export function runLabel(diffs: readonly ConfigDifference[], i: number, fallback: string): string {
  if (diffs.length === 0) return fallback;
  const shown = diffs.slice(0, 3).map((d) => `${d.path.split('.').pop()}=${d.values[i]}`);
  return diffs.length > 3 ? `${shown.join(', ')}, …` : shown.join(', ');
}
