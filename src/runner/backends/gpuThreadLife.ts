// The GPU thread's signs of life, for the thread that waits on it (src/engine/backends/gpuThread/wire.ts waitWhile):
// a heartbeat while its event loop runs, and, however it ends while someone waits, the reason in shared memory.
import { State, beat, controlWords, signalText, stateOf } from '../../engine/backends/gpuThread/wire';

/** The first line of an error's message. */
export const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/** Starts the heartbeat and the end reports of this thread; stop() ends the heartbeat (it never keeps the thread alive). */
export function signsOfLife(control: SharedArrayBuffer): { stop(): void } {
  const words = controlWords(control);
  const heartbeat = setInterval(() => beat(words), 100);
  heartbeat.unref();
  process.on('uncaughtException', (e) => {
    signalText(control, State.dead, `uncaught error on the GPU thread: ${firstLine(e)}`);
    process.exit(1);
  });
  process.on('exit', (code) => {
    const s = stateOf(words);
    if (s === State.starting || s === State.request || s === State.closing) signalText(control, State.dead, `the GPU thread exited (code ${code})`);
  });
  return { stop: () => clearInterval(heartbeat) };
}
