import type { StateValue, UserRecord, UserState } from '../engine/types';

export interface StateChange {
  key: string;
  value: StateValue;
}

/** Applies an update to a state map; a key counts as changed when it was absent or held another value. */
export function mergeState(state: UserState, update: UserState | undefined): { state: UserState; changed: StateChange[] } {
  const changed: StateChange[] = [];
  if (!update) return { state, changed };
  let next = state;
  for (const [key, value] of Object.entries(update)) {
    if (Object.hasOwn(state, key) && state[key] === value) continue;
    if (next === state) next = { ...state };
    next[key] = value;
    changed.push({ key, value });
  }
  return { state: next, changed };
}

/** The part of a user's state others may see. */
export function publicState(user: Pick<UserRecord, 'state' | 'publicKeys'>): UserState {
  const out: UserState = {};
  for (const key of user.publicKeys) if (Object.hasOwn(user.state, key)) out[key] = user.state[key];
  return out;
}
