// The backend registry: turns a configured backend name into a running Backend, with explicit fallbacks.
// It is the edge where the host is probed (WebAssembly features, GPU.js modes); the engine only builds backends.
import { setFlagsFromString } from 'node:v8';
import type { Backend } from '../../engine/backend';
import { createGpuJsBackend, type GpuJsMode } from '../../engine/backends/gpujs';
import { createReferenceBackend } from '../../engine/backends/reference';
import { BackendUnavailableError } from '../../engine/backends/unavailable';
import { createWasmBackend, relaxedSimdSupported, wasmBackendSupported, type WasmFlavour } from '../../engine/backends/wasm';
import { measureAuto, type GpuCandidate, type StepTimer } from './autoMeasure';
import { gemmHelpers, threadPlan, type ThreadPlan } from './gemmPool';
import { AUTO_ORDER as GPUJS_AUTO_ORDER, pickGpuJsMode, probeGpuJsMode, unavailableError } from './gpujsProbe';
import { startWebGpuBackend } from './webgpu';
import { describeAdapter } from './webgpuAdapter';

export { BackendUnavailableError } from '../../engine/backends/unavailable';

export type BackendName =
  | 'auto'
  | 'reference'
  | 'reference64'
  | 'wasm'
  | 'wasm:simd128'
  | 'wasm:relaxed-simd'
  | 'gpu.js'
  | 'gpu.js:cpu'
  | 'gpu.js:webasm'
  | 'gpu.js:headlessgl'
  | 'gpu.js:webgpu';

export const BACKEND_NAMES: readonly BackendName[] = [
  'auto', 'reference', 'reference64', 'wasm', 'wasm:simd128', 'wasm:relaxed-simd', 'gpu.js', 'gpu.js:cpu', 'gpu.js:webasm', 'gpu.js:headlessgl', 'gpu.js:webgpu',
];

/**
 * What 'auto' tries, in order, by scripts/probe-backends.ts on the 2-vCPU development machine, measured as
 * CPU time because other work shared the machine (wall-clock agreed on the order). One synthetic LSTM
 * training step (B=32, T=64, I=16, H=128), minimum CPU ms: wasm 62, gpu.js:webasm 1119, reference
 * (float32) 1783, reference64 1853, gpu.js:cpu 1856, gpu.js:headlessgl 5734 (Mesa llvmpipe: GLSL on the
 * CPU). The WebAssembly SIMD backend ('wasm') comes first (`npm run bench` agrees: about 35× the float32
 * reference on a Model + Trainer step). It needs WASM SIMD and shared memory (Node ≥ 16.4, Electron); where
 * they are missing, gpu.js:webasm is next: it wins over the reference on the gemms that dominate a step
 * (h·W_hh^T 32×512×128: 4.9 vs 9.2 ms) and loses on pointwise cell ops, where each GPU.js call's upload
 * and readback cost more than the arithmetic. The float32 reference is the backend that always starts.
 */
export const AUTO_ORDER: readonly Exclude<BackendName, 'auto'>[] = ['wasm', 'gpu.js:webasm', 'reference'];

export interface CreateBackendOptions {
  /** Backend names to try, in order, when the requested one cannot start. Empty: no fallback. */
  fallback: string[];
  /**
   * Threads for the wasm backend's large matrix products: a cap (--threads, the seqlab.threads setting), 0 for every
   * core up to DEFAULT_MAX_THREADS. Absent: one thread, for callers that do not destroy() the backend when done.
   */
  threads?: number;
  /** Told when a helper thread fails; its share then runs on the other threads. */
  onThreadError?: (message: string) => void;
  /**
   * For 'auto' in a run: times one step of the run's model on a backend. Given, auto also times gpu.js:webgpu when it
   * has a hardware adapter and starts the faster (./autoMeasure.ts); absent, auto starts the first of AUTO_ORDER.
   */
  timeStep?: StepTimer;
  /** The GPU backend auto may time instead of gpu.js:webgpu: tests stand one in, as no hardware adapter is here. */
  gpu?: GpuCandidate;
}

export interface CreatedBackend {
  backend: Backend;
  /** What fell back to what, and why; empty when the requested backend started. */
  notes: string[];
}

export interface BackendAvailability {
  name: Exclude<BackendName, 'auto'>;
  available: boolean;
  /** Why it cannot start; null when it can. */
  reason: string | null;
  /**
   * What it would run here: its info.mode (the wasm kernel flavour, the GPU.js mode, the dtype) and, for wasm on more
   * than one thread, the thread count (backendLabel's form); null when unavailable.
   */
  kernels: string | null;
  /** Why the wasm backend would run on one thread only (one core, threads set to 1, no helper script); else null. */
  threadsNote: string | null;
}

