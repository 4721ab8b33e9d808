// Text from a trained character-level run, with one of its checkpoints (the newest by default).
import { Rng } from '../engine/rng';
import { UnusableInputError } from './diagnostics';
import { sampleText } from './evaluate';
import { loadTrainedModel, type LoadModelOptions } from './savedRun';

export interface SampleOptions extends LoadModelOptions {
  /** Without a seed every call gives a different text. */
  seed?: number;
  temperature?: number;
  length?: number;
  prime?: string;
}

/** Generates text; options left out take the run's data.sample settings. */
export function sampleRun(runDir: string, opts: SampleOptions = {}): string {
  const { exp, model } = loadTrainedModel(runDir, opts);
  const data = exp.config.data;
  if (data.source !== 'text') throw new UnusableInputError('sample needs a run trained on text data (data.source "text")');
  const s = data.sample;
  return sampleText(model, exp, new Rng(opts.seed ?? Date.now() % 1e9 | 0), {
    temperature: opts.temperature ?? s.temperature, length: opts.length ?? s.length, prime: opts.prime ?? s.prime,
  });
}
