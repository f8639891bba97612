import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import type { BaseEvent } from './events.js';

/** Where a stream was left: offsets only compare within one epoch. */
export interface StreamPosition {
  epoch: string;
  offset: number;
}

/** The last position seen per channel, and in the user's private stream. */
export interface Positions {
  channels: Record<string, StreamPosition>;
  user?: StreamPosition;
}

/**
 * The server's position token (`since=`, SSE ids): base64url of
 * {"c": {channel: [epoch, offset]}, "u": [epoch, offset]}.
 */
export function encodePositionToken(positions: Positions): string {
  const c: Record<string, [string, number]> = {};
  for (const [name, p] of Object.entries(positions.channels)) c[name] = [p.epoch, p.offset];
  const body = positions.user ? { c, u: [positions.user.epoch, positions.user.offset] } : { c };
  return encodeBase64Url(JSON.stringify(body));
}

const asPosition = (v: unknown): StreamPosition | undefined =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && Number.isSafeInteger(v[1]) && v[1] >= 0
    ? { epoch: v[0], offset: v[1] }
    : undefined;

/** Parses a token (e.g. one saved by the app); undefined when it is not one. */
export function decodePositionToken(token: string): Positions | undefined {
  const text = decodeBase64Url(token);
  if (text === undefined) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { c, u } = body as { c?: unknown; u?: unknown };
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return undefined;
  const positions: Positions = { channels: {} };
  for (const [name, value] of Object.entries(c)) {
    const p = asPosition(value);
    if (!p) return undefined;
    positions.channels[name] = p;
  }
  if (u !== undefined) {
    const p = asPosition(u);
    if (!p) return undefined;
    positions.user = p;
  }
  return positions;
}

/**
 * Keeps the last (epoch, offset) per stream from the events received, so a
 * reconnect can ask for exactly what was missed, and drops an event already
 * seen (same epoch, offset not beyond the last one).
 */
export class PositionTracker {
  private positions: Positions;

  constructor(start?: Positions) {
    this.positions = start ? clone(start) : { channels: {} };
  }

  /** False when the event is a repeat of one already seen. */
  accept(event: BaseEvent): boolean {
    const stream = event.channel ?? null;
    if (event.type === 'recovery') {
      // the stream cannot be replayed: continue from where it is now
      const current = event.message as Partial<StreamPosition> | undefined;
      const now = asPosition([current?.epoch, current?.offset]);
      if (now) this.set(stream, now);
      return true;
    }
    if (typeof event.offset !== 'number' || typeof event.epoch !== 'string') return true;
    const known = this.get(stream);
    if (known && known.epoch === event.epoch && event.offset <= known.offset) return false;
    this.set(stream, { epoch: event.epoch, offset: event.offset });
    return true;
  }

  get isEmpty(): boolean {
    return !this.positions.user && Object.keys(this.positions.channels).length === 0;
  }

  /** The token to resume with, or undefined when nothing has been seen yet. */
  token(): string | undefined {
    return this.isEmpty ? undefined : encodePositionToken(this.positions);
  }

  snapshot(): Positions {
    return clone(this.positions);
  }

  private get(stream: string | null): StreamPosition | undefined {
    return stream === null ? this.positions.user : this.positions.channels[stream];
  }

  private set(stream: string | null, position: StreamPosition): void {
    if (stream === null) this.positions.user = position;
    else this.positions.channels[stream] = position;
  }
}

function clone(p: Positions): Positions {
  const channels: Record<string, StreamPosition> = {};
  for (const [name, pos] of Object.entries(p.channels)) channels[name] = { ...pos };
  return p.user ? { channels, user: { ...p.user } } : { channels };
}
