import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import type { EventSourceConstructor, FetchLike, WebSocketConstructor } from './platform.js';
import type { Positions } from './positions.js';
import type { TransportKind } from './transports/transport.js';

export interface ClientOptions {
  /** The Channelstream server, e.g. `https://rt.example.com` (a path prefix is kept; relative URLs resolve against the page). */
  url: string;
  /** The conn_id your backend got from POST /connect. */
  connId: string;
  /** Transports in order of preference; unavailable ones are skipped. Default: websocket, sse, long-poll. */
  transports?: TransportKind[];
  /** WebSocket class; default the global one (browsers, Node ≥ 22). Pass `ws`'s WebSocket on Node 20, or null to never use WebSocket. */
  WebSocket?: WebSocketConstructor | null;
  /** EventSource class; default the global one (browsers). Node has none: pass one, or SSE is skipped. */
  EventSource?: EventSourceConstructor | null;
  /** fetch, for long polling and disconnect(); default the global one. */
  fetch?: FetchLike | null;
  /**
   * Ask for stream positions and resume from them after a reconnect (default
   * true). False speaks the original protocol: the server's time-based catch-up only.
   */
  resume?: boolean;
  /** Positions saved from an earlier session (e.g. `client.positions` kept in sessionStorage). */
  positions?: Positions;
  /** How often the client sends a heartbeat frame over WebSocket. Default 5000 ms. */
  heartbeatIntervalMs?: number;
  /** No server frame for this long means a dead socket. Default two heartbeat intervals. */
  deadAfterMs?: number;
  /** A long poll not answered within this is retried. Default 20000 ms (the server answers within wake_connections_after, 5 s by default). */
  pollTimeoutMs?: number;
  /** Reconnect delays: exponential, with jitter, capped. */
  backoff?: Partial<BackoffOptions>;
  /** Attempts at a transport that never opened before moving to the next one. Default 2. */
  fallbackAfter?: number;
  /** Random source for the jitter (tests pass a fixed one). */
  random?: () => number;
}

export const DEFAULT_TRANSPORTS: readonly TransportKind[] = ['websocket', 'sse', 'long-poll'];

export interface Timings {
  heartbeatIntervalMs: number;
  deadAfterMs: number;
  pollTimeoutMs: number;
  backoff: BackoffOptions;
  fallbackAfter: number;
}

export function timingsOf(options: ClientOptions): Timings {
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 5000;
  return {
    heartbeatIntervalMs,
    deadAfterMs: options.deadAfterMs ?? 2 * heartbeatIntervalMs,
    pollTimeoutMs: options.pollTimeoutMs ?? 20_000,
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    fallbackAfter: Math.max(1, options.fallbackAfter ?? 2),
  };
}