/** How runs and listings name a backend: name/mode, then the thread count when products are split across threads. */
export function backendLabel(info: Backend['info']): string {
  return `${info.name}/${info.mode}${threadsSuffix(info.threads ?? 1)}`;
}

function threadsSuffix(threads: number): string {
  return threads > 1 ? ` ×${threads} threads` : '';
}

function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

function checkName(name: string, where: string): BackendName {
  if (!isBackendName(name)) {
    throw new Error(`unknown backend '${name}' in ${where}; expected one of: ${BACKEND_NAMES.join(', ')}`);
  }
  return name;
}

function gpuJsMode(name: BackendName): GpuJsMode | 'auto' | null {
  if (name === 'gpu.js') return 'auto';
  return name.startsWith('gpu.js:') ? (name.slice('gpu.js:'.length) as GpuJsMode) : null;
}

const NO_WASM = 'this JavaScript engine lacks WebAssembly SIMD or shared WebAssembly memory';
const NO_RELAXED = 'this JavaScript engine does not accept relaxed SIMD, even with --experimental-wasm-relaxed-simd';

let relaxedFlagSet = false;
/**
 * Lets V8 accept relaxed SIMD where it is behind a flag (Node 20; Electron has it on): V8 reads the flag when it
 * validates a module, so setting it before the first wasm backend starts is enough. Set once, and only when needed.
 */
function allowRelaxedSimd(): void {
  if (relaxedFlagSet) return;
  relaxedFlagSet = true;
  if (wasmBackendSupported() && !relaxedSimdSupported()) setFlagsFromString('--experimental-wasm-relaxed-simd');
}

/** 'wasm' (the best flavour here), 'wasm:simd128' or 'wasm:relaxed-simd'; null for other backends. */
function wasmFlavour(name: BackendName): WasmFlavour | 'auto' | null {
  if (name === 'wasm') return 'auto';
  return name.startsWith('wasm:') ? (name.slice('wasm:'.length) as WasmFlavour) : null;
}

type StartOptions = Pick<CreateBackendOptions, 'threads' | 'onThreadError' | 'timeStep' | 'gpu'>;

/** gpu.js:webgpu on its own GPU thread; a software adapter is said in `notes` (it runs, but says nothing of GPU speed). */
function startWebGpu(notes: string[]): Backend {
  const started = startWebGpuBackend();
  if (!('backend' in started)) throw unavailableError('webgpu', started.reason ?? 'unavailable');
  if (started.adapter.software) notes.push(`gpu.js:webgpu runs on ${describeAdapter(started.adapter)}`);
  return started.backend;
}

/** Starts one concrete backend (not 'auto'); throws BackendUnavailableError when it cannot. */
function start(name: Exclude<BackendName, 'auto'>, notes: string[], opts: StartOptions): Backend {
  if (name === 'reference') return createReferenceBackend('float32');
  if (name === 'reference64') return createReferenceBackend('float64');
  const flavour = wasmFlavour(name);
  if (flavour !== null) {
    if (!wasmBackendSupported()) throw new BackendUnavailableError(name, NO_WASM);
    allowRelaxedSimd();
    if (flavour === 'relaxed-simd' && !relaxedSimdSupported()) throw new BackendUnavailableError(name, NO_RELAXED);
    const { threads } = opts.threads === undefined ? { threads: 1 } : threadPlan(opts.threads);
    return createWasmBackend({
      flavour: flavour === 'auto' ? undefined : flavour,
      helpers: threads > 1 ? gemmHelpers(threads - 1, opts.onThreadError) : undefined,
    });
  }
  const mode = gpuJsMode(name);
  if (mode === null) throw new Error(`backend '${name}' has no constructor`);
  return mode === 'webgpu' ? startWebGpu(notes) : createGpuJsBackend(pickGpuJsMode(mode));
}

function startAuto(notes: string[], opts: StartOptions): Backend {
  const reasons: string[] = [];
  for (const candidate of AUTO_ORDER) {
    try {
      const backend = start(candidate, notes, opts);
      const skipped = reasons.length > 0 ? ` (${reasons.join('; ')})` : '';
      if (!opts.timeStep) {
        notes.push(`auto chose ${candidate}${skipped}`);
        return backend;
      }
      const fresh = () => start(candidate, [], opts);
      const measured = measureAuto({ name: candidate, backend, fresh }, opts.timeStep, opts.gpu);
      notes.push(measured.note + skipped);
      return measured.backend;
    } catch (e) {
      if (!(e instanceof BackendUnavailableError)) throw e;
      reasons.push(`${candidate}: ${e.message}`);
    }
  }
  throw new BackendUnavailableError('auto', `no backend in the auto order could start: ${reasons.join('; ')}`);
}

