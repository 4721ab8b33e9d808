// The table `seqlab claims` prints: claim, experiment, measured outcome, holds or not; one row per check, the claim's
// words wrapped down its rows, pending claims listed with where they will come from, and a closing count.
import type { Check } from './claimFile';
import type { PendingClaim } from './catalog';
import { MEASURES } from './measures';
import type { ClaimResult } from './runClaims';
import { experimentLabel, type CheckOutcome } from './verdict';

const CLAIM_WIDTH = 38;

/** A judged claim, or a catalog claim whose example has not arrived. */
export type TableEntry = { kind: 'result'; result: ClaimResult } | { kind: 'pending'; pending: PendingClaim };

export function claimsTable(entries: TableEntry[]): string {
  const rows: string[][] = [['CLAIM', 'EXPERIMENT', 'MEASURED OUTCOME', 'HOLDS']];
  entries.forEach((e, i) => {
    const n = `${i + 1}. `;
    if (e.kind === 'pending') {
      group(rows, `${n}${e.pending.quote}`, [['—', `pending: ${e.pending.reason}`, '—']]);
    } else {
      const { claim, outcomes } = e.result;
      group(rows, `${n}${claim.spec.claim} (${claim.name}/)`, outcomes.map((o) => [experimentLabel(o), measured(o), holdsText(o)]));
    }
  });
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd());
  return [...lines, '', summaryLine(entries)].join('\n');
}

/** The claim's words wrapped into the first column, beside its checks' rows. */
function group(rows: string[][], text: string, checks: string[][]): void {
  const words = wrap(text, CLAIM_WIDTH);
  for (let i = 0; i < Math.max(words.length, checks.length); i++) rows.push([words[i] ?? '', ...(checks[i] ?? ['', '', ''])]);
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) { lines.push(line); line = '   '; }
    line += (line.trim() ? ' ' : '') + word;
  }
  return [...lines, line];
}

function holdsText(o: CheckOutcome): string {
  return o.holds === null ? '(reported)' : o.holds ? 'yes' : 'NO';
}

function measured(o: CheckOutcome): string {
  const c = o.check;
  const rel = c.vs !== null;
  const bounds = [c.above !== null ? `> ${formatValue(c, c.above, rel)}` : '', c.below !== null ? `< ${formatValue(c, c.below, rel)}` : ''].filter(Boolean);
  const what = c.label || (c.vs === null ? MEASURES[c.measure].label(c) : `${MEASURES[c.measure].label(c)}, ${c.compare}`);
  return `${what}: ${formatValue(c, o.value, rel)}${bounds.length ? ` (needs ${bounds.join(' and ')})` : ''}`;
}

/** Numbers as a reader compares them: exponents for tiny and huge ones, bytes in KiB, counts whole. */
function formatValue(c: Check, v: number, relative = false): string {
  if (Number.isNaN(v)) return 'n/a';
  if (!Number.isFinite(v)) return c.measure === 'stepsTo' && !relative ? 'never' : v > 0 ? '∞' : '−∞';
  if (!relative && c.measure === 'graphBytes') return `${(v / 1024).toFixed(1)} KiB`;
  if (!relative && (c.measure === 'params' || c.measure === 'stepsTo')) return String(Math.round(v));
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

function summaryLine(entries: TableEntry[]): string {
  const results = entries.flatMap((e) => (e.kind === 'result' ? [e.result] : []));
  const pending = entries.flatMap((e) => (e.kind === 'pending' ? [e.pending.folder] : []));
  const held = results.filter((r) => r.holds).length;
  return `${held} of ${results.length} claim(s) hold${pending.length ? `; ${pending.length} pending (${pending.join(', ')})` : ''}.`;
}
