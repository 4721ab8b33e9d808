// Loading PyTorch golden fixtures (test/fixtures/golden, written by scripts/golden/make_golden.py)
// and comparing arrays against them with a tolerance that names the failing element.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

export const GOLDEN_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'golden');

/** Every fixture whose file name starts with prefix, parsed. */
export function loadFixtures<T>(prefix: string): T[] {
  const files = readdirSync(GOLDEN_DIR).filter((f) => f.startsWith(prefix) && f.endsWith('.json')).sort();
  assert.ok(files.length > 0, `no golden fixtures named ${prefix}* in ${GOLDEN_DIR}; run npm run golden`);
  return files.map((f) => JSON.parse(readFileSync(join(GOLDEN_DIR, f), 'utf8')) as T);
}

export interface Tolerance {
  rtol: number;
  /** Absolute slack as a fraction of the largest magnitude in the expected array (errors scale with it). */
  atol: number;
}

export const FLOAT64_TOL: Tolerance = { rtol: 1e-9, atol: 1e-11 };
export const FLOAT32_TOL: Tolerance = { rtol: 1e-4, atol: 1e-5 };

/**
 * Asserts |actual − expected| ≤ atol·scale + rtol·|expected| element-wise, scale = max(max|expected|, 1e-3):
 * elements near zero are judged against the size of the whole tensor, not their own.
 */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length}, expected ${expected.length}`);
  let scale = 1e-3;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const err = Math.abs(a - e);
    if (!(err <= tol.atol * scale + tol.rtol * Math.abs(e))) {
      assert.fail(`${what}[${i}]: got ${a}, torch ${e} (|diff| ${err.toExponential(2)})`);
    }
  }
}

export function assertCloseScalar(actual: number, expected: number, tol: Tolerance, what: string): void {
  assertClose([actual], [expected], tol, what);
}
