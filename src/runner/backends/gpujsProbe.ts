// Which GPU.js modes can run in this process, and in words why not when they cannot. This is host probing (the
// native `gl` module, an X display, a WebGPU adapter), so it lives here at the edge, not in the engine.
import { GPU } from 'gpu.js';
import { BackendUnavailableError } from '../../engine/backends/unavailable';
import type { GpuJsMode, GpuJsSyncMode } from '../../engine/backends/gpujs';
import { probeWebGpu } from './webgpu';
import { describeAdapter } from './webgpuAdapter';

const GPUJS_MODES: readonly GpuJsMode[] = ['webgpu', 'headlessgl', 'webasm', 'cpu'];

/**
 * The order 'gpu.js' (any mode) tries, by scripts/probe-backends.ts on the 2-vCPU development machine (Mesa
 * llvmpipe, so headlessgl's GLSL runs on the CPU too). CPU ms for one synthetic LSTM training step
 * (B=32, T=64, I=16, H=128): webasm 1210, cpu 1959, headlessgl 5738. A machine with a real GPU behind
 * `gl` was not available to measure; there headlessgl may well win, and it can be chosen by name.
 * webgpu is not in it, on any adapter: it copies every operand through a GPU thread on every op, and its speed on a
 * real GPU is unmeasured (the auto choice by measurement is issue 14's). It runs when named.
 */
export const AUTO_ORDER: readonly GpuJsSyncMode[] = ['webasm', 'cpu', 'headlessgl'];

export interface ModeProbe {
  mode: GpuJsMode;
  available: boolean;
  /** Why the mode cannot run; null when it can. */
  reason: string | null;
  /** What it runs on when that is worth saying (webgpu: the adapter, marked when it is software); null otherwise. */
  detail: string | null;
}

/** Loads the native `gl` module the way GPU.js does, but keeps the error GPU.js swallows. */
function glLoadError(): string | null {
  try {
    const getContext: unknown = require('gl');
    return typeof getContext === 'function' ? null : 'it did not export a context factory';
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
}

function unavailableReason(mode: GpuJsMode): string | null {
  switch (mode) {
    case 'cpu':
      return null;
    case 'webasm':
      return GPU.isWebAssemblySupported ? null : 'this JavaScript runtime has no WebAssembly';
    case 'headlessgl': {
      const glError = glLoadError();
      if (glError !== null) return `the native \`gl\` module did not load: ${glError}`;
      if (!process.env.DISPLAY) return 'headlessgl needs an X display (DISPLAY is not set; run under xvfb-run)';
      return GPU.isHeadlessGLSupported
        ? null
        : `the native \`gl\` module could not create a WebGL context on DISPLAY=${process.env.DISPLAY}`;
    }
    case 'webgpu':
      return probeWebGpu().reason;
  }
}

export function probeGpuJsMode(mode: GpuJsMode): ModeProbe {
  const reason = unavailableReason(mode);
  const adapter = mode === 'webgpu' && reason === null ? probeWebGpu().adapter : null;
  return { mode, available: reason === null, reason, detail: adapter ? describeAdapter(adapter) : null };
}

/** The refusal of `mode`, with the modes that would start instead. */
export function unavailableError(mode: GpuJsMode | 'auto', reason: string): BackendUnavailableError {
  const alternatives = GPUJS_MODES.filter((m) => m !== mode && probeGpuJsMode(m).available);
  const instead = alternatives.length > 0 ? `available instead: ${alternatives.map((m) => `gpu.js:${m}`).join(', ')}` : 'no GPU.js mode is available';
  return new BackendUnavailableError(`gpu.js:${mode}`, `GPU.js mode '${mode}' is unavailable: ${reason}; ${instead}, and the reference backend`);
}

/** The mode to start for a requested one ('auto': the first in AUTO_ORDER that works here); throws why not. */
export function pickGpuJsMode(requested: GpuJsSyncMode | 'auto'): GpuJsSyncMode {
  if (requested !== 'auto') {
    const probe = probeGpuJsMode(requested);
    if (probe.reason !== null) throw unavailableError(requested, probe.reason);
    return requested;
  }
  for (const mode of AUTO_ORDER) if (probeGpuJsMode(mode).available) return mode;
  throw unavailableError('auto', 'no GPU.js mode works in this process');
}
