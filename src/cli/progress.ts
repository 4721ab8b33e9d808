// The progress `seqlab run` shows on stderr while training.
import { relative } from 'node:path';
import type { RunRecord } from '../runner/events';
import type { RunHooks } from '../runner/run';
import { fmtDuration } from '../shared/format';
import { metricLegend, type MetricContext } from '../shared/metrics';

/** Progress: a redrawn bar on a terminal, plain lines otherwise (about every 10% and at every eval). */
export function progressHooks(): {
  hooks: RunHooks; stop: () => void; requested: () => boolean; setLabel: (l: string) => void;
  /** What the next run's metrics mean, for the legend under its first evaluation. */
  setMetricContext: (c: MetricContext) => void;
} {
  const tty = Boolean(process.stderr.isTTY);
  let label = '';
  let total = 0;
  let start = 0;
  let lastLine = 0;
  let stopRequested = false;
  let context: MetricContext | null = null;
  let explained = false;
  const hooks: RunHooks = {
    onStart: (s) => {
      total = s.totalSteps;
      start = s.startStep;
      process.stderr.write(`${label}run ${s.runId} (${s.backend}) → ${relative(process.cwd(), s.dir) || '.'}\n`);
    },
    onLog: (level, msg) => { if (tty) process.stderr.write('\r\x1b[K'); process.stderr.write(`${level}: ${msg}\n`); },
    onRecord: (r: RunRecord) => {
      if (r.kind === 'eval') {
        if (tty) process.stderr.write('\r\x1b[K');
        const m = Object.entries(r.metrics).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', ');
        process.stderr.write(`step ${r.step}: valLoss ${r.valLoss.toPrecision(4)}${m ? `, ${m}` : ''}\n`);
        // The first evaluation says once what each of its numbers means and in which unit.
        if (context && !explained) process.stderr.write(['valLoss', ...Object.keys(r.metrics)].map((k) => `  ${metricLegend(k, context!)}\n`).join(''));
        explained = true;
      }
      if (r.kind !== 'step') return;
      const eta = r.stepsPerSec > 0 ? (total - r.step) / r.stepsPerSec : NaN;
      const text = `step ${r.step}/${total} loss ${r.loss.toPrecision(4)} ${r.stepsPerSec.toFixed(1)} steps/s ETA ${fmtDuration(eta)}`;
      if (tty) {
        const width = 24;
        const done = Math.round((width * r.step) / Math.max(1, total));
        process.stderr.write(`\r\x1b[K[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${text}`);
      } else if (r.step === start + 1 || r.step === total || r.step - lastLine >= Math.max(1, Math.floor(total / 10))) {
        lastLine = r.step;
        process.stderr.write(text + '\n');
      }
    },
    onSummary: (s) => {
      if (s.status === 'running') return;
      if (tty) process.stderr.write('\r\x1b[K');
      const loss = s.finalLoss === null ? '' : ` loss ${s.finalLoss.toPrecision(4)}`;
      const val = s.finalValLoss === null ? '' : ` valLoss ${s.finalValLoss.toPrecision(4)}`;
      process.stderr.write(`${s.status}${s.reason ? `: ${s.reason}` : ''} after ${s.steps} steps${loss}${val} in ${fmtDuration(s.wallTimeSec)}\n`);
    },
    shouldStop: () => stopRequested,
  };
  // A sweep's runs share their metrics' meanings: explained again only when they change.
  const setMetricContext = (c: MetricContext) => {
    if (JSON.stringify(c) !== JSON.stringify(context)) explained = false;
    context = c;
  };
  return { hooks, stop: () => { stopRequested = true; }, requested: () => stopRequested, setLabel: (l) => { label = l; }, setMetricContext };
}
