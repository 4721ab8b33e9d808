// A run's checkpoints: checkpoints/<label>.safetensors holds the parameters (a PyTorch state_dict) and
// <label>.state.safetensors the trainer's state; both carry the step, the data stream's position and the wall time
// in their metadata, so a resume continues exactly where the run was.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Buf } from '../engine/backend';
import type { SequenceModel } from '../engine/model';
import { importParams } from '../engine/statedict';
import type { StreamState } from './data/batches';
import { fileDiagnostic, InputError } from './diagnostics';
import { checkpointFiles } from './runDir';
import { readSafetensors, SafetensorsError, writeSafetensors, type SafeData } from './safetensors';

export interface Checkpoint {
  params: Record<string, { shape: number[]; data: SafeData }>;
  state: Record<string, Buf>;
  step: number;
  stream: StreamState;
  wallTimeSec: number;
}

/** Writes both halves of checkpoint `label`, parameters first (a reader needs both, from the same step). */
export function writeCheckpoint(checkpointsDir: string, label: string, cp: Checkpoint): void {
  const meta = { format: 'pt', step: String(cp.step), stream: JSON.stringify(cp.stream), wallTimeSec: String(cp.wallTimeSec) };
  writeSafetensors(join(checkpointsDir, `${label}.safetensors`), cp.params, meta);
  writeSafetensors(join(checkpointsDir, `${label}.state.safetensors`),
    Object.fromEntries(Object.entries(cp.state).map(([k, v]) => [k, { shape: [v.length], data: v }])), meta);
}

/**
 * The newest checkpoint of a run that reads back whole. Each newer one that does not (a half missing, a file
 * truncated or garbled) is reported through `warn`, naming the file and what is wrong with it.
 */
export function readLatestCheckpoint(runDir: string, warn: (message: string) => void): Checkpoint | null {
  for (const files of checkpointFiles(runDir)) {
    try {
      return readCheckpoint(files);
    } catch (e) {
      warn(`checkpoint ${files.label} cannot be used: ${(e as Error).message}; trying the one before it`);
    }
  }
  return null;
}

function readCheckpoint(files: { params: string; state: string }): Checkpoint {
  // A run killed between the two writes leaves the parameters without their state.
  if (!existsSync(files.state)) throw new Error(`${files.state} is missing`);
  const p = readSafetensors(files.params);
  const s = readSafetensors(files.state);
  if (p.metadata.step !== s.metadata.step) {
    throw new Error(`${files.params} is from step ${p.metadata.step} but ${files.state} from step ${s.metadata.step}`);
  }
  const state: Record<string, Buf> = {};
  for (const [k, t] of Object.entries(s.tensors)) if (!(t.data instanceof Int32Array)) state[k] = t.data;
  let stream: StreamState;
  try {
    stream = JSON.parse(s.metadata.stream) as StreamState;
  } catch {
    throw new Error(`${files.state} has no readable data stream position in its metadata`);
  }
  return { params: p.tensors, state, step: Number(s.metadata.step), stream, wallTimeSec: Number(s.metadata.wallTimeSec ?? 0) };
}

/** Loads a safetensors state_dict into the model (--init): every name must match and every shape agree. */
export function loadInit(model: SequenceModel, file: string): void {
  let tensors;
  try {
    tensors = readSafetensors(file).tensors;
  } catch (e) {
    const msg = e instanceof SafetensorsError ? e.message : `cannot read ${file}: ${(e as Error).message}`;
    throw new InputError([fileDiagnostic(file, msg, '--init')]);
  }
  try {
    importParams(model.params, tensors);
  } catch (e) {
    throw new InputError([fileDiagnostic(file, (e as Error).message, '--init')]);
  }
}
