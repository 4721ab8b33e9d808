// README.md of an export: what is in the folder and how to run it on one machine, on several GPUs and on a cluster,
// and how the runs come back to SeqLab.
import type { ExportManifest } from './manifest';

/** The sequence-to-sequence part of the model line: the decoder and its attention. */
function decoderLine(m: ExportManifest): string {
  const d = m.model.decoder!;
  const attention = d.attention === 'none' ? 'no attention' : `${d.attention} attention${d.inputFeeding ? ' with input feeding' : ''}`;
  return `; decoder: the same cells, target embedding ${d.embeddingDim}, ${attention}, ${d.vocabSize} target tokens`
    + `${m.model.bidirectional ? ', started through a tanh bridge from both directions' : ''}`;
}

function describe(m: ExportManifest): string {
  const s = m.model;
  const head = `head "${s.head.output}" → ${s.head.size}`;
  if (s.transformer) {
    const o = s.transformer;
    const input = s.embedding ? 'token embedding' : 'input projection';
    return `${s.numLayers}-layer Transformer encoder (${o.normFirst ? 'pre-norm' : 'post-norm'}), width ${s.hiddenSize}, ${o.heads} heads, `
      + `feed-forward ${o.feedForward} (${o.activation}), ${input} + ${o.positional} positions${o.causal ? ', causal' : ''}`
      + `${s.dropout > 0 ? `, dropout ${s.dropout}` : ''}, ${head}`;
  }
  const cell = s.cell === 'gru' ? `GRU (${s.variant})` : s.cell === 'rnn' ? `RNN (${s.nonlinearity})` : 'LSTM';
  const extras = [s.bidirectional && 'bidirectional', s.residual && 'residual', s.layerNorm && 'layer norm',
    s.dropout > 0 && `dropout ${s.dropout}`, s.embedding && `embedding ${s.embedding.dim}`].filter(Boolean).join(', ');
  if (s.decoder) return `encoder: ${s.numLayers}-layer ${cell}, hidden ${s.hiddenSize}${extras ? `, ${extras}` : ''}${decoderLine(m)}`;
  return `${s.numLayers}-layer ${cell}, hidden ${s.hiddenSize}${extras ? `, ${extras}` : ''}, ${head}`;
}

/** What model.py is, per model kind. */
const MODEL_PY: Record<ExportManifest['kind'], string> = {
  recurrent: 'torch\'s RNN/GRU/LSTM modules (cuDNN on GPUs) where they compute SeqLab\'s cells, step by step where they do not and where the gradient flow is recorded',
  transformer: 'torch.nn.TransformerEncoder (batch_first) between the input projection or embedding with positions and the head; padded steps masked as keys, a causal mask for per-step targets',
  seq2seq: 'an encoder and a decoder of torch\'s RNN/GRU/LSTM modules (step by step where SeqLab\'s cells or the gradient flow need it), attention after each decoder step, teacher-forced training (all steps at once without input feeding) and greedy decoding',
};

/** What the probe sequences record, per model kind. */
const PROBE_FILE: Record<ExportManifest['kind'], string> = {
  recurrent: 'gates.jsonl (gate traces)', transformer: 'selfattention.jsonl (attention maps)',
  seq2seq: 'gates.jsonl (the encoder\'s gate traces), attention.jsonl (alignments of the greedy decodings of the probe pairs)',
};

/** What a sequence-to-sequence train.py trains and evaluates, and what it leaves to SeqLab. */
function seq2seqNotes(m: ExportManifest): string {
  const ratio = m.train.teacherForcing ?? 1;
  const d = m.config.decode;
  const forcing = ratio === 1 ? 'every decoder step is fed the reference token'
    : `each decoder step after the first is fed the reference token when a draw of SeqLab's own generator (its dropout stream, saved in the checkpoints) is below ${ratio}, else the previous step's most probable token: the same draws as SeqLab's`;
  return `

Training is teacher-forced: ${forcing}. The loss is the cross entropy averaged over the target tokens (the end token
included, padding left out). Each evaluation records the validation loss and the greedy decodings' exactMatch,
tokenAccuracy and bleu (corpus BLEU-4, 0-100, as NLTK's corpus_bleu); tasks.jsonl gets the first ${d.examples}
validation pairs decoded greedily and by beam search (width ${d.beam}, ranked by log p / length^${d.lengthNormalization})
and the first probe's beam hypotheses; the probe pairs' greedy decodings and their attention weights go to
attention.jsonl.`;
}

/** Why the Transformer's key biases may drift from SeqLab's in float32 without changing anything it computes. */
const KEY_BIAS = `
The attention key biases (\`self_attn.in_proj_bias[d:2d]\`) add the same amount to every score of a query, which the
softmax removes: their gradient is zero but for rounding, and in float32 Adam-like optimizers turn that rounding into
steps, so these values drift apart from SeqLab's while every output, loss and other weight stays as in SeqLab.`;

