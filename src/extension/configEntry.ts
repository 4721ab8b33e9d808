// What the tree needs to know about a config file: its experiment name and where its runs go.
import { dirname, resolve } from 'node:path';
import { defaultName, parseConfig } from '../runner/config/load';
import type { ConfigEntry } from './treeModel';

export const DEFAULT_RUNS_DIR = '.seqlab/runs';

/** Name and runs folder of a config text. A config with errors still gets its file name and the default folder. */
export function configEntry(file: string, text: string): ConfigEntry {
  const { config, source } = parseConfig(file, text);
  const raw = source.raw as { name?: unknown; output?: { runsDir?: unknown } } | undefined;
  const name = config?.name || (typeof raw?.name === 'string' && raw.name) || defaultName(file);
  const runsDir = config?.output.runsDir ?? (typeof raw?.output?.runsDir === 'string' ? raw.output.runsDir : DEFAULT_RUNS_DIR);
  return { file, name, runsDir: resolve(dirname(file), runsDir) };
}
