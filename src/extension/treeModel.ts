// The "Experiments" tree as plain data: config files, each with its runs (newest first), plus runs whose config is
// no longer in the workspace. The vscode TreeDataProvider only maps these nodes to TreeItems.
import type { LossInfo, RunStatus, RunSummary } from '../runner/events';
import { fmtDuration } from '../shared/format';
import { lossUnit } from '../shared/metrics';
import { newestFirst } from './runOrder';

export interface ConfigEntry {
  /** Absolute path of the *.seqlab.json. */
  file: string;
  /** The experiment name runs record in summary.json (the config's "name", or its file name). */
  name: string;
  /** Absolute path of the folder its runs go to. */
  runsDir: string;
}

export interface RunEntry {
  runId: string;
  /** Absolute path of the run folder. */
  dir: string;
  summary: RunSummary | null;
  /** The config file that started the run, when the run folder records it. */
  configFile: string | null;
  /** What its losses are measured in, when run.json says. */
  lossInfo: LossInfo | null;
}

export interface ExperimentNode {
  kind: 'experiment';
  /** Null for the group of runs without a config in the workspace. */
  config: ConfigEntry | null;
  label: string;
  runs: RunNode[];
}

export interface RunNode {
  kind: 'run';
  run: RunEntry;
  label: string;
  description: string;
  /** A codicon id for vscode.ThemeIcon. */
  icon: string;
  /** A theme color id for the icon, or null for the default color. */
  color: string | null;
  tooltip: string;
}

const ICONS: Record<RunStatus | 'unknown', { icon: string; color: string | null }> = {
  running: { icon: 'sync~spin', color: 'charts.blue' },
  completed: { icon: 'pass', color: 'testing.iconPassed' },
  stopped: { icon: 'debug-stop', color: 'charts.yellow' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
  unknown: { icon: 'question', color: null },
};

export function formatLoss(loss: number | null): string {
  if (loss === null || !Number.isFinite(loss)) return '';
  return Math.abs(loss) >= 1e-3 && Math.abs(loss) < 1e4 ? loss.toPrecision(4) : loss.toExponential(2);
}

const RUN_ID = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-(.*)$/;

/**
 * A short label for a run under its experiment: its local start time plus what distinguishes it (a sweep label),
 * from run ids made by the runner (UTC "20261122-023351-<name>[-<label>]"). Other ids are shown as they are.
 */
export function runLabel(runId: string, experimentName: string | null): string {
  const m = RUN_ID.exec(runId);
  if (!m) return runId;
  const [, y, mo, d, h, mi, se, rest] = m;
  const t = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +se));
  const pad = (n: number) => String(n).padStart(2, '0');
  const when = `${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
  const safeName = experimentName?.replace(/[^A-Za-z0-9=,._-]/g, '_');
  const extra = safeName && rest.startsWith(safeName) ? rest.slice(safeName.length).replace(/^-/, '') : rest;
  return extra ? `${when} ${extra}` : when;
}

export function runNode(run: RunEntry, experimentName: string | null = null): RunNode {
  const s = run.summary;
  const status = s?.status ?? 'unknown';
  const parts: string[] = [];
  if (s) {
    const loss = formatLoss(s.finalLoss);
    if (loss) parts.push(`loss ${loss}`);
    if (Number.isFinite(s.wallTimeSec)) parts.push(fmtDuration(s.wallTimeSec));
    if (s.status !== 'completed') parts.push(s.status);
  } else {
    parts.push('no summary');
  }
  const tooltip = s
    ? [`${s.name} · ${run.runId}`, `status: ${s.status}${s.reason ? ` (${s.reason})` : ''}`, `steps: ${s.steps}`,
      `backend: ${s.backend}`, `started: ${s.startedAt}`, ...(run.lossInfo ? [`loss in ${lossUnit(run.lossInfo)}`] : [])].join('\n')
    : `${run.runId}: summary.json is missing or unreadable`;
  return { kind: 'run', run, label: runLabel(run.runId, experimentName), description: parts.join(' · '), ...ICONS[status], tooltip };
}

/** Which config a run belongs to: the recorded config file if any, else the config with its name and runs folder. */
function ownerOf(run: RunEntry, configs: readonly ConfigEntry[]): ConfigEntry | null {
  if (run.configFile) {
    const byFile = configs.find((c) => c.file === run.configFile);
    if (byFile) return byFile;
  }
  const runsDir = parentDir(run.dir);
  return configs.find((c) => c.runsDir === runsDir && c.name === run.summary?.name) ?? null;
}

function parentDir(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i > 0 ? p.slice(0, i) : p;
}

export function buildTree(configs: readonly ConfigEntry[], runs: readonly RunEntry[]): ExperimentNode[] {
  const byConfig = new Map<ConfigEntry | null, RunEntry[]>();
  for (const run of runs) {
    const owner = ownerOf(run, configs);
    const list = byConfig.get(owner) ?? [];
    list.push(run);
    byConfig.set(owner, list);
  }
  const sorted = [...configs].sort((a, b) => a.name.localeCompare(b.name) || a.file.localeCompare(b.file));
  const nodes: ExperimentNode[] = sorted.map((config) => ({
    kind: 'experiment', config, label: config.name,
    runs: (byConfig.get(config) ?? []).sort(newestFirst).map((r) => runNode(r, config.name)),
  }));
  const orphans = byConfig.get(null);
  if (orphans?.length) nodes.push({ kind: 'experiment', config: null, label: 'Other runs', runs: orphans.sort(newestFirst).map((r) => runNode(r, r.summary?.name ?? null)) });
  return nodes;
}

/** The runs of one config, newest first (for "Open last run" and "Compare"). */
export function runsOf(config: ConfigEntry, configs: readonly ConfigEntry[], runs: readonly RunEntry[]): RunEntry[] {
  return runs.filter((r) => ownerOf(r, configs) === config).sort(newestFirst);
}
