// gpu.js:webgpu from the training thread's side: spawns the GPU thread (./webgpuThread.ts), waits for its adapter
// report, and links it to the engine's synchronous GPU-thread backend (src/engine/backends/gpuThread/client.ts).
// The thread is unref'd, so it never keeps a CLI run alive, and a destroyed backend ends it. Whether it can start at
// all is asked of the same script run as a short-lived process (probeWebGpu).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createGpuThreadBackend, type GpuThreadBackend } from '../../engine/backends/gpuThread/client';
import { CONTROL_BYTES, State, controlWords, readText, waitWhile } from '../../engine/backends/gpuThread/wire';
import type { AdapterReport, GpuThreadData, ProbeLine } from './webgpuAdapter';

/** Start-up (loading Dawn, asking for an adapter) took under a second here; ops on a software driver milliseconds. */
const STALL_MS = 60_000;
/**
 * A worker thread does not inherit tsx's loader, so running from source (tests) the .ts entry is loaded through
 * tsx's CommonJS hook. The bundles load dist/webgpuThread.js directly.
 */
const FROM_SOURCE = (script: string) => `require('tsx/cjs'); require(${JSON.stringify(script)});`;

export type WebGpuProbe =
  | { available: true; adapter: AdapterReport; reason: null }
  | { available: false; adapter: null; reason: string };

/** dist/webgpuThread.js beside the bundle that runs (cli.js, worker.js, extension.js); the .ts source under tsx. */
export function gpuThreadScript(): string {
  return join(__dirname, __filename.endsWith('.ts') ? 'webgpuThread.ts' : 'webgpuThread.js');
}

interface Started {
  probe: WebGpuProbe;
  worker: Worker | null;
  control: SharedArrayBuffer;
}

/** Spawns a GPU thread and blocks until it has reported its adapter or why it has none. */
export function spawnGpuThread(script = gpuThreadScript(), stallMs = STALL_MS): Started {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  if (!existsSync(script)) {
    return { probe: { available: false, adapter: null, reason: `the GPU thread's script ${script} is missing from this build` }, worker: null, control };
  }
  const workerData: GpuThreadData = { control };
  const worker = script.endsWith('.ts') ? new Worker(FROM_SOURCE(script), { eval: true, workerData }) : new Worker(script, { workerData });
  worker.unref();
  // The thread reports its own errors in shared memory; without a listener an 'error' event would end this process.
  worker.on('error', () => {});
  const state = waitWhile(controlWords(control), State.starting, stallMs, 'gpu.js:webgpu start-up');
  const text = readText(control);
  const probe: WebGpuProbe = state === State.ready
    ? { available: true, adapter: JSON.parse(text) as AdapterReport, reason: null }
    : { available: false, adapter: null, reason: state === State.unavailable ? text : `the GPU thread ended during start-up: ${text}` };
  return { probe, worker, control };
}

let probed: WebGpuProbe | null = null;

/**
 * Whether gpu.js:webgpu can start here, and on which adapter; asked once per process. The GPU thread's script runs as
 * a short-lived process of its own: every `auto` run asks, and this way a driver that crashes inside Dawn cannot end
 * the run, and what Dawn and the Vulkan loader print on stderr stays out of the run's output.
 */
export function probeWebGpu(): WebGpuProbe {
  if (!probed) probed = probeInProcess(gpuThreadScript(), STALL_MS);
  return probed;
}

/** Runs `script` as the probe process and reads its report; any way it ends without one is an unavailable reason. */
export function probeInProcess(script: string, stallMs: number): WebGpuProbe {
  const unavailable = (reason: string): WebGpuProbe => ({ available: false, adapter: null, reason });
  if (!existsSync(script)) return unavailable(`the GPU thread's script ${script} is missing from this build`);
  const args = script.endsWith('.ts') ? ['--import', 'tsx', script] : [script];
  // In VS Code the training worker runs in Electron, whose binary acts as Node only when told to.
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: stallMs, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  const line = r.stdout?.trim().split('\n').pop() ?? '';
  if (!line.startsWith('{')) {
    const how = r.error ? r.error.message : r.signal ? `signal ${r.signal}` : `exit code ${r.status}`;
    // The first line: what a fatal error says comes before the native stack trace.
    const said = (r.stderr ?? '').trim().split('\n')[0];
    return unavailable(`the WebGPU probe process ended without a report (${how}${said ? `: ${said}` : ''})`);
  }
  const probe = JSON.parse(line) as ProbeLine;
  return probe.ready ? { available: true, adapter: JSON.parse(probe.text) as AdapterReport, reason: null } : unavailable(probe.text);
}

/** The backend on a new GPU thread, or the probe that says why there is none. */
export function startWebGpuBackend(script?: string, stallMs?: number): { backend: GpuThreadBackend; adapter: AdapterReport } | WebGpuProbe {
  const { probe, worker, control } = spawnGpuThread(script, stallMs);
  // A thread that found no adapter ends by itself, as the probe's does.
  if (!probe.available || !worker) return probe;
  const link = {
    control,
    send: (data: SharedArrayBuffer | null) => worker.postMessage({ data }),
    close: () => worker.postMessage('close'),
    terminate: () => void worker.terminate(),
  };
  const backend = createGpuThreadBackend(link, { name: 'gpu.js', mode: 'webgpu', dtype: 'float32' }, { stallMs: stallMs ?? STALL_MS });
  return { backend, adapter: probe.adapter };
}
