import type { TransportEnd } from './transports/transport.js';

/** WebSocket close codes of the server (README "WebSocket close codes"). */
export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  disconnected: 4000,
  replaced: 4001,
  expired: 4002,
  slowConsumer: 4008,
  badRequest: 4400,
} as const;

/** The reason the server gives when it closes a socket for a conn_id it does not know. */
export const UNKNOWN_CONN_ID = 'unknown conn_id';

/** What a socket close means for the client. */
export function classifyClose(code: number, reason: string, opened: boolean): TransportEnd {
  if ((code === CLOSE_CODES.normal && reason === UNKNOWN_CONN_ID) || code === CLOSE_CODES.disconnected || code === CLOSE_CODES.expired) {
    return { kind: 'expired', code, reason: reason || (code === CLOSE_CODES.disconnected ? 'disconnected' : 'expired') };
  }
  if (code === CLOSE_CODES.replaced) return { kind: 'replaced', code, reason };
  if (code === CLOSE_CODES.badRequest) return { kind: 'refused', code, reason };
  return { kind: 'dropped', code, reason, opened };
}
