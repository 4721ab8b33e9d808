// What each number a run records means and in which unit, in one table, so the CLI (runs, progress, evaluate) and the
// webview say the same. A unit can depend on the run: a CSV run's losses are in normalized units (z-scores of the
// target columns, by the training part's mean and standard deviation), other regression losses in the data's units.

/** What decides a metric's meaning: the data source (config data.source), the loss used, and CSV normalization. */
export interface MetricContext {
  source: string;
  loss: 'mse' | 'cross_entropy' | 'bce';
  /** Targets are z-scored (CSV series): losses and rmse are in standard deviations, not the data's units. */
  normalized: boolean;
}

export interface MetricInfo {
  meaning: string;
  unit: string;
}

const NORMALIZED = 'normalized units (target columns z-scored with the training rows\' mean and std)';

/** The unit of a run's loss and valLoss. */
export function lossUnit(c: Pick<MetricContext, 'loss' | 'normalized'>): string {
  if (c.loss === 'mse') return c.normalized ? `squared ${NORMALIZED}` : 'squared units of the targets';
  return c.loss === 'cross_entropy' ? 'nats per prediction (lower is better)' : 'nats per output (binary cross-entropy)';
}

/** The forecast a baselineMse scores, by data source. */
function baselineMseMeaning(source: string): string {
  if (source === 'adding') return 'MSE of always predicting 1 (the expected sum): a model must beat it to have learned anything';
  return 'MSE of repeating the last value (persistence forecast): a forecaster must beat it to be useful';
}

const TABLE: Record<string, (c: MetricContext) => MetricInfo> = {
  loss: (c) => ({ meaning: `training loss (${c.loss}) on the step's batch`, unit: lossUnit(c) }),
  valLoss: (c) => ({ meaning: `loss (${c.loss}) over the validation data`, unit: lossUnit(c) }),
  rmse: (c) => ({ meaning: 'root of the validation MSE', unit: c.normalized ? NORMALIZED : 'units of the targets' }),
  rmseOriginal: () => ({ meaning: 'root mean squared forecast error over the validation windows', unit: 'the target columns\' own units' }),
  maeOriginal: () => ({ meaning: 'mean absolute forecast error over the validation windows', unit: 'the target columns\' own units' }),
  baselineMse: (c) => ({ meaning: baselineMseMeaning(c.source), unit: c.normalized ? `squared ${NORMALIZED}` : 'squared units of the targets' }),
  accuracy: () => ({ meaning: 'share of validation predictions (every step, for per-step labels) that are the right class', unit: 'fraction 0–1' }),
  majorityAccuracy: () => ({ meaning: 'accuracy of always predicting the most common validation class', unit: 'fraction 0–1' }),
  baselineAccuracy: () => ({ meaning: 'accuracy of guessing', unit: 'fraction 0–1' }),
  perplexity: () => ({ meaning: 'exp(valLoss): how many characters the model is choosing between on average', unit: 'characters (1: certain)' }),
  baselineCrossEntropy: (c) => ({
    meaning: c.source === 'text' ? 'cross-entropy of knowing only character frequencies' : 'cross-entropy of a model without memory (blanks right, symbols guessed)',
    unit: 'nats per prediction',
  }),
  exactMatch: () => ({ meaning: 'share of validation outputs identical to the reference', unit: 'fraction 0–1' }),
  tokenAccuracy: () => ({ meaning: 'share of reference tokens the output has at the same position', unit: 'fraction 0–1' }),
  bleu: () => ({ meaning: 'corpus BLEU of the decoded validation outputs against the references', unit: '0–100' }),
};

/** A metric's meaning and unit in this run; null for a name the table does not know. */
export function metricInfo(name: string, c: MetricContext): MetricInfo | null {
  return Object.hasOwn(TABLE, name) ? TABLE[name](c) : null;
}

/** "name: meaning, in unit", for a legend line. */
export function metricLegend(name: string, c: MetricContext): string {
  const info = metricInfo(name, c);
  return info ? `${name}: ${info.meaning}; ${info.unit}` : `${name}: (no description)`;
}
