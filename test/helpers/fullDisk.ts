// Typed access to fullDisk.cjs, the full-disk simulation shared by in-process tests and spawned CLIs.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

/** For `node --require FULL_DISK_PRELOAD` with SEQLAB_TEST_FULL_DISK set to JSON.stringify(options). */
export const FULL_DISK_PRELOAD = resolve(__dirname, 'fullDisk.cjs');

export interface FullDiskOptions {
  /** A regular expression for the paths whose writes are limited. */
  match: string;
  /** Bytes those writes may still take in all. */
  bytes?: number;
  /** The most one write() takes (a short write each time). */
  chunk?: number;
}

/** Limits writes in this process until the returned function is called. */
export const installFullDisk = (createRequire(__filename)(FULL_DISK_PRELOAD) as { install(o: FullDiskOptions): () => void }).install;
