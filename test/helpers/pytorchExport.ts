// Exporting an experiment to PyTorch and running its train.py with Debian's python3-torch (/usr/bin/python3, not a
// pyenv python3 earlier on PATH). Shared by the runner, CLI and webview tests. Tests fail, not skip, without torch.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { exportConfig, type PyTorchExportOptions } from '../../src/runner/export/pytorch';
import { tempWorkspace } from './workspace';

export const PYTHON = '/usr/bin/python3';

let torchChecked = false;

/** Throws a message that says what to install when /usr/bin/python3 cannot import torch. */
export function requireTorch(): void {
  if (torchChecked) return;
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${PYTHON} cannot import torch: install Debian's python3-torch (and libopenblas0-pthread); .ci/run does.\n${r.stderr}`);
  torchChecked = true;
}

/** Runs a command of the export folder (python3 train.py ..., torchrun ...) and fails with its output if it fails. */
export function runIn(dir: string, command: string, args: string[], env: Record<string, string> = {}, expectOk = true): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, {
    cwd: dir, encoding: 'utf8', timeout: 180_000,
    env: { ...process.env, OMP_NUM_THREADS: '1', ...env },
  });
  if (expectOk && r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** The only (or newest) run folder under a runs folder. */
export function newestRun(runsDir: string): string {
  return join(runsDir, readdirSync(runsDir).sort().pop()!);
}

export interface ExportedRun {
  workspace: string;
  configFile: string;
  exportDir: string;
  /** The run folder train.py wrote. */
  runDir: string;
}

/** Writes the files into a new workspace, exports the config and trains it with train.py (extra: its flags). */
export function exportAndTrain(files: Record<string, string | object>, extra: string[] = [], opts: PyTorchExportOptions = {}): ExportedRun {
  requireTorch();
  const workspace = tempWorkspace(files, 'seqlab-export-');
  const configFile = join(workspace, Object.keys(files).find((f) => f.endsWith('.seqlab.json'))!);
  const exportDir = join(workspace, 'export');
  exportConfig(configFile, exportDir, opts);
  runIn(exportDir, PYTHON, ['train.py', '--device', 'cpu', ...extra]);
  return { workspace, configFile, exportDir, runDir: newestRun(join(exportDir, '.seqlab', 'runs')) };
}
