// Which GPU.js modes can run in this process, and in words why not when they cannot.
import { GPU } from 'gpu.js';

/** GPU.js modes SeqLab can ask for; 'auto' picks the first that works in AUTO_ORDER. */
export type GpuJsMode = 'auto' | 'webgpu' | 'headlessgl' | 'webasm' | 'cpu';
export type ConcreteGpuJsMode = Exclude<GpuJsMode, 'auto'>;

export const GPUJS_MODES: readonly ConcreteGpuJsMode[] = ['webgpu', 'headlessgl', 'webasm', 'cpu'];

/**
 * createGpuJsBackend('auto') order, by scripts/probe-backends.ts on the 2-vCPU development machine (Mesa
 * llvmpipe, so headlessgl's GLSL runs on the CPU too). CPU ms for one synthetic LSTM training step
 * (B=32, T=64, I=16, H=128): webasm 1210, cpu 1959, headlessgl 5738. A machine with a real GPU behind
 * `gl` was not available to measure; there headlessgl may well win, and it can be chosen by name.
 * webgpu is never usable synchronously (see unavailableReason).
 */
export const AUTO_ORDER: readonly ConcreteGpuJsMode[] = ['webasm', 'cpu', 'headlessgl'];

export class BackendUnavailableError extends Error {
  constructor(readonly backend: string, message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

export interface ModeProbe {
  mode: ConcreteGpuJsMode;
  available: boolean;
  /** Why the mode cannot run; null when it can. */
  reason: string | null;
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

function unavailableReason(mode: ConcreteGpuJsMode): string | null {
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
    case 'webgpu': {
      const surface = GPU.isWebGPUSupported
        ? 'navigator.gpu exists here'
        : 'navigator.gpu does not exist in this process either (Node\'s `webgpu` package needs glibc 2.38+)';
      return 'GPU.js runs webgpu kernels only asynchronously (every call returns a Promise, because WebGPU has no '
        + `synchronous readback), and SeqLab's Backend interface is synchronous; ${surface}`;
    }
  }
}

export function probeGpuJsMode(mode: ConcreteGpuJsMode): ModeProbe {
  const reason = unavailableReason(mode);
  return { mode, available: reason === null, reason };
}

export function unavailableError(mode: GpuJsMode, reason: string): BackendUnavailableError {
  const alternatives = GPUJS_MODES.filter((m) => m !== mode && probeGpuJsMode(m).available);
  const instead = alternatives.length > 0 ? `available instead: ${alternatives.map((m) => `gpu.js:${m}`).join(', ')}` : 'no GPU.js mode is available';
  return new BackendUnavailableError(`gpu.js:${mode}`, `GPU.js mode '${mode}' is unavailable: ${reason}; ${instead}, and the reference backend`);
}
