// A backend wrapper that counts alloc() calls, for tests that the training loop stops allocating backend memory.
import type { Backend } from '../../../src/engine/backend';

export interface CountingBackend {
  backend: Backend;
  /** alloc() calls so far. */
  allocs(): number;
}

export function countAllocs(be: Backend): CountingBackend {
  let allocs = 0;
  const backend: Backend = Object.create(be);
  backend.alloc = (n: number) => {
    allocs++;
    return be.alloc(n);
  };
  return { backend, allocs: () => allocs };
}
