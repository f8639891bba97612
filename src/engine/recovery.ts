import { randomUUID } from 'node:crypto';
import type { StreamPosition } from './positions';
import type { StoredEvent } from './types';

/** A stored event with its place in its stream. */
export interface PositionedFrame<E> {
  offset: number;
  event: E;
}

export type RecoveryOutcome<E> =
  | { recovered: true; frames: PositionedFrame<E>[] }
  | { recovered: false; reason: 'epoch' | 'too-old' | 'too-many' };

/**
 * Which stored frames bring a client from `from` to the stream's current
 * position: exactly the missing ones, or a clear "cannot" when the epoch
 * changed, the frames it needs are gone, or there are more than `maxEvents`.
 * `frames` are in offset order.
 */
export function recover<E>(
  stream: StreamPosition,
  from: StreamPosition,
  frames: readonly PositionedFrame<E>[],
  maxEvents: number,
): RecoveryOutcome<E> {
  if (from.epoch !== stream.epoch || from.offset > stream.offset) return { recovered: false, reason: 'epoch' };
  const missing = stream.offset - from.offset;
  if (missing === 0) return { recovered: true, frames: [] };
  if (missing > maxEvents) return { recovered: false, reason: 'too-many' };
  const found = frames.filter((f) => f.offset > from.offset);
  if (found.length !== missing || found[0]?.offset !== from.offset + 1) return { recovered: false, reason: 'too-old' };
  return { recovered: true, frames: found };
}

/** Told to a client whose position in a stream cannot be recovered: it should reload that state. */
export function recoveryEvent(
  stream: string | null,
  username: string,
  reason: string,
  current: StreamPosition,
  timestamp: string,
): StoredEvent {
  return {
    uuid: randomUUID(),
    type: 'recovery',
    user: username,
    channel: stream,
    timestamp,
    message: { recovered: false, reason, epoch: current.epoch, offset: current.offset },
    recovered: false,
    catchup: true,
    pm_users: [],
    exclude_users: [],
    no_history: true,
  };
}
