import type { OutboundEvent } from './outbound-event';

/**
 * Where a connection's events go: a WebSocket or a long-poll buffer. The
 * engine holds at most one sink per connection.
 */
export interface Sink {
  readonly kind: 'websocket' | 'long-poll' | 'sse';
  readonly connId: string;
  deliver(event: OutboundEvent): void;
  /** The connection is gone (expired, disconnected, replaced): release the transport. */
  close(code: number, reason: string): void;
  /**
   * Called by the shared heartbeat timer (about every 5 s). Returns true when
   * the transport is alive, which counts as activity for the connection.
   */
  heartbeat(now: number): boolean;
  /**
   * A transport may hold its beat's frames back so that they ride with its
   * next event (one write and one wake-up of the client, not two): the
   * heartbeat timer calls this a little later, to send what is still held.
   */
  releaseHeldBeat?(): void;
}
