import { describe, expect, it } from '@jest/globals';
import { streamCatchup, type StoredFrame } from './catchup';
import type { StoredEvent } from './types';

const event = (uuid: string, extra: Partial<StoredEvent> = {}): StoredEvent => ({
  uuid,
  type: 'message',
  channel: 'c',
  catchup: false,
  pm_users: [],
  exclude_users: [],
  no_history: false,
  ...extra,
});
const frames: StoredFrame[] = [
  { at: 10, offset: 1, event: event('a') },
  { at: 20, offset: 2, event: event('b'), deleted: true },
  { at: 30, offset: 3, event: event('c', { pm_users: ['bob'] }) },
  { at: 40, offset: 4, event: event('d') },
];
const base = { stream: 'c', username: 'alice', current: { epoch: 'E', offset: 4 }, frames, since: 0, maxEvents: 100, mark: () => 99 };

describe(streamCatchup.name, () => {
  it('without a position replays frames newer than the last activity, skipping deleted and others\' private ones', () => {
    expect(streamCatchup({ ...base, since: 5 }).map((f) => f.event.event.uuid)).toEqual(['a', 'd']);
    expect(streamCatchup({ ...base, since: 35 }).map((f) => f.event.event.uuid)).toEqual(['d']);
  });

  it('with a position replays exactly what follows it, with offsets and catchup set', () => {
    const found = streamCatchup({ ...base, since: 1000, from: { epoch: 'E', offset: 1 } });
    expect(found.map((f) => [f.event.event.uuid, f.event.position?.offset, f.event.catchup])).toEqual([['d', 4, true]]);
  });

  it('answers one recovery event when the position cannot be recovered', () => {
    const [only, ...rest] = streamCatchup({ ...base, from: { epoch: 'X', offset: 1 } });
    expect(rest).toEqual([]);
    expect(only.at).toBe(99);
    expect(only.event.event).toMatchObject({ type: 'recovery', channel: 'c', recovered: false, message: { reason: 'epoch' } });
  });

  it('replays every frame of the user\'s private stream (no routing filter there)', () => {
    expect(streamCatchup({ ...base, stream: null }).map((f) => f.event.event.uuid)).toEqual(['a', 'c', 'd']);
  });

  it('sends as live the frames stamped after the transport attached (read back, not missed)', () => {
    const found = streamCatchup({ ...base, since: 5, liveAfter: 30 });
    expect(found.map((f) => [f.event.event.uuid, f.event.catchup])).toEqual([
      ['a', true],
      ['d', false],
    ]);
  });
});
