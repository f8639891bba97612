export type TransportKind = 'websocket' | 'sse' | 'long-poll';

/** Why a transport stopped, which decides what the client does next. */
export type TransportEnd =
  /** The conn_id is gone (unknown, disconnected, expired): the app must get a new one. */
  | { kind: 'expired'; code?: number; reason: string }
  /** Another socket or poll took this connection over: do not fight it. */
  | { kind: 'replaced'; code?: number; reason: string }
  /** The server refused the request itself (malformed conn_id or since): retrying cannot help. */
  | { kind: 'refused'; code?: number; reason: string }
  /** Network trouble, server restart, dead peer: retry with backoff. */
  | { kind: 'dropped'; code?: number; reason: string; opened: boolean };

export interface TransportHandlers {
  /** The transport is delivering (socket open, stream started, first poll answered). */
  opened(): void;
  /** Events from one server frame, poll answer or SSE message (never empty). */
  events(list: unknown[]): void;
  /** Called once, unless the client closed the transport itself. */
  ended(end: TransportEnd): void;
}

/** One attempt at listening; a reconnect makes a new one. */
export interface Transport {
  readonly kind: TransportKind;
  /** Stops without calling `ended`. */
  close(): void;
}
