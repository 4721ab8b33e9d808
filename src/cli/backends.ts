// `seqlab backends`: every backend the backend setting can name, whether it starts in this process and why not,
// what it runs here (the wasm kernel flavour and thread count, the GPU.js mode, the dtype), and what "auto" would pick.
import { autoChoice, availableBackends, probeThreads, type BackendAvailability } from '../runner/backends/registry';
import { probeWebGpu, type WebGpuProbe } from '../runner/backends/webgpu';
import { threadsOption, UsageError, type CommandArgs } from './args';

/** With a hardware adapter a run's auto times gpu.js:webgpu against its CPU pick (src/runner/backends/autoMeasure.ts). */
const TIMED_GPU = ", or gpu.js:webgpu in a run where one timed step of the run's model is faster on it (hardware adapter)";

/** The table `seqlab backends` prints: one row per backend, then the auto choice. */
export function backendsTable(list: BackendAvailability[], gpu: WebGpuProbe = probeWebGpu()): string {
  const why = (b: BackendAvailability) => b.reason ?? (b.threadsNote ? `one thread: ${b.threadsNote}` : '');
  const rows = [['backend', 'starts', 'kernels', 'why not'], ...list.map((b) => [b.name, b.available ? 'yes' : 'no', b.kernels ?? '-', why(b)])];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((v, i) => (i < 3 ? v.padEnd(widths[i]) : v)).join('  ').trimEnd());
  const auto = autoChoice(list);
  const timed = gpu.available && !gpu.adapter.software ? TIMED_GPU : '';
  lines.push('', auto ? `auto would pick: ${auto.name} (${auto.kernels})${timed}` : 'auto would pick: nothing (no backend of its order starts here)');
  return lines.join('\n');
}

export async function cmdBackends(args: CommandArgs): Promise<number> {
  if (args.positional.length > 0) throw new UsageError(`backends takes no arguments, got "${args.positional[0]}"`);
  process.stdout.write(backendsTable(availableBackends(await probeThreads(threadsOption(args)))) + '\n');
  return 0;
}
