// The claims of SeqLab's model documents, in the order a student meets them (the walkthrough follows it), each with
// the example folder that tests it. A folder without its claim.json yet is listed as pending, not failed: attention
// and the Transformer arrive with their own examples.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLAIM_FILE, readClaim, type Claim } from './claimFile';

export interface CatalogEntry {
  /** The example folder under examples/. */
  folder: string;
  /** The words of the model documents it tests. */
  quote: string;
}

export const CATALOG: readonly CatalogEntry[] = [
  { folder: 'vanishing-gradients', quote: 'Simple RNN: "prone to vanishing gradients"; the cure: "LSTM/GRU architectures"' },
  { folder: 'exploding-gradients', quote: '"Repeated multiplication causes vanishing or exploding gradients"; the cure: "gradient clipping"' },
  { folder: 'initialization', quote: 'Vanishing/exploding gradients: "proper initialization"' },
  { folder: 'skip-connections', quote: 'Vanishing/exploding gradients: "skip connections"' },
  { folder: 'layer-normalization', quote: 'Optimization techniques: "layer normalization"' },
  { folder: 'truncated-bptt', quote: 'Backpropagation through time: "truncation for long sequences"' },
  { folder: 'gru-vs-lstm', quote: 'GRU: "simpler than LSTM", "often similar performance"' },
  { folder: 'bidirectional', quote: 'Long-term dependencies: "bidirectional processing"' },
  { folder: 'translation', quote: 'Long-term dependencies: "attention mechanisms"' },
  { folder: 'long-dependencies', quote: 'Long-term dependencies: "Transformer architectures"' },
];

/** A catalog claim whose example has no claim file (yet). */
export interface PendingClaim {
  folder: string;
  quote: string;
  reason: string;
}

export type FoundClaim = { kind: 'claim'; claim: Claim; quote: string } | { kind: 'pending'; pending: PendingClaim };

/**
 * The claims under `root`: a folder holding claim.json is one claim; otherwise its subfolders are searched, the
 * catalog's first in catalog order (missing ones pending), then any others (a user's own claims) by name.
 * Throws InputError for a claim file with problems.
 */
export function findClaims(root: string): FoundClaim[] {
  const dir = resolve(root);
  if (existsSync(join(dir, CLAIM_FILE))) return [found(join(dir, CLAIM_FILE))];
  const out: FoundClaim[] = CATALOG.map((entry) => {
    const file = join(dir, entry.folder, CLAIM_FILE);
    if (existsSync(file)) return found(file);
    const reason = existsSync(join(dir, entry.folder)) ? `${entry.folder}/ has no ${CLAIM_FILE} yet` : `added by its own example (${entry.folder}/)`;
    return { kind: 'pending', pending: { folder: entry.folder, quote: entry.quote, reason } };
  });
  const known = new Set(CATALOG.map((e) => e.folder));
  const others = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !known.has(d.name) && existsSync(join(dir, d.name, CLAIM_FILE)))
    .map((d) => d.name).sort();
  return [...out, ...others.map((name) => found(join(dir, name, CLAIM_FILE)))];
}

function found(file: string): FoundClaim {
  const claim = readClaim(file);
  return { kind: 'claim', claim, quote: CATALOG.find((e) => e.folder === claim.name)?.quote ?? '' };
}
