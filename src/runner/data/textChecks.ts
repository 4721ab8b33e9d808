// Checks on character text that reads as UTF-8 but is unlikely to be text a character model should learn.
import { fileDiagnostic, type Diagnostic } from '../diagnostics';

/** More distinct characters than this is implausible for a text (a book in English uses about 100, in Chinese a few thousand). */
export const MAX_PLAUSIBLE_VOCAB = 500;

/**
 * A warning when the character vocabulary is implausibly large: over MAX_PLAUSIBLE_VOCAB distinct characters, or over
 * 100 with fewer than 10 occurrences of a character on average (too few to learn each one).
 */
export function vocabularyWarnings(file: string, distinct: number, length: number): Diagnostic[] {
  if (distinct <= MAX_PLAUSIBLE_VOCAB && !(distinct > 100 && distinct * 10 > length)) return [];
  const why = distinct > MAX_PLAUSIBLE_VOCAB ? `more than ${MAX_PLAUSIBLE_VOCAB}` : `about ${Math.round(length / distinct)} occurrences of each on average`;
  return [{
    ...fileDiagnostic(file, `the text has ${distinct} distinct characters among its ${length} (${why}): the model gets ${distinct} output classes. ` +
      'Is this the text you meant (not binary data, not a file in another encoding)?'),
    severity: 'warning',
  }];
}
