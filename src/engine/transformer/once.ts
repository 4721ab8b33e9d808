// Buffers made on first use: what only training needs (dropout masks, backward scratch) is never allocated by the
// graphs that only evaluate and predict, which matters because backend memory is never freed.

/** make() on the first call, the same value on every later one. */
export function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
