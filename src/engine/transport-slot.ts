import { WS_CLOSE } from './close-codes';
import type { Sink } from './sink';

/** The transport part of a connection, as both engines keep it on the node that holds it. */
export interface TransportSlot {
  sink?: Sink;
  lastActive: number;
  /** When its transport dropped; the connection may resume until the grace period ends. */
  detachedAt?: number;
}

/** Puts a newly attached transport in place; an older one is closed (4001). */
export function takeSink(slot: TransportSlot, sink: Sink): void {
  const previous = slot.sink;
  slot.sink = sink;
  slot.detachedAt = undefined;
  if (previous && previous !== sink) previous.close(WS_CLOSE.replaced, 'replaced by a newer transport');
}

/** Releases `sink` if it is still the slot's transport, starting the grace period; true when it was. */
export function releaseSink(slot: TransportSlot | undefined, sink: Sink, now: number): boolean {
  if (!slot || slot.sink !== sink) return false;
  slot.sink = undefined;
  slot.lastActive = slot.detachedAt = now;
  return true;
}

/** Idle since before `before`, or dropped before `detachedBefore` with no transport back. */
export function isIdle(slot: TransportSlot, before: number, detachedBefore: number): boolean {
  const dropped = !slot.sink && slot.detachedAt !== undefined && slot.detachedAt < detachedBefore;
  return dropped || slot.lastActive < before;
}