export function exportReadme(m: ExportManifest): string {
  const r = m.run;
  const rows = (split: 'train' | 'validation') => m.data.files[split].length;
  return `# ${r.name}: exported from SeqLab to PyTorch

Model: ${describe(m)}. Loss ${m.train.loss}, optimizer ${m.train.optimizer.type}, schedule ${m.train.schedule.type},
${m.train.tbptt !== null ? `truncated BPTT (k = ${m.train.tbptt})` : m.kind === 'recurrent' ? 'full BPTT' : 'whole sequences'}, ${r.steps} steps of ${r.batchSize} sequences${r.shuffle ? ' (shuffled each epoch, in SeqLab\'s order)' : ''}.

| file | what |
|---|---|
| \`train.py\` | the training loop: data, loss, optimizer, schedule, clipping, truncated BPTT, DDP, SeqLab run folders |
| \`model.py\` | the model with SeqLab's (PyTorch state_dict) parameter names: ${MODEL_PY[m.kind]} |
| \`init.safetensors\` | the exact weights SeqLab starts from (same seed, same initialization) |
| \`data/\` | the rows in SeqLab's order and encoding: ${rows('train')} training and ${rows('validation')} validation shard(s) |
| \`seqlab-export.json\` | the model and training settings train.py reads, and the run.json / config.json of its runs |

Nothing here imports SeqLab. It needs Python 3.8+ and PyTorch 1.13 or newer.

## One machine

    python3 train.py                 # the GPU when there is one, else the CPU
    python3 train.py --device cpu --steps 200

Flags: \`--steps N\` (total updates to reach), \`--device auto|cpu|cuda|cuda:N\`, \`--runs-dir DIR\` (default
\`.seqlab/runs\` here), \`--resume RUN_DIR\` (continue from its newest checkpoint), \`--init CHECKPOINT\` (start from a
state_dict), \`--dtype float32|float64\` (default ${r.dtype}, as SeqLab trains this experiment).

## Several GPUs (DistributedDataParallel)

    torchrun --standalone --nproc_per_node=4 train.py

Each global batch of ${r.batchSize} sequences is split across the processes and the gradients are summed, so the
updates are those of one process (up to floating-point rounding); the number of processes must divide ${r.batchSize}.
GPUs use NCCL; without GPUs the processes use gloo on the CPU (\`torchrun --standalone --nproc_per_node=2 train.py
--device cpu\`). Only rank 0 writes the run folder. (Debian 12's PyTorch 1.13 under Python 3.11 fails to parse
torchrun's default \`--redirects\`; add \`--redirects 1 --tee 1\` there.)

## A cluster

Start the same command on every node, with torchrun's rendezvous pointing at one of them:

    torchrun --nnodes=2 --nproc_per_node=8 --rdzv_id=${r.name.replace(/[^A-Za-z0-9_-]/g, '_')} --rdzv_backend=c10d \\
             --rdzv_endpoint=node0.example:29400 train.py

With SLURM, one task per node: \`srun torchrun --nnodes=$SLURM_NNODES --nproc_per_node=8 --rdzv_id=$SLURM_JOB_ID
--rdzv_backend=c10d --rdzv_endpoint=$(hostname):29400 train.py\`. Copy this folder to a file system every node reads;
the run folder is written on the node of rank 0 (use \`--runs-dir\` on shared storage).

## Bringing the runs back to SeqLab

A run folder (\`.seqlab/runs/<run-id>/\`) has SeqLab's files: run.json, config.json, metrics.jsonl, gradflow.jsonl,
${PROBE_FILE[m.kind]}, tasks.jsonl, checkpoints/*.safetensors and summary.json. With this folder inside the workspace, the SeqLab
extension lists its runs under the experiment (updated while they train) and opens their dashboards;
\`seqlab runs\` lists them, \`seqlab report <run-dir>\` writes the offline report, \`seqlab run --resume <run-dir>\`
continues one in SeqLab (with the original config and data where they were), and
\`seqlab run <config> --init <run-dir>/checkpoints/final.safetensors\` starts a new run from its weights.

Differences from SeqLab: dropout masks come from PyTorch's generator (SeqLab's own are not reproduced), and the task
views besides the confusion matrix and translations (forecast plots, text samples, per-step labels) are not
recorded.${m.kind === 'transformer' ? KEY_BIAS : ''}${m.kind === 'seq2seq' ? seq2seqNotes(m) : ''}

## The data files

Each \`data/<split>-NNNNN.safetensors\` holds \`lengths\` [rows] and, concatenated over its rows, \`x\` [steps, features]
(float32) or \`tokens\` [steps] (int32) and \`y\` (float64 targets or int32 class ids, per sequence or per step; for
sequence-to-sequence pairs the target token ids, with their \`target_lengths\` [rows]). More
shards can be added by listing them in \`seqlab-export.json\` (data.files). Input: ${m.data.input.kind === 'tokens' ? `${m.data.input.vocab.length} tokens` : `${m.data.input.size} features`}${m.data.target.kind === 'sequence' ? `; targets: ${m.data.target.vocab.length} tokens` : ''}${m.data.normalization ? ' (z-scored with the training part\'s mean and standard deviation, in seqlab-export.json)' : ''}.
`;
}
