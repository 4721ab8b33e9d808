// Compiles the WASM backend's AssemblyScript kernels; scripts/build.mjs calls this. The flags matter:
// no runtime or heap (the JS side owns memory), memory imported as shared (views survive growth),
// baseline SIMD only (relaxed SIMD is behind a flag in Node 20).
import asc from 'assemblyscript/asc';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = join(dirname(fileURLToPath(import.meta.url)), 'assembly', 'kernels.ts');

export async function buildWasmKernels(outFile) {
  mkdirSync(dirname(outFile), { recursive: true });
  const { error, stderr } = await asc.main([
    source, '-o', outFile, '-O3', '--noAssert', '--runtime', 'stub',
    '--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '65536',
    '--enable', 'simd', '--enable', 'threads',
  ]);
  if (error) throw new Error(`AssemblyScript failed on ${source}: ${error.message}\n${stderr.toString()}`);
}
