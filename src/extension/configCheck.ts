// Everything wrong with a config text, for the editor: the runner's schema check (parseConfig) and, when that
// passes, its semantic checks against the data (prepareExperiment: missing files, shapes, loss vs targets), for
// every sweep combination. Works on unsaved text; data files are read from disk.
import { expandSweep, parseConfig } from '../runner/config/load';
import { InputError, fileDiagnostic, type Diagnostic } from '../runner/diagnostics';
import { prepareExperiment } from '../runner/experiment';

export function checkConfigText(file: string, text: string, workspace: string): Diagnostic[] {
  const loaded = parseConfig(file, text);
  if (!loaded.config) return loaded.diagnostics;
  const out: Diagnostic[] = [];
  try {
    for (const run of expandSweep(loaded.source, loaded.config)) {
      try {
        out.push(...prepareExperiment(loaded.source, run, { workspace, warnings: loaded.diagnostics }).warnings);
      } catch (e) {
        if (e instanceof InputError) out.push(...e.diagnostics);
        else out.push(fileDiagnostic(file, `cannot check this config against its data: ${(e as Error).message}`));
      }
    }
  } catch (e) {
    out.push(fileDiagnostic(file, (e as Error).message));
  }
  return out;
}
