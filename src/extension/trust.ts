// Workspace trust: an untrusted workspace may read configs and view past runs, but nothing trains, because a config
// names data files and training executes code paths chosen by that config. Commands that would train ask this module.

export type TrainingAction = 'run' | 'sweep';

/** null when the action may go ahead, else the message to show the user. */
export function trainingBlockedReason(isTrusted: boolean, action: TrainingAction): string | null {
  if (isTrusted) return null;
  const what = action === 'sweep' ? 'run sweeps' : 'train models';
  return `SeqLab does not ${what} in an untrusted workspace. You can still read configs and view past runs. ` +
    'Trust this workspace (Manage Workspace Trust) to run experiments.';
}

/** Tracks trust as it changes (it can only be granted while the window is open, never revoked). */
export class TrustState {
  private readonly listeners = new Set<() => void>();

  constructor(private trusted: boolean) {}

  get isTrusted(): boolean {
    return this.trusted;
  }

  /** Called from vscode.workspace.onDidGrantWorkspaceTrust. */
  grant(): void {
    if (this.trusted) return;
    this.trusted = true;
    for (const l of this.listeners) l();
  }

  onGranted(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Runs `action` when trusted; otherwise reports why not through `explain` and returns undefined. */
  gate<T>(action: TrainingAction, explain: (message: string) => void, run: () => T): T | undefined {
    const reason = trainingBlockedReason(this.trusted, action);
    if (reason !== null) {
      explain(reason);
      return undefined;
    }
    return run();
  }
}
