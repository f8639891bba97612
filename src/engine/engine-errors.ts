/** The engine's backing store cannot be reached: answered 503, and /readyz reports not ready. */
export class EngineUnavailableError extends Error {
  constructor(detail: string) {
    super(`engine unavailable: ${detail}`);
  }
}
