// Node-only: loads the kernels compiled by scripts/build.mjs (dist/seqlab-kernels.wasm). Kept apart from
// ./index.ts so the engine itself never imports fs.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createWasmBackend, type WasmBackend, type WasmBackendOptions } from './index';

export const WASM_KERNELS_FILE = 'seqlab-kernels.wasm';

let cached: WebAssembly.Module | null = null;

/** The compiled kernels, found next to the bundle (dist/) or, when run from source, in the repository's dist/. */
export function loadWasmKernels(): WebAssembly.Module {
  if (cached) return cached;
  const candidates = [join(__dirname, WASM_KERNELS_FILE), resolve(__dirname, '../../../../dist', WASM_KERNELS_FILE)];
  const file = candidates.find((p) => existsSync(p));
  if (!file) throw new Error(`WASM kernels not found (looked for ${candidates.join(' and ')}); run \`node scripts/build.mjs\` first`);
  cached = new WebAssembly.Module(readFileSync(file));
  return cached;
}

export function createNodeWasmBackend(options?: WasmBackendOptions): WasmBackend {
  return createWasmBackend(loadWasmKernels(), options);
}
