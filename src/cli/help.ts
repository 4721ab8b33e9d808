// What `seqlab --help` and `seqlab <command> --help` print.
import type { Command } from './args';

export const HELP: Record<Command | 'main', string> = {
  main: `seqlab — train RNNs, GRUs and LSTMs from *.seqlab.json experiments

Usage: seqlab <command> [options]

Commands:
  run <config>            train (every sweep combination, one after another)
  validate <config>       check a config and its data without training
  runs [folder]           list runs under <folder>/.seqlab/runs (default: the current folder)
  report <run-dir>...     write an offline HTML report of a run (or compare several)
  sample <run-dir>        generate text from a trained character model
  predict <run-dir> <data>         print predictions (or translations) for new sequences

Run "seqlab <command> --help" for a command's options, "seqlab --version" for the version.
Exit codes: 0 done, 1 training failed (NaN or divergence), 2 bad config or input.`,
  run: `Usage: seqlab run <config> [options]

Trains the experiment. Runs go to <config dir>/.seqlab/runs/<run-id>/ (config output.runsDir).
Options:
  --out <run-dir>          write the run to this folder (with a sweep: one subfolder per combination)
  --init <ckpt.safetensors> start from these parameters (state_dict names and shapes must match exactly)
  --resume <run-dir>       continue a stopped or killed run from its newest checkpoint (no <config> needed)
  --backend <name>         override backend.name (reference, reference64, gpu.js, gpu.js:cpu, ...)
  --workspace <dir>        data files must be inside this folder (default: the config's folder)
Ctrl-C stops after the current step and saves a checkpoint (status "stopped").`,
  validate: `Usage: seqlab validate <config> [--workspace <dir>]

Checks the config against the schema, loads its data and checks shapes. Prints every problem as
file:line:column and exits 2 when there is any.`,
  runs: `Usage: seqlab runs [folder]

Lists runs found in .seqlab/runs folders under [folder] (default: the current folder), newest first.`,
  report: `Usage: seqlab report <run-dir> [<run-dir> ...] [--out <file.html>]

Writes a self-contained offline HTML page with the run's dashboard (default: <run-dir>/report.html).
Several run folders give one page that compares them (default: comparison.html beside the first).
\`seqlab run\` writes this report by itself when it ends.`,
  sample: `Usage: seqlab sample <run-dir> [--temperature <t>] [--length <n>] [--prime <text>] [--seed <n>]

Generates text with a trained character-level model (its newest checkpoint).`,
  predict: `Usage: seqlab predict <run-dir> <data> [--beam <k>]

Reads sequences in the run's JSONL format ({"x": ...}; "y" is optional and ignored) and prints one JSON line of
predictions per sequence: class labels for classifiers, numbers for regression.
A sequence-to-sequence run reads sources instead: JSONL lines {"source": "..."} (a .jsonl file), two-column TSV, or
one plain text line each (any other file), and prints each decoded target as a JSON string.
  --beam <k>               beam width (1: greedy; default the run's decode.beam)`,
};
