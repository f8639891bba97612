import { randomUUID } from 'node:crypto';
import { nowTimestamp } from '../common/validation/timestamp';
import type { StoredEvent, UserState } from '../engine/types';

export type PresenceAction = 'joined' | 'parted';

/**
 * A presence event. Never shown to the user it is about (exclude_users);
 * `users` lists the members with public state when the channel asks for it;
 * `state` is the user's public state on join, null on part.
 */
export function presenceEvent(
  channel: string,
  username: string,
  action: PresenceAction,
  state: UserState | null,
  users: { user: string; state: UserState }[],
): StoredEvent {
  return {
    uuid: randomUUID(),
    type: 'presence',
    user: username,
    channel,
    timestamp: nowTimestamp(),
    message: { action },
    users,
    state,
    catchup: false,
    pm_users: [],
    exclude_users: [username],
    no_history: false,
  };
}
