import type { StoredEvent } from './types';

/**
 * The routing rule of PROTOCOL.md: excluded users never see an event, and a
 * non-empty pm_users list is the only audience. Shared by live fan-out and
 * catch-up so both always agree.
 */
export function isVisibleTo(event: Pick<StoredEvent, 'pm_users' | 'exclude_users'>, username: string): boolean {
  if (event.exclude_users.length > 0 && event.exclude_users.includes(username)) return false;
  if (event.pm_users.length > 0 && !event.pm_users.includes(username)) return false;
  return true;
}

const DELIVERY_FIELDS = new Set(['pm_users', 'exclude_users', 'no_history']);

/** The event as a client sees it: delivery fields removed. */
export function toClientEvent(event: StoredEvent, catchup: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(event)) {
    if (!DELIVERY_FIELDS.has(key)) out[key] = event[key];
  }
  out.catchup = catchup;
  return out;
}
