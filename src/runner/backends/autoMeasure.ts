// 'auto' with a GPU in reach: when gpu.js:webgpu has a hardware adapter, one training step of the run's own model is
// timed on it and on the CPU backend auto would otherwise start, and the faster one runs. No size threshold: the
// times decide. A software adapter (SwiftShader, llvmpipe, WebGPU's fallback) is never timed or picked.
import type { Backend } from '../../engine/backend';
import { probeWebGpu, startWebGpuBackend, type WebGpuProbe } from './webgpu';
import { describeAdapter, type AdapterReport } from './webgpuAdapter';

/** Milliseconds of one training step of the run's model on `backend` (after a warm-up step); src/runner/stepTiming.ts. */
export type StepTimer = (backend: Backend) => number;

/** The GPU backend auto may time: how to probe it and start it. gpu.js:webgpu, or a test's stand-in. */
export interface GpuCandidate {
  name: string;
  probe(): WebGpuProbe;
  start(): { backend: Backend; adapter: AdapterReport } | WebGpuProbe;
}

export const WEBGPU_CANDIDATE: GpuCandidate = { name: 'gpu.js:webgpu', probe: probeWebGpu, start: () => startWebGpuBackend() };

/** The CPU backend auto started (kept for the run) and how to start a fresh one of it to time, destroyed after. */
export interface CpuChoice {
  name: string;
  backend: Backend;
  fresh(): Backend;
}

export interface Measured {
  backend: Backend;
  /** What auto chose and why: both step times, or why the GPU was not timed. */
  note: string;
}

const ms = (t: number) => t.toFixed(1);

function errorLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** Times cpu and the GPU candidate when it has a hardware adapter, and keeps the faster; the other is destroyed. */
export function measureAuto(cpu: CpuChoice, timeStep: StepTimer, gpu: GpuCandidate = WEBGPU_CANDIDATE): Measured {
  const kept = (why: string): Measured => ({ backend: cpu.backend, note: `auto chose ${cpu.name}: ${why}` });
  const probe = gpu.probe();
  if (!probe.available) return kept(`${gpu.name} cannot start here (${probe.reason})`);
  if (probe.adapter.software) {
    return kept(`${gpu.name} has a software adapter only (${describeAdapter(probe.adapter)}), which auto neither times nor picks`);
  }
  const started = gpu.start();
  if (!('backend' in started)) return kept(`${gpu.name} did not start (${started.reason})`);
  const timing = cpu.fresh();
  let cpuMs: number;
  try {
    cpuMs = timeStep(timing);
  } finally {
    timing.destroy?.();
  }
  let gpuMs: number;
  try {
    gpuMs = timeStep(started.backend);
  } catch (e) {
    started.backend.destroy?.();
    return kept(`a timed step on ${gpu.name} failed (${errorLine(e)})`);
  }
  const on = `${gpu.name} on ${describeAdapter(started.adapter)}`;
  if (gpuMs < cpuMs) {
    cpu.backend.destroy?.();
    return { backend: started.backend, note: `auto chose ${gpu.name}: one step ${ms(gpuMs)} ms on ${on} vs ${ms(cpuMs)} ms on ${cpu.name}` };
  }
  started.backend.destroy?.();
  return kept(`one step ${ms(cpuMs)} ms vs ${ms(gpuMs)} ms on ${on}`);
}
