/**
 * WebSocket close codes this server uses (documented in the README).
 * 1000/1001 are the standard normal/going-away codes; 4xxx are ours.
 */
export const WS_CLOSE = {
  /** Normal close; also the answer to an unknown conn_id (as the original). */
  normal: 1000,
  /** Server shutting down. */
  goingAway: 1001,
  /** The conn_id query parameter is missing or not a UUID. */
  badConnId: 4400,
  /** The connection was dropped through /disconnect. */
  disconnected: 4000,
  /** A newer transport (socket or poll) attached to the same connection. */
  replaced: 4001,
  /** The connection expired (no activity for gc_conns_after seconds). */
  expired: 4002,
  /** The client could not keep up: its outgoing buffer passed the limit. */
  slowConsumer: 4008,
} as const;
