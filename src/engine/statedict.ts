// Export and import of model parameters as a name → tensor map (PyTorch state_dict keys).
import type { Buf } from './backend';

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** A tensor to import: any numeric array (e.g. float64 values from a PyTorch fixture). */
export interface TensorLike {
  shape: number[];
  data: ArrayLike<number>;
}

/** What this needs of a parameter (model.ts's Param satisfies it). */
export interface NamedParam {
  name: string;
  shape: number[];
  value: Buf;
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const fmt = (s: number[]) => `[${s.join(', ')}]`;

/** A tensor in the parameter's own dtype. */
export interface NativeTensor {
  shape: number[];
  data: Buf;
}

/**
 * Copies of every parameter, in parameter order: float32 tensors (PyTorch's usual state_dict dtype), or
 * with "native" in the parameters' own dtype, which a float64 run needs for checkpoints that resume bit-exactly.
 */
export function exportParams(params: NamedParam[]): Record<string, Tensor>;
export function exportParams(params: NamedParam[], dtype: 'native'): Record<string, NativeTensor>;
export function exportParams(params: NamedParam[], dtype: 'float32' | 'native' = 'float32'): Record<string, NativeTensor> {
  const out: Record<string, NativeTensor> = {};
  for (const p of params) out[p.name] = { shape: [...p.shape], data: dtype === 'native' ? p.value.slice() : Float32Array.from(p.value) };
  return out;
}

/**
 * Copies a map into the parameters. Validates everything before copying anything, so a bad map leaves
 * the model untouched. Throws when names are missing or unexpected, or a shape or length differs.
 */
export function importParams(params: NamedParam[], map: Record<string, TensorLike>): void {
  const names = new Set(params.map((p) => p.name));
  const missing = params.filter((p) => !(p.name in map)).map((p) => p.name);
  const unexpected = Object.keys(map).filter((k) => !names.has(k));
  if (missing.length || unexpected.length) {
    const parts = [];
    if (missing.length) parts.push(`missing ${missing.join(', ')}`);
    if (unexpected.length) parts.push(`unexpected ${unexpected.join(', ')}`);
    throw new Error(`State dict does not match the model: ${parts.join('; ')}`);
  }
  for (const p of params) {
    const t = map[p.name];
    if (!sameShape(t.shape, p.shape)) {
      throw new Error(`State dict tensor ${p.name} has shape ${fmt(t.shape)} but the model expects ${fmt(p.shape)}`);
    }
    if (t.data.length !== p.value.length) {
      throw new Error(`State dict tensor ${p.name} has ${t.data.length} values but its shape ${fmt(t.shape)} needs ${p.value.length}`);
    }
  }
  for (const p of params) {
    const d = map[p.name].data;
    for (let i = 0; i < d.length; i++) p.value[i] = d[i];
  }
}