function startAny(name: BackendName, notes: string[], opts: StartOptions): Backend {
  return name === 'auto' ? startAuto(notes, opts) : start(name, notes, opts);
}

/**
 * Starts `name`; if it is unavailable, tries `options.fallback` in order and says in `notes` what fell back
 * and why. With no fallback left it throws the BackendUnavailableError of the requested backend, extended
 * with why each fallback failed. Unknown names throw immediately, before anything starts.
 */
export function createBackend(name: string, options: CreateBackendOptions = { fallback: [] }): CreatedBackend {
  const requested = checkName(name, 'the backend setting');
  const fallbacks = options.fallback.map((f, i) => checkName(f, `backend fallback[${i}]`));
  const notes: string[] = [];
  let first: BackendUnavailableError;
  try {
    return { backend: startAny(requested, notes, options), notes };
  } catch (e) {
    if (!(e instanceof BackendUnavailableError)) throw e;
    first = e;
  }
  const failures: string[] = [];
  for (const candidate of fallbacks) {
    try {
      const backend = startAny(candidate, notes, options);
      notes.unshift(`backend ${requested} is unavailable (${first.message}); fell back to ${candidate}`
        + (failures.length > 0 ? ` after ${failures.join('; ')}` : ''));
      return { backend, notes };
    } catch (e) {
      if (!(e instanceof BackendUnavailableError)) throw e;
      failures.push(`${candidate} is unavailable too (${e.message})`);
    }
  }
  if (failures.length === 0) throw first;
  throw new BackendUnavailableError(requested, `${first.message}; ${failures.join('; ')}`);
}

/**
 * Probes every concrete backend without compiling kernels (headlessgl opens one small GL context); the wasm rows
 * show `plan`'s threads, by default what a training run would get (probeThreads also starts them).
 */
export function availableBackends(plan: ThreadPlan = threadPlan(0)): BackendAvailability[] {
  allowRelaxedSimd();
  return BACKEND_NAMES.filter((n): n is Exclude<BackendName, 'auto'> => n !== 'auto').map((name): BackendAvailability => {
    const unavailable = (reason: string): BackendAvailability => ({ name, available: false, reason, kernels: null, threadsNote: null });
    const runs = (kernels: string): BackendAvailability => ({ name, available: true, reason: null, kernels, threadsNote: null });
    if (name === 'reference' || name === 'reference64') return runs(name === 'reference' ? 'float32' : 'float64');
    const flavour = wasmFlavour(name);
    if (flavour !== null) {
      if (!wasmBackendSupported()) return unavailable(NO_WASM);
      const relaxed = relaxedSimdSupported();
      if (flavour === 'relaxed-simd' && !relaxed) return unavailable(NO_RELAXED);
      const mode = flavour === 'auto' ? (relaxed ? 'relaxed-simd' : 'simd128') : flavour;
      return { ...runs(mode + threadsSuffix(plan.threads)), threadsNote: plan.reason };
    }
    const mode = gpuJsMode(name);
    if (mode === null) throw new Error(`backend '${name}' has no probe`);
    if (mode === 'auto') {
      const usable = GPUJS_AUTO_ORDER.find((m) => probeGpuJsMode(m).available);
      return usable ? runs(usable) : unavailable('no GPU.js mode works in this process');
    }
    const probe = probeGpuJsMode(mode);
    if (!probe.available) return unavailable(probe.reason ?? 'unavailable');
    return runs(probe.detail ? `${mode} on ${probe.detail}` : mode);
  });
}

/** What 'auto' would start, from a probe list: the first available name of AUTO_ORDER and what it runs, or null. */
export function autoChoice(list: BackendAvailability[]): BackendAvailability | null {
  for (const name of AUTO_ORDER) {
    const b = list.find((x) => x.name === name);
    if (b?.available) return b;
  }
  return null;
}

/**
 * The thread plan for a cap (as CreateBackendOptions.threads), checked by starting its helper threads on a small wasm
 * backend: where they fail or do not start within `waitMs`, one thread, and why.
 */
export async function probeThreads(cap = 0, waitMs = 10000): Promise<ThreadPlan> {
  const plan = threadPlan(cap);
  if (plan.threads === 1 || !wasmBackendSupported()) return plan;
  const errors: string[] = [];
  const be = createWasmBackend({ flavour: 'simd128', helpers: gemmHelpers(plan.threads - 1, (m) => errors.push(m)) });
  try {
    for (const started = Date.now(); be.threadStats().ready < plan.threads; await new Promise((r) => setTimeout(r, 5))) {
      if (errors.length > 0) return { threads: 1, reason: `worker threads fail here (${errors[0]})` };
      if (Date.now() - started > waitMs) return { threads: 1, reason: `worker threads did not start within ${waitMs / 1000} s` };
    }
    return plan;
  } finally {
    be.destroy();
  }
}
