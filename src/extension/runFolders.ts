// Finding run folders (.seqlab/runs/<id>/, layout in src/runner/runDir.ts) for the tree. Read-only and tolerant: a run being written, or a folder that is not a run, must never break the tree.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunInfo } from '../runner/runDir';
import { lossInfoOf, readJson, readSummary } from '../runner/snapshot';
import type { RunEntry } from './treeModel';

/** Every run folder in `runsDir`: a sub-folder with a summary.json or a run.json. */
export function scanRuns(runsDir: string): RunEntry[] {
  let names: string[];
  try { names = readdirSync(runsDir); } catch { return []; }
  const out: RunEntry[] = [];
  for (const runId of names) {
    const dir = join(runsDir, runId);
    try { if (!statSync(dir).isDirectory()) continue; } catch { continue; }
    if (!existsSync(join(dir, 'summary.json')) && !existsSync(join(dir, 'run.json'))) continue;
    const info = readJson<Partial<RunInfo>>(join(dir, 'run.json'));
    out.push({ runId, dir, summary: readSummary(dir), configFile: typeof info?.configFile === 'string' ? info.configFile : null, lossInfo: lossInfoOf(info) });
  }
  return out;
}
