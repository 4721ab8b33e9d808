// The line `validate` and `run` print about a CSV series: which columns the model reads and predicts, so a column
// picked (or skipped) by default is seen before any training.
import type { Dataset } from '../runner/data/types';

export function dataSummary(ds: Dataset): string | null {
  const s = ds.series;
  if (!s) return null;
  const time = s.time ? `; time column ${s.time.column}${s.time.kind === 'date' ? ' (dates)' : ''}, not an input` : '; no time column';
  return `columns: inputs ${s.inputNormalization.columns.join(', ')}; targets ${s.targetColumns.join(', ')}${time}`;
}
