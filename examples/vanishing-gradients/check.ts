// Slow check of the flagship result (minutes, not a unit test): runs the sweep of adding.seqlab.json and verifies
// that the LSTM and the GRU beat the 1/6 baseline of the adding problem at T = 100 while the simple RNN stays near it.
//   npx tsx examples/vanishing-gradients/check.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperiments } from '../../src/runner/experiment';
import { startRun } from '../../src/runner/run';

async function main(): Promise<number> {
  const out = mkdtempSync(join(tmpdir(), 'seqlab-vanishing-'));
  const results: Record<string, { valLoss: number; baseline: number }> = {};
  for (const exp of loadExperiments(join(__dirname, 'adding.seqlab.json'))) {
    const cell = exp.config.model.cell;
    const started = Date.now();
    const r = await startRun(exp, { outDir: join(out, cell) });
    const valLoss = r.summary.finalValLoss ?? NaN;
    results[cell] = { valLoss, baseline: r.summary.metrics.baselineMse };
    console.log(`${cell}: status ${r.summary.status}, valLoss ${valLoss.toFixed(4)}, baseline ${r.summary.metrics.baselineMse.toFixed(4)}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  const ok = results.lstm.valLoss < 0.5 * results.lstm.baseline
    && results.gru.valLoss < 0.5 * results.gru.baseline
    && results.rnn.valLoss > 0.9 * results.rnn.baseline;
  console.log(ok ? 'OK: gated cells beat the baseline, the simple RNN stalls near it' : 'FAILED: the expected separation did not appear');
  console.log(`runs in ${out}`);
  return ok ? 0 : 1;
}

main().then((c) => { process.exitCode = c; });
