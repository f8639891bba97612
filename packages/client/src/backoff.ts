export interface BackoffOptions {
  /** Delay before the first retry, in ms. */
  initialMs: number;
  /** No delay is longer than this. */
  maxMs: number;
  /** Each retry waits this many times longer than the one before. */
  factor: number;
  /**
   * Share of each delay that is random (0..1): 0.5 waits between half and
   * all of it, so clients dropped together do not all come back together.
   */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.5 };

/** Exponential backoff with jitter, capped: the delay before retry number `attempt` (0-based). */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * Math.pow(options.factor, Math.max(0, attempt)));
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.round(base * (1 - jitter + jitter * random()));
}
