// Bundles the extension host, the CLI, the training worker and the gemm helper thread (node) and the webviews (browser) with esbuild.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { buildWasmKernels } from './build-wasm-kernels.mjs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, logLevel: 'warning', minify: false };
// gpu.js loads its native `gl` module at run time, and `webgpu` its native Dawn binary (dawn.node, beside its
// index.js), so they stay real dependencies, not bundled.
const nodeExternal = ['vscode', 'gpu.js', 'gl', 'webgpu'];

const targets = [
  { entry: 'src/extension/extension.ts', outfile: 'dist/extension.js', platform: 'node' },
  { entry: 'src/cli/main.ts', outfile: 'dist/cli.js', platform: 'node', banner: '#!/usr/bin/env node' },
  { entry: 'src/runner/worker.ts', outfile: 'dist/worker.js', platform: 'node' },
  { entry: 'src/runner/backends/gemmWorker.ts', outfile: 'dist/gemmWorker.js', platform: 'node' },
  // The GPU thread of gpu.js:webgpu, found beside whichever bundle starts it (src/runner/backends/webgpu.ts).
  { entry: 'src/runner/backends/webgpuThread.ts', outfile: 'dist/webgpuThread.js', platform: 'node' },
  { entry: 'webview/dashboard/main.ts', outfile: 'dist/webview/dashboard.js', platform: 'browser' },
  { entry: 'webview/live/main.ts', outfile: 'dist/webview/live.js', platform: 'browser' },
].filter((t) => existsSync(t.entry));
// `node scripts/build.mjs webview` builds only the targets whose entry path contains one of the given words.
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const selected = only.length === 0 ? targets : targets.filter((t) => only.some((w) => t.entry.includes(w)));

// First the WASM backend's SIMD kernels (AssemblyScript): bundles embed them from src/engine/backends/wasm/compiled.ts.
await buildWasmKernels();
await Promise.all(selected.map((t) => build({
  ...common,
  entryPoints: [t.entry],
  outfile: t.outfile,
  platform: t.platform,
  format: t.platform === 'node' ? 'cjs' : 'iife',
  target: t.platform === 'node' ? 'node20' : 'chrome120',
  external: t.platform === 'node' ? nodeExternal : [],
  // jsonc-parser's UMD entry requires its modules dynamically, which a bundle cannot follow; its ESM entry bundles.
  mainFields: ['module', 'main'],
  banner: t.banner ? { js: t.banner } : undefined,
  // The dashboard bundle travels inside every offline report: minified it is under half the size (source maps stay).
  minify: t.platform === 'browser',
})));
if (watch) console.log('watch mode is not implemented; rerun npm run build');
