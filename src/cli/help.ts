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
  evaluate <run-dir> [data]        score a trained run on its validation data (or a JSONL file); print the metrics
  claims [folder]         run the examples that test the model documents' claims; print what holds
  export <config>         write a PyTorch training folder (train.py for one GPU or torchrun); --format onnx: a model
  backends                list the compute backends: which start here and why not, what they run, what auto picks

Run "seqlab <command> --help" for a command's options, "seqlab --version" for the version.
Exit codes: 0 done, 1 training failed (divergence, a full disk), 2 bad config or input, 130 stopped by Ctrl-C.`,
  run: `Usage: seqlab run <config> [options]
       seqlab run [<config>] --resume <run-dir> [options]

Trains the experiment. Runs go to <config dir>/.seqlab/runs/<run-id>/ (config output.runsDir).
Options:
  --out <run-dir>          write the run to this folder (with a sweep: one subfolder per combination)
  --init <ckpt.safetensors> start from these parameters (state_dict names, shapes, float dtypes must match)
  --resume <run-dir>       continue a stopped or killed run from its newest checkpoint (a run killed before its
                           first checkpoint starts again from step 0; a completed run is left as it is). The
                           config is found above the run's runs folder or next to the run folder; a <config>
                           given must be the one the run was started from
  --allow-changed-data     with --resume: go on although the data file changed since the run started
  --backend <name>         override backend.name (reference, reference64, wasm, wasm:simd128, gpu.js, ...;
                           "seqlab backends" lists them)
  --threads <n>            at most n threads for the wasm backend's large matrix products and row-wise kernels
                           (default 0: every core, up to 8); the results are the same bits on any number of threads
  --workspace <dir>        data files must be inside this folder (default: the config's folder)
Ctrl-C stops after the current step and saves a checkpoint (status "stopped", exit code 130).`,
  validate: `Usage: seqlab validate <config> [--workspace <dir>]

Checks the config against the schema, loads its data and checks shapes. Prints every problem as
file:line:column and exits 2 when there is any.`,
  runs: `Usage: seqlab runs [folder]

Lists runs found in .seqlab/runs folders under [folder] (default: the current folder), newest first.`,
  report: `Usage: seqlab report <run-dir> [<run-dir> ...] [--out <file.html>]

Writes a self-contained offline HTML page with the run's dashboard (default: <run-dir>/report.html).
Several run folders give one page that compares them (default: comparison.html beside the first).
\`seqlab run\` writes this report by itself when it ends.`,
  sample: `Usage: seqlab sample <run-dir> [--temperature <t>] [--length <n>] [--prime <text>] [--seed <n>] [--checkpoint latest|best]
                     [--workspace <dir>]

Generates text with a trained character-level model: its newest checkpoint, or with --checkpoint best the one
with the lowest validation loss. Says on stderr which checkpoint it used.`,
  predict: `Usage: seqlab predict <run-dir> <data> [--checkpoint latest|best] [--workspace <dir>] [--beam <k>] [--probs]

Reads sequences in the run's JSONL format ({"x": ...}; "y" is optional and ignored) and prints one JSON line of
predictions per sequence: class labels for classifiers, numbers for regression. A CSV run reads x in the CSV's
units (one row of the input columns per step), or a .csv file with its input columns: one prediction per window of
rows, each for horizon rows past the window's last row (the last lines forecast past the file's end); predictions
are in the target columns' units. Uses the run's newest checkpoint,
or with --checkpoint best the one with the lowest validation loss, and says on stderr which. The run's data file is
read again (for its vocabulary, labels or scaling) from where the run's config is, inside --workspace if given.
A sequence-to-sequence run reads sources instead: JSONL lines {"source": "..."} (a .jsonl file), two-column TSV, or
one plain text line each (any other file), and prints each decoded target as a JSON string.
  --beam <k>               beam width (1: greedy; default the run's decode.beam)
  --probs                  classifiers: print each class's probability, {"label": p, ...} (per step: a list of them)`,
  evaluate: `Usage: seqlab evaluate <run-dir> [<data.jsonl>] [--checkpoint latest|best] [--workspace <dir>]

Scores the run's newest checkpoint (or with --checkpoint best the one with the lowest validation loss) on the run's
validation data, as training does, and prints the loss and every metric with its meaning and unit. A JSONL run can be
scored on another file of its format ({"x": ..., "y": ...}), read with the run's vocabulary and labels.`,
  claims: `Usage: seqlab claims [folder ...] [--quick] [--out <dir>]

Runs the experiments of every claim under each folder (default: ./examples) and prints a table: claim, experiment,
measured outcome, and whether it holds. A folder holding claim.json is one claim; otherwise its subfolders are searched
(the model documents' claims in order, then any others). Exit code 0 when every claim holds, 1 when one does not.
Options:
  --quick        the shortened versions (each claim.json's "quick" overrides: fewer steps), as the tests run them
  --out <dir>    write the runs to <dir>/<claim>/<config>/<sweep values> (default: each config's .seqlab/runs)`,
  export: `Usage: seqlab export <config> [--out <dir>] [--init <ckpt.safetensors>] [--workspace <dir>]
       seqlab export <run-dir> --format onnx [--out <model.onnx>]

PyTorch (the default): writes a self-contained folder (default: <config>-pytorch beside the config) with train.py
and model.py (plain PyTorch, no SeqLab needed: the recurrent stack, the Transformer as torch.nn.TransformerEncoder,
or a sequence-to-sequence encoder and attention decoder), init.safetensors (the exact initial weights, or --init's),
the data in SeqLab's order and a README. "python3 train.py" trains on the CPU or a GPU, "torchrun --nproc_per_node=N
train.py" on N GPUs with DDP; either writes a SeqLab run folder (.seqlab/runs/ in the export) that the dashboard and
"seqlab report" show. With a sweep, one subfolder per combination. A sequence-to-sequence train.py trains with
teacher forcing (SeqLab's coin flips when teacherForcing < 1) and records what SeqLab does: validation loss, greedy
decoding's exactMatch, tokenAccuracy and bleu, examples decoded greedily and by beam search, and alignments.
ONNX (recurrent models without a decoder only): writes the run's newest checkpoint as an ONNX model (default: <run-dir>/model.onnx) with inputs "x" (features,
[batch, steps, features]) or "tokens" (int64 ids) and "lengths" (int64 [batch]), and output "y" (the head's output
with its activation, as "seqlab predict" gives).`,
  backends: `Usage: seqlab backends [--threads <n>]

Lists every backend the config's backend.name (or --backend) can name: whether it starts in this process, and if not
why; what it runs here ("kernels": the wasm backend's kernel flavour, relaxed-simd with fused multiply-add or
baseline simd128, and "×N threads" when its large products and row-wise kernels are split across N threads, or why it gets one
thread; the GPU.js mode; the reference backend's dtype); and which one "auto" would pick. The threads are those a
run would get (--threads as for run: a cap, 0 for every core up to 8), checked by starting them.`,
};
