// The token vocabulary of JSONL data. Words rarer than data.minFreq are read as <unk>, so the model learns what an
// unfamiliar word means from the rare ones, and predict can read words it has never seen.

export const UNK = '<unk>';

export interface Vocabulary {
  /** <unk> first when there is one, then the kept tokens in sorted order. */
  tokens: string[];
  /** How many distinct tokens were rarer than minFreq (read as <unk>). */
  rare: number;
}

/** Tokens seen at least `minFreq` times; <unk> stands for the rest (and for a literal "<unk>" in the data). */
export function tokenVocabulary(lists: string[][], minFreq: number): Vocabulary {
  const counts = new Map<string, number>();
  for (const l of lists) for (const t of l) counts.set(t, (counts.get(t) ?? 0) + 1);
  return vocabularyOfCounts(counts, minFreq);
}

/** tokenVocabulary from each distinct token's count (a loader that counts as it reads). */
export function vocabularyOfCounts(counts: ReadonlyMap<string, number>, minFreq: number): Vocabulary {
  const kept = [...counts].filter(([t, n]) => t !== UNK && n >= minFreq).map(([t]) => t).sort();
  const rare = [...counts].filter(([t, n]) => t !== UNK && n < minFreq).length;
  return { tokens: rare > 0 || counts.has(UNK) ? [UNK, ...kept] : kept, rare };
}

/** A token's id: its own, or <unk>'s for one the vocabulary does not keep; undefined when there is no <unk>. */
export function tokenId(index: ReadonlyMap<string, number>, token: string): number | undefined {
  return index.get(token) ?? index.get(UNK);
}
