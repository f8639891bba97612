import { UNKNOWN_CONN_ID } from '../close-codes.js';
import type { FetchLike } from '../platform.js';
import type { Transport, TransportEnd, TransportHandlers } from './transport.js';

export interface LongPollTimings {
  /** A poll not answered within this is abandoned (the server answers `[]` after wake_connections_after, 5 s by default). */
  pollTimeoutMs: number;
}

/**
 * GET /listen, one poll after another. Each poll asks for the latest
 * position token (`url()`), which the server uses only when it has to
 * start a new poll session, so nothing is replayed twice.
 */
export class LongPollTransport implements Transport {
  readonly kind = 'long-poll';
  private done = false;
  private opened = false;
  private controller?: AbortController;

  constructor(
    private readonly fetch: FetchLike,
    private readonly url: () => string,
    private readonly handlers: TransportHandlers,
    private readonly timings: LongPollTimings,
  ) {
    void this.run();
  }

  close(): void {
    this.done = true;
    this.controller?.abort();
  }

  private async run(): Promise<void> {
    while (!this.done) {
      const answer = await this.poll();
      if (this.done) return;
      if ('end' in answer) return this.finish(answer.end);
      if (!this.opened) {
        this.opened = true;
        this.handlers.opened();
        if (this.done) return;
      }
      if (answer.events.length > 0) this.handlers.events(answer.events);
    }
  }

  private async poll(): Promise<{ events: unknown[] } | { end: TransportEnd }> {
    const controller = new AbortController();
    this.controller = controller;
    const timer = setTimeout(() => controller.abort(), this.timings.pollTimeoutMs);
    try {
      const response = await this.fetch(this.url(), { method: 'GET', headers: { accept: 'application/json' }, signal: controller.signal });
      const text = await response.text();
      if (response.status === 401) return { end: { kind: 'expired', reason: UNKNOWN_CONN_ID } };
      if (response.status === 422) return { end: { kind: 'refused', reason: text } };
      if (!response.ok) return { end: this.dropped(`HTTP ${response.status}`) };
      const list: unknown = JSON.parse(text);
      return Array.isArray(list) ? { events: list } : { end: this.dropped('answer is not a list') };
    } catch (error) {
      const reason = controller.signal.aborted ? `no answer within ${this.timings.pollTimeoutMs} ms` : String(error);
      return { end: this.dropped(reason) };
    } finally {
      clearTimeout(timer);
    }
  }

  private dropped(reason: string): TransportEnd {
    return { kind: 'dropped', reason, opened: this.opened };
  }

  private finish(end: TransportEnd): void {
    if (this.done) return;
    this.done = true;
    this.handlers.ended(end);
  }
}
