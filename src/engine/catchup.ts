import { nowTimestamp } from '../common/validation/timestamp';
import { OutboundEvent } from './outbound-event';
import type { StreamPosition } from './positions';
import { recover, recoveryEvent } from './recovery';
import { isVisibleTo } from './routing';
import type { StoredEvent } from './types';

/** A stored catch-up frame, as both engines keep them. */
export interface StoredFrame {
  at: number;
  offset: number;
  event: StoredEvent;
  /** A deleted message keeps its place (so recovery sees no gap) but is never replayed. */
  deleted?: boolean;
}

export interface CatchupRequest {
  /** The channel, or null for the user's private stream. */
  stream: string | null;
  username: string;
  current: StreamPosition;
  /** The stream's frames in offset order. */
  frames: readonly StoredFrame[];
  /** The connection's last activity: without a position, frames newer than it are replayed. */
  since: number;
  /** Where the client says it left off, if it did. */
  from?: StreamPosition;
  maxEvents: number;
  /** The time to give a recovery event (for ordering among the replayed frames). */
  mark: () => number;
  /**
   * When the transport attached, if the read came later (Redis): frames
   * stamped after it were published while the client was already there, so
   * they go out as live events (`catchup: false`), not as missed ones.
   */
  liveAfter?: number;
}

/** Which frames a read replays (newer than `since`) and which of them were published to an attached client. */
export type CatchupWindow = Pick<CatchupRequest, 'since' | 'liveAfter'>;

/**
 * What a (re)attaching client missed in one stream: exactly the frames after
 * its position (or a recovery event when that cannot be), else the frames
 * newer than its last activity; deleted and not-for-this-user frames skipped.
 * The one rule both engines follow.
 */
export function streamCatchup(r: CatchupRequest): { at: number; event: OutboundEvent }[] {
  let frames: readonly StoredFrame[] = r.frames.filter((f) => f.at > r.since);
  if (r.from) {
    const outcome = recover(r.current, r.from, r.frames, r.maxEvents);
    if (!outcome.recovered) {
      const event = recoveryEvent(r.stream, r.username, outcome.reason, r.current, nowTimestamp());
      return [{ at: r.mark(), event: new OutboundEvent(event, true) }];
    }
    frames = outcome.frames as StoredFrame[];
  }
  const found: { at: number; event: OutboundEvent }[] = [];
  for (const f of frames) {
    if (f.deleted || (r.stream !== null && !isVisibleTo(f.event, r.username))) continue;
    const missed = r.liveAfter === undefined || f.at <= r.liveAfter;
    found.push({ at: f.at, event: new OutboundEvent(f.event, missed, { epoch: r.current.epoch, offset: f.offset }) });
  }
  return found;
}
