import type { EventSourceConstructor, EventSourceLike } from '../platform.js';
import type { Transport, TransportHandlers } from './transport.js';

const noop = () => undefined;

/**
 * GET /sse: one event per SSE message. EventSource would reconnect by
 * itself, but it cannot tell an unknown conn_id (401) from a network error;
 * so any error ends this attempt and the client decides, resuming from its
 * own positions like the other transports.
 */
export class SseTransport implements Transport {
  readonly kind = 'sse';
  private source?: EventSourceLike;
  private opened = false;
  private done = false;

  constructor(
    Source: EventSourceConstructor,
    url: string,
    private readonly handlers: TransportHandlers,
  ) {
    try {
      this.source = new Source(url);
    } catch (error) {
      queueMicrotask(() => this.fail(`cannot open EventSource: ${String(error)}`));
      return;
    }
    this.source.onopen = () => {
      if (this.done) return;
      this.opened = true;
      this.handlers.opened();
    };
    this.source.onmessage = (message: { data?: unknown }) => this.onMessage(message.data);
    this.source.onerror = () => this.fail(this.opened ? 'event stream ended' : 'event stream refused or unreachable');
  }

  close(): void {
    this.done = true;
    this.stop();
  }

  private onMessage(data: unknown): void {
    if (this.done || typeof data !== 'string') return;
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      return; // not JSON: not an event of ours
    }
    this.handlers.events([event]);
  }

  private fail(reason: string): void {
    if (this.done) return;
    this.done = true;
    this.stop();
    this.handlers.ended({ kind: 'dropped', reason, opened: this.opened });
  }

  private stop(): void {
    const source = this.source;
    if (!source) return;
    source.onopen = noop;
    source.onmessage = noop;
    source.onerror = noop;
    source.close();
  }
}
