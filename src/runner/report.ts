// `seqlab report`: one self-contained offline page per run (or per comparison) that boots the same dashboard
// bundle as the VS Code panel, so the CLI and the editor show the same plots.
import { basename, dirname, join, relative, resolve } from 'node:path';
import { writeFileAtomic } from './files';
import { readDashboardAssets, renderReportHtml } from './reportHtml';
import { openRun } from './savedRun';
import { readSnapshot } from './snapshot';

/**
 * Writes the report of one run, or a comparison of several, to `file`. `packageRoot` holds dist/webview
 * (the built dashboard). Throws an InputError naming a folder that is not a run.
 */
export function writeReport(runDirs: string[], file: string, packageRoot: string): void {
  const runs = runDirs.map((d) => openRun(d));
  const snapshots = runs.map((r) => readSnapshot(basename(r.dir), r.dir));
  const title = runs.length === 1 ? `SeqLab report: ${runs[0].info.runId}` : `SeqLab comparison: ${runs.map((r) => r.info.runId).join(', ')}`;
  const out = resolve(file);
  const hrefs = new Map(runs.map((r) => [basename(r.dir), relative(dirname(out), join(r.dir, 'metrics.jsonl')).split('\\').join('/')]));
  writeFileAtomic(out, renderReportHtml(snapshots, { title, metricsHref: (id) => hrefs.get(id), ...readDashboardAssets(packageRoot) }));
}
