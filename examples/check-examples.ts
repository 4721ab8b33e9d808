// Slow check (minutes) that the smaller examples train to sensible results. Not a unit test.
//   npx tsx examples/check-examples.ts [name ...]      names: sentiment tagging forecast anomaly text dates numbers
//                                                       long-inputs (a sweep: four runs)
// The examples that test claims are checked by `seqlab claims examples` (src/runner/claims/).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskRecord } from '../src/shared/protocol';
import { loadExperiments } from '../src/runner/experiment';
import { startRun } from '../src/runner/run';
import type { RunSummary } from '../src/runner/events';

interface Check { config: string; expect: (s: RunSummary, tasks: TaskRecord[]) => string | null }

const exact = (min: number) => (s: RunSummary) => (s.metrics.exactMatch >= min ? null : `exactMatch ${s.metrics.exactMatch} < ${min}`);

const checks: Record<string, Check> = {
  sentiment: { config: 'sentiment/sentiment.seqlab.json', expect: (s) => (s.metrics.accuracy >= 0.75 ? null : `accuracy ${s.metrics.accuracy} < 0.75`) },
  tagging: { config: 'sequence-labeling/tagging.seqlab.json', expect: (s) => (s.metrics.accuracy >= 0.9 ? null : `accuracy ${s.metrics.accuracy} < 0.9`) },
  forecast: { config: 'airline-passengers/forecast.seqlab.json', expect: (s) => (s.finalValLoss! < s.metrics.baselineMse ? null : `valLoss ${s.finalValLoss} does not beat the persistence forecast ${s.metrics.baselineMse}`) },
  anomaly: {
    config: 'airline-passengers/anomaly.seqlab.json',
    expect: (_s, tasks) => {
      const f = tasks.filter((t): t is Extract<TaskRecord, { kind: 'forecast' }> => t.kind === 'forecast').pop();
      return f && f.anomalies.includes(74) ? null : `the injected glitch (row 74, 1955-03) was not flagged: ${JSON.stringify(f?.anomalies)}`;
    },
  },
  text: { config: 'text-generation/text.seqlab.json', expect: (s) => (s.metrics.perplexity < Math.exp(s.metrics.baselineCrossEntropy) ? null : `perplexity ${s.metrics.perplexity} does not beat the unigram baseline ${Math.exp(s.metrics.baselineCrossEntropy)}`) },
  dates: { config: 'translation/dates.seqlab.json', expect: exact(0.95) },
  numbers: { config: 'translation/numbers.seqlab.json', expect: exact(0.9) },
};

/** The long-inputs sweep: every attention type reverses most strings exactly, far better than no attention. */
async function checkLongInputs(out: string): Promise<string | null> {
  const runs = loadExperiments(join(__dirname, 'translation/long-inputs.seqlab.json'));
  const em: Record<string, number> = {};
  for (const exp of runs) {
    const r = await startRun(exp, { outDir: join(out, `long-inputs-${exp.model.decoder!.attention}`) });
    em[exp.model.decoder!.attention] = r.summary.metrics.exactMatch;
  }
  console.log(`     long-inputs exactMatch: ${Object.entries(em).map(([k, v]) => `${k} ${v.toPrecision(3)}`).join(', ')}`);
  const weak = Object.entries(em).filter(([k, v]) => k !== 'none' && v < Math.max(0.8, em.none + 0.5));
  return weak.length ? `attention did not beat "none" by far: ${JSON.stringify(em)}` : null;
}

async function main(): Promise<number> {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(checks);
  const out = mkdtempSync(join(tmpdir(), 'seqlab-examples-'));
  let failed = 0;
  for (const name of names) {
    if (name === 'long-inputs') {
      const problem = await checkLongInputs(out);
      console.log(`${problem ? 'FAIL' : 'ok  '} long-inputs${problem ? ` — ${problem}` : ''}`);
      if (problem) failed++;
      continue;
    }
    const c = checks[name];
    const [exp] = loadExperiments(join(__dirname, c.config));
    const r = await startRun(exp, { outDir: join(out, name) });
    const tasks = readFileSync(join(r.runDir, 'tasks.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as TaskRecord);
    const problem = r.summary.status !== 'completed' ? `status ${r.summary.status}` : c.expect(r.summary, tasks);
    const metrics = Object.entries(r.summary.metrics).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', ');
    console.log(`${problem ? 'FAIL' : 'ok  '} ${name}: valLoss ${r.summary.finalValLoss?.toPrecision(4)}, ${metrics}${problem ? ` — ${problem}` : ''}`);
    if (problem) failed++;
  }
  console.log(`runs in ${out}`);
  return failed ? 1 : 0;
}

main().then((c) => { process.exitCode = c; });
