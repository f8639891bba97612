import { describe, expect, it } from '@jest/globals';
import { isVisibleTo, toClientEvent } from './routing';
import type { StoredEvent } from './types';

describe(isVisibleTo.name, () => {
  const to = (pm_users: string[], exclude_users: string[]) => ({ pm_users, exclude_users });

  it('shows an event without pm_users or exclude_users to everyone', () => {
    expect(isVisibleTo(to([], []), 'alice')).toBe(true);
  });

  it('shows an event with pm_users only to them', () => {
    expect(isVisibleTo(to(['alice'], []), 'alice')).toBe(true);
    expect(isVisibleTo(to(['alice'], []), 'bob')).toBe(false);
  });

  it('never shows an event to an excluded user, even one in pm_users', () => {
    expect(isVisibleTo(to([], ['alice']), 'alice')).toBe(false);
    expect(isVisibleTo(to(['alice'], ['alice']), 'alice')).toBe(false);
    expect(isVisibleTo(to([], ['alice']), 'bob')).toBe(true);
  });
});

describe(toClientEvent.name, () => {
  it('drops the delivery fields, keeps the rest and sets catchup, without touching the stored event', () => {
    const event: StoredEvent = {
      uuid: 'u',
      type: 'message',
      channel: null,
      catchup: false,
      pm_users: ['a'],
      exclude_users: ['b'],
      no_history: true,
      extra: 'kept',
    };
    expect(toClientEvent(event, true)).toEqual({ uuid: 'u', type: 'message', channel: null, catchup: true, extra: 'kept' });
    expect(event.catchup).toBe(false);
    expect(event.pm_users).toEqual(['a']);
  });
});
