// The machine's measured peak for 128-bit WebAssembly SIMD on one thread: a register-resident loop of 12 independent
// f32x4 multiply-add chains (acc = acc·b + c), no memory traffic, in both kernel flavours: simd128 (f32x4.mul then f32x4.add) and relaxed-simd (f32x4.relaxed_madd, one fused FMA on x64 with
// FMA3). 12 chains cover a multiply-add's latency (4–6 cycles) at two issues per cycle, so the loop runs at the core's
// SIMD throughput. Flops = iterations · 12 chains · 4 lanes · 2; the figure is the best of 15 timed runs of about 20 ms
// (on a shared machine the best run is the one least disturbed).
//   npx tsx bench/simdPeak.ts              one thread
//   npx tsx bench/simdPeak.ts --procs 2    that many processes at once (relaxed-simd): whether the cores' SIMD units
//                                           add up (separate cores) or are shared (hyperthreads of one core)
import { spawn } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';

export type PeakFlavour = 'simd128' | 'relaxed-simd';

const CHAINS = 12;
const ITERATIONS = 5_000_000; // about 20 ms per run: short runs give a loaded machine's gaps a chance to show

const chains = Array.from({ length: CHAINS }, (_, i) => i);
// Hand-assembled (a few dozen bytes; compiling AssemblyScript at run time would take longer than the measurement).
const uleb = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...uleb(n >>> 7)]);
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const F32X4 = { splat: 0x13, extractLane: 0x1f, add: 0xe4, mul: 0xe6, relaxedMadd: 0x105 };

/** peak(n: i32, b: f32, c: f32): f32 — n rounds of a_i = a_i·b + c over CHAINS f32x4 locals, then lane 0 of Σ a_i. */
function peakModule(flavour: PeakFlavour): Uint8Array<ArrayBuffer> {
  const [N, B, C, A0] = [0, 3, 4, 5]; // locals: the parameters n, b, c (scalars), then v128s
  const get = (i: number) => [0x20, i], set = (i: number) => [0x21, i];
  const f32 = (x: number) => [0x43, ...new Uint8Array(new Float32Array([x]).buffer)];
  const step = (i: number) => flavour === 'relaxed-simd'
    ? [...get(A0 + i), ...get(B), ...get(C), ...simd(F32X4.relaxedMadd), ...set(A0 + i)]
    : [...get(A0 + i), ...get(B), ...simd(F32X4.mul), ...get(C), ...simd(F32X4.add), ...set(A0 + i)];
  const body = [
    1, CHAINS + 2, 0x7b, // locals 3..: B, C, a_0 … a_{CHAINS−1}, all v128
    ...get(1), ...simd(F32X4.splat), ...set(B), ...get(2), ...simd(F32X4.splat), ...set(C),
    ...chains.flatMap((i) => [...f32(i), ...simd(F32X4.splat), ...set(A0 + i)]),
    0x02, 0x40, 0x03, 0x40, ...get(N), 0x45, 0x0d, 1, // block, loop: exit when n == 0
    ...chains.flatMap(step),
    ...get(N), 0x41, 1, 0x6b, ...set(N), 0x0c, 0, 0x0b, 0x0b, // n -= 1; continue
    ...get(A0), ...chains.slice(1).flatMap((i) => [...get(A0 + i), ...simd(F32X4.add)]), ...simd(F32X4.extractLane), 0, 0x0b,
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 3, 0x7f, 0x7d, 0x7d, 1, 0x7d]),
    ...section(3, [1, 0]),
    ...section(7, [1, 4, ...Buffer.from('peak'), 0, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

/** Best GFLOP/s of the multiply-add loop over `runs` timed runs, on the calling thread. */
export function measureSimdPeak(flavour: PeakFlavour, runs = 15): number {
  if (flavour === 'relaxed-simd') setFlagsFromString('--experimental-wasm-relaxed-simd');
  const instance = new WebAssembly.Instance(new WebAssembly.Module(peakModule(flavour)));
  const peak = instance.exports.peak as (n: number, b: number, c: number) => number;
  peak(ITERATIONS / 10, 0.999, 0.001); // warmup: tier up to the optimizing compiler
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    peak(ITERATIONS, 0.999, 0.001);
    best = Math.min(best, performance.now() - t0);
  }
  return (ITERATIONS * CHAINS * 4 * 2) / (best / 1000) / 1e9;
}

/** Each of n processes' relaxed-simd peak, measured at the same time (each runs its 15 timed runs). */
function concurrentPeaks(n: number): Promise<number[]> {
  return Promise.all(Array.from({ length: n }, () => new Promise<number>((done, fail) => {
    const child = spawn(process.execPath, [...process.execArgv, __filename, '--one'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? done(Number(out)) : fail(new Error(`simdPeak --one exited with ${code}`))));
  })));
}

if (require.main === module) {
  const procs = process.argv.indexOf('--procs');
  if (process.argv.includes('--one')) {
    console.log(measureSimdPeak('relaxed-simd', 60));
  } else if (procs > 0) {
    const n = Number(process.argv[procs + 1]);
    void concurrentPeaks(1).then(async ([alone]) => {
      const together = await concurrentPeaks(n);
      const sum = together.reduce((a, b) => a + b, 0);
      console.log(`relaxed-simd: one process alone ${alone.toFixed(1)} GFLOP/s; ${n} at once ${together.map((g) => g.toFixed(1)).join(' + ')} = ${sum.toFixed(1)} GFLOP/s (${(sum / alone).toFixed(2)}× one)`);
    });
  } else {
    for (const f of ['simd128', 'relaxed-simd'] as const) console.log(`${f}: ${measureSimdPeak(f).toFixed(1)} GFLOP/s peak, one thread`);
  }
}
