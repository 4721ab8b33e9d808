// What a metric's meaning depends on (src/shared/metrics.ts), read from an experiment or from a run folder.
import type { Config } from '../runner/config/schema';
import type { Experiment } from '../runner/experiment';
import type { SavedRun } from '../runner/savedRun';
import type { MetricContext } from '../shared/metrics';

export function experimentMetricContext(exp: Experiment): MetricContext {
  return { source: exp.config.data.source, loss: exp.train.loss, normalized: exp.dataset.series !== undefined };
}

export function runMetricContext(run: SavedRun): MetricContext {
  return { source: (run.config as Config).data?.source ?? '?', loss: run.info.train.loss, normalized: run.info.normalization !== null };
}
