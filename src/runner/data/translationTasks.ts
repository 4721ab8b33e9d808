// Built-in sequence-to-sequence tasks whose correct alignment is known, so a run (and a test) can check that
// attention found it: reversing a string (target character i comes from source character n−1−i) and rewriting
// human-readable dates in several formats as ISO dates (the year's digits come from the year, and so on).
import type { Rng } from '../../engine/rng';
import type { DataConfig } from '../config/schema';
import { pairsDataset, type TextPair } from './pairs';
import type { Dataset } from './types';

type Gen<S extends DataConfig['source']> = Extract<DataConfig, { source: S }>;

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

export function reverseTask(c: Gen<'reverse'>, rng: Rng): Dataset {
  const make = (): TextPair => {
    const n = c.minLength + rng.int(c.maxLength - c.minLength + 1);
    const s = Array.from({ length: n }, () => LETTERS[rng.int(c.symbols)]).join('');
    return { source: s, target: [...s].reverse().join(''), line: 0 };
  };
  const train = Array.from({ length: c.trainSize }, make);
  const validation = Array.from({ length: c.validationSize }, make);
  const limits = { tokens: 'char' as const, maxSourceLength: c.maxLength, maxTargetLength: c.maxLength + 1 };
  return pairsDataset('reverse', train, validation, limits, null);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function ordinal(d: number): string {
  const suffix = d % 10 === 1 && d !== 11 ? 'st' : d % 10 === 2 && d !== 12 ? 'nd' : d % 10 === 3 && d !== 13 ? 'rd' : 'th';
  return `${d}${suffix}`;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The formats a date is written in (day d, month m 1..12, year y, weekday w 0..6 from Sunday). */
export const DATE_FORMATS: ((d: number, m: number, y: number, w: number) => string)[] = [
  (d, m, y) => `${d} ${MONTHS[m - 1]} ${y}`,
  (d, m, y) => `${MONTHS[m - 1]} ${d}, ${y}`,
  (d, m, y, w) => `${DAYS[w]}, ${MONTHS[m - 1]} ${d}, ${y}`,
  (d, m, y) => `${d} ${MONTHS[m - 1].slice(0, 3)} ${y}`,
  (d, m, y) => `${MONTHS[m - 1].slice(0, 3)} ${d} ${y}`,
  (d, m, y) => `${pad2(d)}.${pad2(m)}.${y}`,
  (d, m, y) => `${MONTHS[m - 1]} ${ordinal(d)}, ${y}`,
  (d, m, y) => `the ${ordinal(d)} of ${MONTHS[m - 1].toLowerCase()} ${y}`,
];

/** A uniformly drawn date between 1950-01-01 and 2049-12-31, in a random format → its ISO form. */
export function datePair(rng: Rng): TextPair {
  const start = Date.UTC(1950, 0, 1);
  const days = Math.round((Date.UTC(2049, 11, 31) - start) / 86400000);
  const date = new Date(start + rng.int(days + 1) * 86400000);
  const [d, m, y, w] = [date.getUTCDate(), date.getUTCMonth() + 1, date.getUTCFullYear(), date.getUTCDay()];
  const format = DATE_FORMATS[rng.int(DATE_FORMATS.length)];
  return { source: format(d, m, y, w), target: `${y}-${pad2(m)}-${pad2(d)}`, line: 0 };
}

export function datesTask(c: Gen<'dates'>, rng: Rng): Dataset {
  const train = Array.from({ length: c.trainSize }, () => datePair(rng));
  const validation = Array.from({ length: c.validationSize }, () => datePair(rng));
  return pairsDataset('dates', train, validation, { tokens: 'char', maxSourceLength: 64, maxTargetLength: 11 }, null);
}
