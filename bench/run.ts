// `npm run bench`: SeqLab's training step against TensorFlow.js, brain.js and PyTorch, in one run on
// this machine. Prints tables with SeqLab's speed ratio to each system, checks the targets, and writes
// bench/results.json. A sequence-to-sequence step (bench/seq2seq.ts) and a Transformer step run against the same
// models in PyTorch. SeqLab's reference, Transformer and sequence-to-sequence steps run on one thread and on the
// thread team a run gets by default (every core). `--quick`: the three reference configurations and the Transformer step, SeqLab's wasm backend
// only. `--transformer`: the sequence-to-sequence and Transformer steps alone (SeqLab and PyTorch), printed,
// results.json left as it is.
// `--data [--small]`: peak memory of loading JSONL and CSV files (bench/dataMemory.ts) alone, printed.
// `--sizes`: the hidden-size sweep alone (bench/sizes.ts), printed, results.json left as it is (`--sizes --quick`:
// H = 128 and 512 only). `--cells lstm,gru,rnn`: the cells of the hidden-size sweep (default lstm).
import { cpus, loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { availableBackends } from '../src/runner/backends/registry';
import { probeWebGpu } from '../src/runner/backends/webgpu';
import { describeAdapter } from '../src/runner/backends/webgpuAdapter';
import { GPU_SIZES, REFERENCE, sizeConfigs, SWEEP, TRANSFORMER, type BenchConfig, type RecurrentCell } from './configs';
import { gpuSizesTable, measureGpuSizes, type GpuSweep } from './gpuSizes';
import { runDataMemory } from './dataMemory';
import { SEQ2SEQ } from './seq2seq';
import { measureSimdPeak } from './simdPeak';
import { measureSizes, sizesTable, type Peaks, type SizeRow } from './sizes';
import { measureBrain, measureTf, measureTorch, torchAvailable, type BrainResult, type TfResult } from './others';
import type { Timing } from './timing';
import type { SeqLabResult } from './seqlab';
import type { SeqLabJob, WorkerReply } from './seqlab-worker';

const transformerOnly = process.argv.includes('--transformer');
const sizesOnly = process.argv.includes('--sizes');
const quickSizes = sizesOnly && process.argv.includes('--quick');
const quick = process.argv.includes('--quick') || transformerOnly || sizesOnly;
const BUDGET_MS = quick ? 2000 : 4000;
const cellsArg = process.argv[process.argv.indexOf('--cells') + 1];
const SIZE_CELLS = (process.argv.includes('--cells') ? (cellsArg ?? '').split(',') : ['lstm']) as RecurrentCell[];
for (const c of SIZE_CELLS) if (!['lstm', 'gru', 'rnn'].includes(c)) throw new Error(`--cells: expected lstm, gru or rnn, got '${c}'`);
const PRIMARY = 'wasm';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

function machineLine(load: number[]): string {
  return `machine: ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, node ${process.version}; load average at start ${load.map((x) => x.toFixed(1)).join(' ')}`;
}

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

/**
 * SeqLab measurements in a worker thread, one job at a time, while the main thread's event-loop delay
 * is monitored (its worst value over every job is reported).
 */
class SeqLabRunner {
  private readonly worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(join(__dirname, 'seqlab-worker.ts'))});`, { eval: true });
  private readonly eld = monitorEventLoopDelay({ resolution: 5 });
  eventLoopMaxMs = 0;
  /** The worst delay during jobs on one thread and during jobs on the wasm thread team, apart. */
  readonly eventLoopMaxByTeam = { one: 0, team: 0 };

  async run(job: SeqLabJob): Promise<Outcome<SeqLabResult>> {
    this.eld.reset();
    this.eld.enable();
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`SeqLab worker exited with ${code}`));
      this.worker.once('message', (m: WorkerReply) => {
        this.worker.off('exit', onExit);
        resolve(m);
      });
      this.worker.once('exit', onExit);
      this.worker.postMessage(job);
    });
    this.eld.disable();
    this.eventLoopMaxMs = Math.max(this.eventLoopMaxMs, this.eld.max / 1e6);
    const kind = reply.ok && reply.result.threads > 1 ? 'team' : 'one';
    this.eventLoopMaxByTeam[kind] = Math.max(this.eventLoopMaxByTeam[kind], this.eld.max / 1e6);
    const what = `seqlab ${job.backend} ${job.config.id}`;
    if (reply.ok) log(`${what}: ${reply.result.ms.toFixed(1)} ms/step (${reply.result.steps} steps)`);
    else log(`${what}: FAILED ${reply.error}`);
    return reply.ok ? { ok: true, value: reply.result } : { ok: false, error: reply.error };
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

async function attempt<T>(what: string, f: () => Promise<T> | T): Promise<Outcome<T>> {
  try {
    const value = await f();
    return { ok: true, value };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    log(`${what}: FAILED ${error}`);
    return { ok: false, error };
  }
}

const fmt = (ms: number | undefined): string => (ms === undefined ? '—' : ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const ratio = (other: number | undefined, ours: number | undefined): string =>
  other === undefined || ours === undefined ? '—' : `${(other / ours).toFixed(2)}×`;
const pad = (s: string, n: number): string => s.padStart(n);
const okMs = <T extends { ms: number }>(o: Outcome<T> | undefined): number | undefined => (o?.ok ? o.value.ms : undefined);
const okTeam = (o: Outcome<SeqLabResult> | undefined): SeqLabResult | undefined => (o?.ok ? o.value : undefined);

async function main(): Promise<void> {
  const started = new Date();
  const load0 = loadavg();
  const sweep = quick ? [] : SWEEP;
  // 'gpu.js' is an alias of its first working mode, which is listed on its own; the wasm flavours have the sizes table.
  const available = quick ? [] : availableBackends().filter((b) => b.available);
  const others = available.map((b): string => b.name).filter((n) => n !== PRIMARY && n !== 'gpu.js' && !n.startsWith('wasm:'));
  // gpu.js:webgpu runs on whatever adapter WebGPU found: the table names it, and marks a software one (no speed figure).
  const webgpu = available.find((b) => b.name === 'gpu.js:webgpu');
  const softwareAdapter = Boolean(webgpu?.kernels?.includes('software adapter'));
  const label = (b: string) => (b === 'gpu.js:webgpu' && softwareAdapter ? `${b} *` : b);
  log(`${quick ? 'quick' : 'full'} run; SeqLab backends: ${[PRIMARY, ...others].join(', ')}`);

  // Each configuration's systems run back to back, so the machine's load drifts little between them.
  const runner = new SeqLabRunner();
  const sizes = (): Promise<SizeRow[]> => measureSizes(sizeConfigs(SIZE_CELLS).filter((c) => !quickSizes || c.H === 128 || c.H === 512),
    (backend, c, threads) => runner.run({ backend, config: c, budgetMs: BUDGET_MS, warmup: 1, minSteps: 3, threads }),
    async (c, threads) => {
      if (!torchAvailable().ok) return undefined;
      const r = await attempt(`torch ${threads}t ${c.id}`, () => measureTorch([c], threads, BUDGET_MS / 2).results[c.id].ms);
      if (r.ok) log(`torch ${threads} thread(s) ${c.id}: ${r.value.toFixed(1)} ms/step`);
      return r.ok ? r.value : undefined;
    });
  // The one-thread 128-bit SIMD peaks the sizes table is measured against, on this (otherwise idle) thread, before and
  // after the sweep: the better of the two, as load from other jobs only lowers it.
  const peaks = (): Peaks => ({ relaxed: measureSimdPeak('relaxed-simd'), simd128: measureSimdPeak('simd128') });
  const sizeSweep = async (): Promise<{ rows: SizeRow[]; peaks: Peaks }> => {
    const before = peaks();
    const rows = await sizes();
    const after = peaks();
    return { rows, peaks: { relaxed: Math.max(before.relaxed, after.relaxed), simd128: Math.max(before.simd128, after.simd128) } };
  };
  // gpu.js:webgpu beside the CPU path, when WebGPU finds an adapter: every size to 2048 on hardware, H = 64 on software.
  const gpuSweep = async (): Promise<{ sweep: GpuSweep | null; lines: string[] }> => {
    const probe = probeWebGpu();
    if (!probe.available) return { sweep: null, lines: [`gpu.js:webgpu not measured: ${probe.reason}`] };
    const software = probe.adapter.software;
    const sizes = software ? [64] : quickSizes ? [128, 512] : GPU_SIZES;
    const sweep = await measureGpuSizes(SIZE_CELLS, sizes, describeAdapter(probe.adapter), software,
      (backend, c, threads) => runner.run({ backend, config: c, budgetMs: BUDGET_MS, warmup: 1, minSteps: 3, threads }));
    return { sweep, lines: gpuSizesTable(sweep) };
  };
  if (sizesOnly) {
    const { rows, peaks: peak } = await sizeSweep();
    const gpu = await gpuSweep();
    await runner.close();
    console.log([machineLine(load0), '', ...sizesTable(rows, peak), '', ...gpu.lines, `load average at end ${loadavg().map((x) => x.toFixed(1)).join(' ')}`,
      `Main thread's worst event-loop delay while SeqLab trained in a worker: ${runner.eventLoopMaxByTeam.one.toFixed(1)} ms on one thread, `
      + `${runner.eventLoopMaxByTeam.team.toFixed(1)} ms on the thread team`].join('\n'));
    return;
  }
  const seqResults = new Map<string, Outcome<SeqLabResult>>();
  const tf: Record<'wasm' | 'cpu', Record<string, Outcome<TfResult>>> = { wasm: {}, cpu: {} };
  const brain: Record<string, Outcome<BrainResult>> = {};
  const torchCheck = torchAvailable();
  if (!torchCheck.ok) log(`PyTorch skipped: ${torchCheck.reason}`);
  const torch: Record<number, Record<string, Outcome<Timing & { torch: string }>>> = { 1: {}, 2: {} };
  const measureTorchOne = async (c: BenchConfig, threadCounts: number[]) => {
    if (!torchCheck.ok) return;
    for (const threads of threadCounts) {
      const r = await attempt(`torch ${threads}t ${c.id}`, () => {
        const run = measureTorch([c], threads, BUDGET_MS / 2);
        return { ...run.results[c.id], torch: run.torch };
      });
      torch[threads][c.id] = r;
      if (r.ok) log(`torch ${r.value.torch} ${threads} thread(s) ${c.id}: ${r.value.ms.toFixed(1)} ms/step`);
    }
  };

  // SeqLab on one thread, then on the thread team a training run gets by default (every core).
  const measureOurs = async (c: BenchConfig) => {
    seqResults.set(`${PRIMARY}|${c.id}`, await runner.run({ backend: PRIMARY, config: c, budgetMs: BUDGET_MS, warmup: 2, minSteps: 5 }));
    seqResults.set(`${PRIMARY}|team|${c.id}`, await runner.run({ backend: PRIMARY, config: c, budgetMs: BUDGET_MS, warmup: 2, minSteps: 5, threads: 0 }));
  };
  for (const c of transformerOnly ? [] : REFERENCE) {
    await measureOurs(c);
    for (const be of ['wasm', 'cpu'] as const) {
      // TF.js cpu is the slowest system by far: two measured steps.
      tf[be][c.id] = await attempt(`tfjs ${be} ${c.id}`, () => measureTf(be, c, BUDGET_MS, be === 'cpu' ? 2 : 3));
      const r = tf[be][c.id];
      if (r.ok) log(`tfjs ${be} ${c.id}: ${r.value.ms.toFixed(1)} ms/step`);
    }
    brain[c.id] = await attempt(`brain.js ${c.id}`, () => measureBrain(c, BUDGET_MS));
    const b = brain[c.id];
    if (b.ok) log(`brain.js ${c.id}: ${b.value.ms.toFixed(1)} ms per ${c.B} sequences${b.value.diverged ? ' (brain.js diverged to NaN)' : ''}`);
    await measureTorchOne(c, [1, 2]);
  }
  const s2s = await measureSeq2SeqRow(runner, torchCheck.ok);
  // The Transformer step: SeqLab and torch.nn.TransformerEncoder only (TF.js and brain.js have no counterpart here).
  await measureOurs(TRANSFORMER);
  await measureTorchOne(TRANSFORMER, [1, 2]);
  // The sweep runs PyTorch at the thread count that was faster on the LSTM reference configuration.
  const lstmThreads = [1, 2].map((n) => ({ n, ms: torch[n][REFERENCE[0].id] })).filter((x) => x.ms?.ok)
    .sort((a, b) => (a.ms!.ok && b.ms!.ok ? a.ms!.value.ms - b.ms!.value.ms : 0))[0]?.n ?? 1;
  for (const c of sweep) {
    seqResults.set(`${PRIMARY}|${c.id}`, await runner.run({ backend: PRIMARY, config: c, budgetMs: BUDGET_MS, warmup: 1, minSteps: 3 }));
    // PyTorch has no truncated-BPTT mode in this script; its T=1024 row is full BPTT.
    if (c.tbptt === null) await measureTorchOne(c, [lstmThreads]);
  }
  const { rows: sizeRows, peaks: sizePeaks } = quick ? { rows: [], peaks: null } : await sizeSweep();
  const gpuSizes = quick ? null : await gpuSweep();
  // SeqLab's slower backends (10–100× slower than wasm): the LSTM reference configuration, two steps.
  for (const backend of others)
    seqResults.set(`${backend}|${REFERENCE[0].id}`, await runner.run({ backend, config: REFERENCE[0], budgetMs: BUDGET_MS / 2, warmup: 1, minSteps: 2 }));
  await runner.close();
  const seq = { results: seqResults, eventLoopMaxMs: runner.eventLoopMaxMs };

  const ours = (c: BenchConfig, backend = PRIMARY): SeqLabResult | undefined => {
    const r = seq.results.get(`${backend}|${c.id}`);
    return r?.ok ? r.value : undefined;
  };
  const oursTeam = (c: BenchConfig): SeqLabResult | undefined => ours(c, `${PRIMARY}|team`);
  const teamThreads = [...REFERENCE, TRANSFORMER].map((c) => oursTeam(c)?.threads).find((n) => n !== undefined) ?? okTeam(s2s.team)?.threads;
  const nt = `${teamThreads ?? '?'}t`;
  const torchMs = (c: BenchConfig, threads: number): number | undefined => {
    const t = torch[threads][c.id];
    return t?.ok ? t.value.ms : undefined;
  };
  const torchBest = (c: BenchConfig): { ms: number; threads: number } | undefined => {
    const cands = [1, 2].map((n) => ({ ms: torchMs(c, n), threads: n })).filter((x): x is { ms: number; threads: number } => x.ms !== undefined);
    return cands.length ? cands.reduce((a, b) => (b.ms < a.ms ? b : a)) : undefined;
  };

  // ---- Tables ----
  const lines: string[] = [];
  const out = (s = '') => lines.push(s);
  out(`SeqLab benchmark — ms per training step (forward, backward, Adam), B=32, median after warmup; ratio = other's ms / SeqLab's ms`);
  out(machineLine(load0));
  out();
  if (!transformerOnly) {
    out(`Reference configurations (T=64, I=16, H=128), SeqLab backend ${PRIMARY} on 1 thread and on ${nt.slice(0, -1)} (every core, a run's default);`);
    out(`TF.js and brain.js ratios against SeqLab on 1 thread, PyTorch's (its better thread count) against both:`);
    out(['config', 'SeqLab 1t', `SeqLab ${nt}`, 'TF.js wasm', '×', 'TF.js cpu', '×', 'brain.js', '×', 'torch 1t', 'torch 2t', '× 1t', `× ${nt}`]
      .map((h, i) => pad(h, i === 0 ? 8 : 10)).join(' '));
    for (const c of REFERENCE) {
      const s = ours(c)?.ms, team = oursTeam(c)?.ms;
      const tw = okMs(tf.wasm[c.id]), tc = okMs(tf.cpu[c.id]), br = okMs(brain[c.id]);
      const best = torchBest(c);
      out([c.cell, fmt(s), fmt(team), fmt(tw), ratio(tw, s), fmt(tc), ratio(tc, s), fmt(br), ratio(br, s), fmt(torchMs(c, 1)), fmt(torchMs(c, 2)),
        ratio(best?.ms, s), ratio(best?.ms, team)].map((v, i) => pad(v, i === 0 ? 8 : 10)).join(' '));
    }
  }
  out();
  out(`Transformer (B=32, T=64, 16 inputs, d_model 128, 4 heads, 2 layers, feed-forward 512, causal, head on every step), SeqLab ${PRIMARY} vs torch.nn.TransformerEncoder:`);
  out(['config', 'SeqLab 1t', `SeqLab ${nt}`, 'torch 1t', 'torch 2t', '× 1t', `× ${nt}`].map((h, i) => pad(h, i === 0 ? 42 : 10)).join(' '));
  const tBest = torchBest(TRANSFORMER);
  out([TRANSFORMER.id, fmt(ours(TRANSFORMER)?.ms), fmt(oursTeam(TRANSFORMER)?.ms), fmt(torchMs(TRANSFORMER, 1)), fmt(torchMs(TRANSFORMER, 2)),
    ratio(tBest?.ms, ours(TRANSFORMER)?.ms), ratio(tBest?.ms, oursTeam(TRANSFORMER)?.ms)].map((v, i) => pad(v, i === 0 ? 42 : 10)).join(' '));
  const divergedBrain = REFERENCE.filter((c) => { const b = brain[c.id]; return b?.ok && b.value.diverged; }).map((c) => c.cell);
  if (divergedBrain.length)
    out(`brain.js ${divergedBrain.join(', ')}: its training diverged to NaN (brain.js's own numerics); each pass was still timed in full.`);
  if (others.length) {
    out();
    out('SeqLab on every available backend (LSTM reference configuration; others: wasm only):');
    out(['backend', ...REFERENCE.map((c) => c.cell)].map((h, i) => pad(h, i === 0 ? 20 : 10)).join(' '));
    for (const b of [PRIMARY, ...others]) {
      out([label(b), ...REFERENCE.map((c) => {
        const r = seq.results.get(`${b}|${c.id}`);
        return r === undefined ? '—' : r.ok ? fmt(r.value.ms) : 'failed';
      })].map((v, i) => pad(v, i === 0 ? 20 : 10)).join(' '));
    }
    if (webgpu) out(`${softwareAdapter ? '* ' : ''}gpu.js:webgpu ran ${webgpu.kernels}${softwareAdapter ? ' (software driver, not a speed figure)' : ''}`);
  }
  if (sweep.length) {
    out();
    out('LSTM scaling (SeqLab wasm vs PyTorch at its faster thread count on the reference LSTM); "per T" = ms per step / T:');
    out(['config', 'SeqLab', 'per T', 'torch best', '×', 'wasm MB'].map((h, i) => pad(h, i === 0 ? 34 : 10)).join(' '));
    const lstm = [REFERENCE[0], ...sweep].sort((a, b) => a.H - b.H || a.T - b.T || (a.tbptt ?? 0) - (b.tbptt ?? 0));
    for (const c of lstm) {
      const r = ours(c);
      const best = torchBest(c);
      out([c.id, fmt(r?.ms), r ? (r.ms / c.T).toFixed(3) : '—', fmt(best?.ms), ratio(best?.ms, r?.ms),
        r?.wasmMemoryBytes ? (r.wasmMemoryBytes / 2 ** 20).toFixed(0) : '—'].map((v, i) => pad(v, i === 0 ? 34 : 10)).join(' '));
    }
  }
  if (sizeRows.length && sizePeaks) {
    out();
    for (const l of sizesTable(sizeRows, sizePeaks)) out(l);
  }
  if (gpuSizes) {
    out();
    for (const l of gpuSizes.lines) out(l);
  }
  out();
  out(`Sequence to sequence (${SEQ2SEQ.id}: embedding ${SEQ2SEQ.E}, vocabulary ${SEQ2SEQ.V}, teacher forcing, Adam), SeqLab ${PRIMARY}:`);
  out(['config', 'SeqLab 1t', `SeqLab ${nt}`, 'torch 1t', 'torch 2t', '× 1t', `× ${nt}`].map((h, i) => pad(h, i === 0 ? 8 : 10)).join(' '));
  const s2sOurs = okMs(s2s.seqlab), s2sTeam = okMs(s2s.team);
  const s2sTorch = [1, 2].map((n) => okMs(s2s.torch[n])).filter((x): x is number => x !== undefined);
  const s2sBest = s2sTorch.length ? Math.min(...s2sTorch) : undefined;
  out(['seq2seq', fmt(s2sOurs), fmt(s2sTeam), fmt(okMs(s2s.torch[1])), fmt(okMs(s2s.torch[2])), ratio(s2sBest, s2sOurs), ratio(s2sBest, s2sTeam)]
    .map((v, i) => pad(v, i === 0 ? 8 : 10)).join(' '));
  out();
  out(`Main thread's worst event-loop delay while SeqLab trained in a worker: ${seq.eventLoopMaxMs.toFixed(1)} ms`);

  // ---- Targets (ratios measured in this run) ----
  const targets: { target: string; config: string; value: number | null; met: boolean | null }[] = [];
  for (const c of transformerOnly ? [] : REFERENCE) {
    const s = ours(c)?.ms;
    const check = (target: string, other: number | undefined, need: number) => {
      const v = other !== undefined && s !== undefined ? other / s : null;
      targets.push({ target, config: c.id, value: v, met: v === null ? null : v >= need });
    };
    check('≥10× TF.js wasm', okMs(tf.wasm[c.id]), 10);
    check('≥25× brain.js', okMs(brain[c.id]), 25);
    check('≥0.25× PyTorch (best threads)', torchBest(c)?.ms, 0.25);
    check('0.5× PyTorch (aim)', torchBest(c)?.ms, 0.5);
  }
  // Against SeqLab as a run trains by default: on every core.
  const s2sRatio = s2sBest !== undefined && s2sTeam !== undefined ? s2sBest / s2sTeam : null;
  targets.push({ target: `≥1× PyTorch, SeqLab ${nt} (aim)`, config: SEQ2SEQ.id, value: s2sRatio, met: s2sRatio === null ? null : s2sRatio >= 1 });
  const tOurs = oursTeam(TRANSFORMER)?.ms;
  const tRatio = tBest && tOurs !== undefined ? tBest.ms / tOurs : null;
  targets.push({ target: `≥1× PyTorch, SeqLab ${nt} (aim)`, config: TRANSFORMER.id, value: tRatio, met: tRatio === null ? null : tRatio >= 1 });
  out();
  out('Targets:');
  for (const t of targets) out(`  ${(t.met === null ? 'NOT MEASURED' : t.met ? 'met' : 'NOT MET').padEnd(12)}  ${t.target.padEnd(30)} ${t.config.padEnd(42)} ${t.value === null ? '' : `${t.value.toFixed(2)}×`}`);
  const load1 = loadavg();
  out(`load average at end ${load1.map((x) => x.toFixed(1)).join(' ')} (the machine is shared: absolute times are noisy, ratios come from this one run)`);
  console.log(lines.join('\n'));

  if (transformerOnly) return;
  const file = join(__dirname, 'results.json');
  writeFileSync(file, `${JSON.stringify({
    started: started.toISOString(), finished: new Date().toISOString(), quick,
    machine: { cpu: cpus()[0]?.model ?? null, cores: cpus().length, node: process.version, loadAverageStart: load0, loadAverageEnd: load1 },
    seqlab: Object.fromEntries(seq.results), eventLoopMaxDelayMs: seq.eventLoopMaxMs,
    tfjs: tf, brain, torch: torchCheck.ok ? torch : { unavailable: torchCheck.reason }, seq2seq: s2s, sizes: sizeRows, simdPeaks: sizePeaks, gpuSizes: gpuSizes?.sweep ?? null,
    targets, table: lines,
  }, null, 2)}\n`);
  log(`wrote ${file}`);
}

