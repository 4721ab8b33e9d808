// FIFO queue of training runs: at most `maxConcurrent()` run at once (read at every dispatch, so a settings change
// applies to the next start), the rest wait in order. Knows nothing about vscode or workers: `start` is injected.

export interface QueuedRun<Req> {
  /** Queue-local id, stable from enqueue to finish. */
  ticket: number;
  request: Req;
  state: 'queued' | 'running';
}

/** What `start` returns for a run that has begun. `done` settles when the run has ended for any reason. */
export interface StartedRun {
  stop(): void;
  done: Promise<unknown>;
}

export type QueueEvent<Req> =
  | { kind: 'queued'; run: QueuedRun<Req>; position: number }
  | { kind: 'started'; run: QueuedRun<Req> }
  | { kind: 'finished'; run: QueuedRun<Req>; error?: unknown }
  | { kind: 'cancelled'; run: QueuedRun<Req> };

export class RunQueue<Req> {
  private nextTicket = 1;
  private readonly waiting: QueuedRun<Req>[] = [];
  private readonly running = new Map<number, { run: QueuedRun<Req>; handle: StartedRun | null }>();
  private readonly listeners = new Set<(e: QueueEvent<Req>) => void>();
  private readonly stopRequested = new Set<number>();

  constructor(
    private readonly start: (request: Req, ticket: number) => StartedRun | Promise<StartedRun>,
    private readonly maxConcurrent: () => number,
  ) {}

  onEvent(listener: (e: QueueEvent<Req>) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  enqueue(request: Req): QueuedRun<Req> {
    const run: QueuedRun<Req> = { ticket: this.nextTicket++, request, state: 'queued' };
    this.waiting.push(run);
    this.emit({ kind: 'queued', run, position: this.waiting.length });
    this.pump();
    return run;
  }

  /** Runs in start order (running first), then the waiting ones in queue order. */
  list(): QueuedRun<Req>[] {
    return [...[...this.running.values()].map((r) => r.run), ...this.waiting];
  }

  /** Stops a running run or removes a waiting one. Returns false when the ticket is unknown (already finished). */
  stop(ticket: number): boolean {
    const idx = this.waiting.findIndex((r) => r.ticket === ticket);
    if (idx >= 0) {
      const [run] = this.waiting.splice(idx, 1);
      this.emit({ kind: 'cancelled', run });
      return true;
    }
    const active = this.running.get(ticket);
    if (!active) return false;
    // A start that is still resolving is stopped as soon as its handle arrives (see launch).
    this.stopRequested.add(ticket);
    active.handle?.stop();
    return true;
  }

  /** Cancels everything waiting and stops everything running (extension deactivation). */
  stopAll(): void {
    for (const run of [...this.waiting]) this.stop(run.ticket);
    for (const ticket of [...this.running.keys()]) this.stop(ticket);
  }

  private pump(): void {
    const limit = Math.max(1, Math.floor(this.maxConcurrent()));
    while (this.running.size < limit && this.waiting.length > 0) {
      const run = this.waiting.shift()!;
      run.state = 'running';
      this.running.set(run.ticket, { run, handle: null });
      this.emit({ kind: 'started', run });
      void this.launch(run);
    }
  }

  private async launch(run: QueuedRun<Req>): Promise<void> {
    let error: unknown;
    try {
      const handle = await this.start(run.request, run.ticket);
      const entry = this.running.get(run.ticket)!;
      entry.handle = handle;
      if (this.stopRequested.has(run.ticket)) handle.stop();
      await handle.done;
    } catch (e) {
      error = e;
    }
    this.running.delete(run.ticket);
    this.stopRequested.delete(run.ticket);
    this.emit(error === undefined ? { kind: 'finished', run } : { kind: 'finished', run, error });
    this.pump();
  }

  private emit(e: QueueEvent<Req>): void {
    for (const l of this.listeners) l(e);
  }
}
