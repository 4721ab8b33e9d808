// What the GPU thread reports about its WebGPU adapter, and the words `seqlab backends` and run notes use for it.

/** What ./webgpu.ts hands the GPU thread. */
export interface GpuThreadData {
  control: SharedArrayBuffer;
}

/** What the GPU thread's script prints when run as a probe process: the adapter report (JSON) or why there is none. */
export interface ProbeLine {
  ready: boolean;
  text: string;
}

export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /**
   * A software (CPU) implementation: WebGPU's fallback flag, or a renderer known to be one (SwiftShader, llvmpipe,
   * lavapipe, WARP), for drivers that do not set the flag. Such an adapter is for correctness, not speed.
   */
  software: boolean;
}

const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|lavapipe|microsoft basic render|\bwarp\b/i;

/** The report of an adapter's GPUAdapterInfo (isFallbackAdapter may be missing on older implementations). */
export function adapterReport(info: GPUAdapterInfo): AdapterReport {
  const text = (s: string | undefined) => s ?? '';
  const r = { vendor: text(info.vendor), architecture: text(info.architecture), device: text(info.device), description: text(info.description) };
  const named = SOFTWARE_RENDERERS.test(`${r.vendor} ${r.architecture} ${r.device} ${r.description}`);
  return { ...r, software: Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter) || named };
}

/** "SwiftShader driver 5.0.0 (google swiftshader), software adapter": the description first, then what identifies it. */
export function describeAdapter(a: AdapterReport): string {
  const name = a.description || a.device || 'unnamed adapter';
  const ids = [a.vendor, a.architecture].filter((s) => s && !name.toLowerCase().includes(s.toLowerCase())).join(' ');
  return `${name}${ids ? ` (${ids})` : ''}${a.software ? ', software adapter: not a GPU speed' : ''}`;
}
