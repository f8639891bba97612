/**
 * Stream positions for recovery. Every event stored for a channel, and every
 * private event stored for a user, gets the next offset of that stream; the
 * stream's epoch changes when its history is lost (new channel, engine
 * restart), so an offset is only meaningful with its epoch.
 */
export interface StreamPosition {
  epoch: string;
  offset: number;
}

/** Where a client left off: per channel, and in its user's private stream. */
export interface Positions {
  channels: Record<string, StreamPosition>;
  user?: StreamPosition;
}

/** The stream an event belongs to: a channel name, or the user's private stream. */
export const USER_STREAM = null;
export type StreamKey = string | typeof USER_STREAM;

const isPosition = (v: unknown): v is [string, number] =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && v[0].length <= 64 && Number.isSafeInteger(v[1]) && v[1] >= 0;

/**
 * The compact position token clients send back (`since=`, SSE Last-Event-ID):
 * base64url of {"c": {channel: [epoch, offset]}, "u": [epoch, offset]}.
 */
export function encodePositions(positions: Positions): string {
  const c: Record<string, [string, number]> = {};
  for (const [name, p] of Object.entries(positions.channels)) c[name] = [p.epoch, p.offset];
  const body = positions.user ? { c, u: [positions.user.epoch, positions.user.offset] } : { c };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** Parses a position token; undefined when it is not one. */
export function decodePositions(token: string, maxChannels = 1000): Positions | undefined {
  if (token.length > 65536 || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { c, u } = body as { c?: unknown; u?: unknown };
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return undefined;
  const entries = Object.entries(c);
  if (entries.length > maxChannels) return undefined;
  const positions: Positions = { channels: {} };
  for (const [name, p] of entries) {
    if (!isPosition(p) || name.length === 0 || name.length > 256) return undefined;
    positions.channels[name] = { epoch: p[0], offset: p[1] };
  }
  if (u !== undefined) {
    if (!isPosition(u)) return undefined;
    positions.user = { epoch: u[0], offset: u[1] };
  }
  return positions;
}
