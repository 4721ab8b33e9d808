// `seqlab export <run-dir> --format onnx`: a trained run's newest checkpoint as an ONNX model, written from TypeScript
// (proto.ts) so the path needs no Python, uses ONNX's own RNN/GRU/LSTM operators where they fit and keeps the sequence
// length dynamic (a traced torch.onnx.export of the step-by-step model would fix it). One graph builder per model
// kind in GRAPHS: recurrent.ts for the recurrent stack; the Transformer has none yet, so its ONNX export is refused.
import { resolve } from 'node:path';
import type { SequenceModel } from '../../../engine/model';
import { writeFileAtomic } from '../../files';
import { loadTrainedModel, type LoadModelOptions } from '../../savedRun';
import { InputError, fileDiagnostic } from '../../diagnostics';
import type { ModelSpec } from '../../../engine/spec';
import { modelKind, type ModelKind } from '../manifest';
import { encodeModel, type GraphValue } from './proto';
import { recurrentGraph } from './recurrent';

const GRAPHS: Partial<Record<ModelKind, (model: SequenceModel) => GraphValue>> = { recurrent: recurrentGraph };

/** Why a model has no ONNX export (the config field that makes it so), or null when it has one. */
export function onnxUnexportable(spec: ModelSpec): { field: string; message: string } | null {
  if (spec.cell === 'transformer') {
    return { field: 'model.cell', message: 'exporting the Transformer to ONNX is not supported yet: only recurrent models (rnn, gru, lstm) export to ONNX; "seqlab export <config>" exports it to PyTorch' };
  }
  if (spec.decoder) {
    return { field: 'model.decoder', message: 'exporting sequence-to-sequence models to ONNX is not supported yet: only recurrent models (rnn, gru, lstm) without a decoder export to ONNX; "seqlab export <config>" exports it to PyTorch' };
  }
  return null;
}

export function modelGraph(model: SequenceModel): GraphValue {
  const build = GRAPHS[modelKind(model.spec)];
  if (!build) throw new Error(`internal: no ONNX graph for this model; check onnxUnexportable() first`);
  return build(model);
}

/** The model's ONNX bytes, its inputs and output described in the model's doc string. */
export function onnxBytes(model: SequenceModel, version: string, source: string): Uint8Array {
  const input = model.spec.embedding ? 'tokens: int64 [batch, steps] token ids' : `x: float32 [batch, steps, ${model.spec.inputSize}]`;
  const out = model.spec.head.output === 'all' ? '[batch, steps, size]' : '[batch, size]';
  const doc = `SeqLab model from ${source}. Inputs: ${input}; lengths: int64 [batch] valid steps of each sequence (padding at the end). `
    + `Output y: float32 ${out}, the head's output after its activation (${model.spec.head.activation}), as "seqlab predict" gives; `
    + 'for "all", steps past a sequence\'s length are not meaningful.';
  return encodeModel(modelGraph(model), version, doc);
}

/** Writes the run's newest usable checkpoint as ONNX to outFile (atomically). Returns the checkpoint's label. */
export function exportOnnx(runDir: string, outFile: string, opts: LoadModelOptions = {}, version = '0'): string {
  const { exp, model, checkpoint } = loadTrainedModel(runDir, opts);
  const refused = onnxUnexportable(model.spec);
  if (refused) throw new InputError([fileDiagnostic(exp.configFile, refused.message, refused.field)]);
  writeFileAtomic(resolve(outFile), onnxBytes(model, version, `${runDir} (checkpoint ${checkpoint.label}, step ${checkpoint.step})`));
  return checkpoint.label;
}
