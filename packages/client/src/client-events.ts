import type { BaseEvent, ServerEventsByType } from './events.js';
import type { TransportKind } from './transports/transport.js';

/**
 * idle → connecting (an attempt is under way) → open; after a drop,
 * reconnecting (waiting out the backoff) → connecting → open. `expired`
 * waits for reconnectWith(newConnId); `closed` is final (close(), a refused
 * request, or another client took the connection over).
 */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'expired' | 'closed';

export interface StateChange {
  state: ConnectionState;
  previous: ConnectionState;
  /** The transport in use or being tried. */
  transport?: TransportKind;
  /** Why the previous transport ended, when it did. */
  reason?: string;
  /** WebSocket close code, when there was one. */
  code?: number;
  /** When reconnecting: how long until the next attempt. */
  retryInMs?: number;
}

/** The conn_id is gone: ask your backend for a new one and call reconnectWith(). Positions are kept. */
export interface ExpiredInfo {
  connId: string;
  reason: string;
  code?: number;
}

/** Everything a ChannelstreamClient emits. */
export interface ClientEvents extends ServerEventsByType {
  /** Every event, of any type (also types this client does not know). */
  event: BaseEvent;
  state: StateChange;
  expired: ExpiredInfo;
  /** The server refused the request (bad conn_id or position token), or a listener threw. */
  error: Error;
}
