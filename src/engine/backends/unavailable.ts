/** A backend that cannot start in this process, with the reason in words (the registry falls back on it). */
export class BackendUnavailableError extends Error {
  constructor(readonly backend: string, message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}
