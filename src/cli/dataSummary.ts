// The line `validate` and `run` print about the data: for a CSV series which columns the model reads and predicts,
// for token data its vocabulary, so what was picked (or left out) by default is seen before any training.
import type { Dataset } from '../runner/data/types';

export function dataSummary(ds: Dataset): string | null {
  const s = ds.series;
  if (s) {
    const t = s.time;
    const time = t ? `; time column ${t.column}${t.kind === 'date' ? ' (dates)' : ''}${s.inputNormalization.columns.includes(t.column) ? '' : ', not an input'}` : '; no time column';
    return `columns: inputs ${s.inputNormalization.columns.join(', ')}; targets ${s.targetColumns.join(', ')}${time}`;
  }
  if (ds.rareTokens) return `vocabulary: ${ds.input.kind === 'tokens' ? ds.input.vocab.length : 0} tokens; ${ds.rareTokens} words rarer than data.minFreq are read as <unk>`;
  return null;
}