/** SeqLab's sequence-to-sequence step and the same model in PyTorch at 1 and 2 threads, back to back. */
async function measureSeq2SeqRow(runner: SeqLabRunner, torchOk: boolean) {
  const seqlab = await runner.run({ backend: PRIMARY, config: SEQ2SEQ, budgetMs: BUDGET_MS, warmup: 2, minSteps: 5 });
  const team = await runner.run({ backend: PRIMARY, config: SEQ2SEQ, budgetMs: BUDGET_MS, warmup: 2, minSteps: 5, threads: 0 });
  const torch: Record<number, Outcome<Timing & { torch: string }>> = {};
  if (!torchOk) return { seqlab, team, torch };
  for (const threads of [1, 2]) {
    torch[threads] = await attempt(`torch ${threads}t ${SEQ2SEQ.id}`, () => {
      const run = measureTorch([SEQ2SEQ], threads, BUDGET_MS / 2, 'torch_seq2seq.py');
      return { ...run.results[SEQ2SEQ.id], torch: run.torch };
    });
    const r = torch[threads];
    if (r.ok) log(`torch ${r.value.torch} ${threads} thread(s) ${SEQ2SEQ.id}: ${r.value.ms.toFixed(1)} ms/step`);
  }
  return { seqlab, team, torch };
}

if (process.argv.includes('--data')) runDataMemory(process.argv.includes('--small'));
else main().catch((e) => {
  console.error(e);
  process.exit(1);
});
