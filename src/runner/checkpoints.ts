// A run's checkpoints: checkpoints/<label>.safetensors holds the parameters (a PyTorch state_dict) and
// <label>.state.safetensors the trainer's state; both carry the step, the data stream's position, the wall time, the
// record files' lengths and the best validation loss so far in their metadata, so a resume continues exactly where the
// run was. Both halves are written before either replaces an older file (files.ts), so a failed write leaves the
// previous checkpoint the newest. Readers skip a checkpoint that does not read back whole, with a warning.
import { existsSync } from 'node:fs';
import type { Buf } from '../engine/backend';
import type { SequenceModel } from '../engine/model';
import { importParams } from '../engine/statedict';
import type { StreamState } from './data/batches';
import { fileDiagnostic, InputError } from './diagnostics';
import { writeFilesAtomic } from './files';
import { checkpointFiles, checkpointPair, type CheckpointFiles, type RecordSizes } from './runDir';
import { encodeSafetensors, readSafetensors, SafetensorsError, type SafeData, type SafeFile } from './safetensors';

export type Params = Record<string, { shape: number[]; data: SafeData }>;

/** The lowest validation loss so far and the step it came at. */
export interface Best { step: number; valLoss: number }

export interface Checkpoint {
  params: Params;
  state: Record<string, Buf>;
  step: number;
  stream: StreamState;
  wallTimeSec: number;
  /** Lengths of the record files when it was written; null in checkpoints of older versions. */
  records: RecordSizes | null;
  best: Best | null;
}

/** Writes both halves of checkpoint `label` together. */
export function writeCheckpoint(runDir: string, label: string, cp: Checkpoint): void {
  const meta: Record<string, string> = {
    format: 'pt', step: String(cp.step), stream: JSON.stringify(cp.stream), wallTimeSec: String(cp.wallTimeSec),
  };
  if (cp.records) meta.records = JSON.stringify(cp.records);
  if (cp.best) meta.best = JSON.stringify(cp.best);
  const files = checkpointPair(runDir, label);
  const state = Object.fromEntries(Object.entries(cp.state).map(([k, v]) => [k, { shape: [v.length], data: v }]));
  writeFilesAtomic([
    { file: files.params, data: encodeSafetensors(cp.params, meta) },
    { file: files.state, data: encodeSafetensors(state, meta) },
  ]);
}

/**
 * The newest checkpoint of a run that reads back whole, with its label. Each newer one that does not (a half missing,
 * a file truncated or garbled) is reported through `warn`, naming the file and what is wrong with it.
 */
export function readLatestCheckpoint(runDir: string, warn: (message: string) => void): (Checkpoint & { label: string }) | null {
  for (const files of checkpointFiles(runDir)) {
    try {
      return { ...readCheckpoint(files), label: files.label };
    } catch (e) {
      warn(`checkpoint ${files.label} cannot be used: ${(e as Error).message}; trying the one before it`);
    }
  }
  return null;
}

function readCheckpoint(files: CheckpointFiles): Checkpoint {
  // A run killed between the two renames leaves one half of a newer step.
  if (!existsSync(files.state)) throw new Error(`${files.state} is missing`);
  const p = readSafetensors(files.params);
  const s = readSafetensors(files.state);
  if (p.metadata.step !== s.metadata.step) {
    throw new Error(`${files.params} is from step ${p.metadata.step} but ${files.state} from step ${s.metadata.step}`);
  }
  const state: Record<string, Buf> = {};
  for (const [k, t] of Object.entries(s.tensors)) if (!(t.data instanceof Int32Array)) state[k] = t.data;
  const meta = (key: string) => {
    try {
      return s.metadata[key] === undefined ? null : JSON.parse(s.metadata[key]) as unknown;
    } catch {
      throw new Error(`${files.state} has unreadable "${key}" metadata`);
    }
  };
  const stream = meta('stream') as StreamState | null;
  if (!stream) throw new Error(`${files.state} has no data stream position in its metadata`);
  return {
    params: floatParams(files.params, p), state, step: Number(s.metadata.step), stream,
    wallTimeSec: Number(s.metadata.wallTimeSec ?? 0), records: meta('records') as RecordSizes | null, best: meta('best') as Best | null,
  };
}

/** The tensors of a parameter file, refusing any that is not floating point (an int32 label on float bits). */
function floatParams(file: string, f: SafeFile): Params {
  for (const [name, t] of Object.entries(f.tensors)) {
    if (t.dtype !== 'F32' && t.dtype !== 'F64') {
      throw new SafetensorsError(file, `tensor ${name} has dtype ${t.dtype}; parameters must be floating point (F32 or F64)`);
    }
  }
  return f.tensors;
}

export type CheckpointChoice = 'latest' | 'best';

/** A run's parameters for predictions and samples, and which checkpoint they came from. */
export interface TrainedParams { label: string; step: number; valLoss: number | null; params: Params }

/**
 * The parameters of the newest checkpoint that reads back (each damaged newer one reported through `warn`), or of
 * "best". Throws an InputError when there is none to use.
 */
export function readTrainedParams(runDir: string, choice: CheckpointChoice, warn: (message: string) => void): TrainedParams {
  const candidates = choice === 'best' ? [checkpointPair(runDir, 'best')] : checkpointFiles(runDir);
  for (const files of candidates) {
    if (!existsSync(files.params)) continue;
    try {
      const f = readSafetensors(files.params);
      const best = f.metadata.best ? (JSON.parse(f.metadata.best) as Best) : null;
      const valLoss = files.label === 'best' && best ? best.valLoss : null;
      return { label: files.label, step: Number(f.metadata.step), valLoss, params: floatParams(files.params, f) };
    } catch (e) {
      warn(`checkpoint ${files.label} cannot be used: ${(e as Error).message}${choice === 'latest' ? '; trying the one before it' : ''}`);
    }
  }
  const why = choice === 'best'
    ? 'the run has no usable best checkpoint (it is written when a validation loss improves; runs without validation data have none); use --checkpoint latest'
    : 'the run has no usable checkpoint';
  throw new InputError([fileDiagnostic(runDir, why)]);
}

/** Loads a safetensors state_dict into the model (--init): every name must match, every shape agree, dtypes be float. */
export function loadInit(model: SequenceModel, file: string): void {
  let tensors;
  try {
    tensors = floatParams(file, readSafetensors(file));
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
