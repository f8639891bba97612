import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { WS_CLOSE } from '../close-codes';
import { FRAMES_ONLY, type PublishPolicy } from '../engine';
import { OutboundEvent } from '../outbound-event';
import { DEFAULT_CHANNEL_SETTINGS, type StoredEvent } from '../types';
import { attachRecordingSink, RecordingSink } from '../../testing/recording-sink';
import { MemoryEngine } from './memory-engine';

const T0 = Date.UTC(2026, 0, 1);

let serial = 0;
const message = (fields: Partial<StoredEvent> = {}): StoredEvent => ({
  uuid: `m${++serial}`,
  type: 'message',
  user: 'sender',
  channel: 'room',
  timestamp: '2026-01-01T00:00:00+00:00',
  message: { text: `hello ${serial}` },
  catchup: false,
  pm_users: [],
  exclude_users: [],
  no_history: false,
  ...fields,
});

/** Stores history per the channel's settings (as the messages module does) and keeps frames when allowed. */
const HISTORY: PublishPolicy = {
  historySize: (settings) => (settings.store_history ? settings.history_size : 0),
  keepFrame: (settings) => settings.store_frames,
};

describe(MemoryEngine.name, () => {
  let engine: MemoryEngine;

  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
    engine = new MemoryEngine();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  const addUser = (username: string) =>
    engine.updateUser(username, (current) => current ?? { username, state: {}, publicKeys: [], lastActive: Date.now() });

  /** A user's connection, joined to `channels`. */
  async function connect(connId: string, username: string, channels: string[] = []): Promise<void> {
    await addUser(username);
    await engine.openConnection(connId, username);
    for (const channel of channels) await engine.join(connId, channel, undefined);
  }

  /** A connection with a recording sink attached. */
  async function attached(connId: string, username: string, channels: string[] = [], kind?: RecordingSink['kind']) {
    await connect(connId, username, channels);
    return attachRecordingSink(engine, connId, { kind });
  }

  describe('connections', () => {
    it('refuses to reuse a connection id for another user', async () => {
      await connect('c1', 'alice');
      await addUser('bob');
      expect(await engine.openConnection('c1', 'bob')).toBeUndefined();
      expect(await engine.openConnection('c1', 'alice')).toMatchObject({ created: false, connection: { username: 'alice' } });
    });
  });

  describe('join and leave', () => {
    it('marks only the user\'s first connection in a channel as the user boundary', async () => {
      await connect('c1', 'alice');
      await connect('c2', 'alice');
      expect(await engine.join('c1', 'room', undefined)).toMatchObject({ changed: true, userBoundary: true });
      expect(await engine.join('c2', 'room', undefined)).toMatchObject({ changed: true, userBoundary: false });
      expect(await engine.join('c1', 'room', undefined)).toMatchObject({ changed: false, userBoundary: false });
    });

    it('marks only the user\'s last connection leaving as the user boundary', async () => {
      await connect('c1', 'alice', ['room']);
      await connect('c2', 'alice', ['room']);
      expect(await engine.leave('c1', 'room')).toMatchObject({ changed: true, userBoundary: false });
      expect(await engine.leave('c1', 'room')).toMatchObject({ changed: false, userBoundary: false });
      expect(await engine.leave('c2', 'room')).toMatchObject({ changed: true, userBoundary: true });
      const [view] = await engine.channelViews(['room'], false);
      expect(view).toMatchObject({ users: [], totalConnections: 0 });
    });

    it('creates a channel with the given settings, and leaves an existing one as it is', async () => {
      await connect('c1', 'alice');
      const created = await engine.join('c1', 'room', { store_history: true, history_size: 3 });
      expect(created?.channel.settings).toEqual({ ...DEFAULT_CHANNEL_SETTINGS, store_history: true, history_size: 3 });
      await connect('c2', 'bob');
      const joined = await engine.join('c2', 'room', { history_size: 99 });
      expect(joined?.channel.settings.history_size).toBe(3);
    });

    it('answers undefined for an unknown connection', async () => {
      expect(await engine.join('nope', 'room', undefined)).toBeUndefined();
      expect(await engine.leave('nope', 'room')).toBeUndefined();
    });

    it('lists the users in a channel once each, sorted', async () => {
      await connect('c1', 'bob', ['room']);
      await connect('c2', 'alice', ['room']);
      await connect('c3', 'alice', ['room']);
      const [view] = await engine.channelViews(['room'], false);
      expect(view).toMatchObject({ users: ['alice', 'bob'], totalUsers: 2, totalConnections: 3 });
    });

    it('counts the users without listing them when the list is not asked for', async () => {
      await connect('c1', 'bob', ['room']);
      await connect('c2', 'alice', ['room']);
      const [view] = await engine.channelViews(['room'], false, false);
      expect(view).toMatchObject({ users: [], totalUsers: 2, totalConnections: 2 });
    });
  });

  describe('removeConnection', () => {
    it('reports the channels the user parted and closes the transport', async () => {
      const sink = await attached('c1', 'alice', ['b', 'a', 'shared']);
      await connect('c2', 'alice', ['shared']);
      const removed = await engine.removeConnection('c1', WS_CLOSE.disconnected, 'bye');
      expect(removed?.connection).toMatchObject({ connId: 'c1', username: 'alice', channels: ['a', 'b', 'shared'] });
      expect(removed?.partedChannels.map((c) => c.name)).toEqual(['a', 'b']);
      expect(sink.closedWith).toEqual({ code: WS_CLOSE.disconnected, reason: 'bye' });
      expect(await engine.getConnection('c1')).toBeUndefined();
      expect(engine.sinkOf('c1')).toBeUndefined();
      const [shared] = await engine.channelViews(['shared'], false);
      expect(shared).toMatchObject({ users: ['alice'], totalConnections: 1 });
    });

    it('answers undefined for an unknown connection', async () => {
      expect(await engine.removeConnection('nope', 1000, '')).toBeUndefined();
    });

    it('stops delivering to the removed connection', async () => {
      const sink = await attached('c1', 'alice', ['room']);
      await engine.removeConnection('c1', 1000, '');
      await engine.publishToChannel('room', message(), HISTORY);
      await engine.publishToUsers(['alice'], message({ channel: null }));
      expect(sink.events).toEqual([]);
    });
  });

  describe('publishToChannel', () => {
    it('delivers to every connection in the channel and answers false for an unknown channel', async () => {
      const a1 = await attached('a1', 'alice', ['room']);
      const a2 = await attached('a2', 'alice', ['room']);
      const elsewhere = await attached('c1', 'carol', ['other']);
      expect(await engine.publishToChannel('room', message({ uuid: 'x' }), HISTORY)).toBe(true);
      expect(a1.uuids).toEqual(['x']);
      expect(a2.uuids).toEqual(['x']);
      expect(elsewhere.events).toEqual([]);
      expect(await engine.publishToChannel('missing', message(), HISTORY)).toBe(false);
    });

    it('delivers only to pm_users, never to exclude_users', async () => {
      const alice = await attached('a', 'alice', ['room']);
      const bob = await attached('b', 'bob', ['room']);
      const carol = await attached('c', 'carol', ['room']);
      await engine.publishToChannel('room', message({ uuid: 'pm', pm_users: ['alice', 'carol'], exclude_users: ['carol'] }), HISTORY);
      await engine.publishToChannel('room', message({ uuid: 'ex', exclude_users: ['bob'] }), HISTORY);
      expect(alice.uuids).toEqual(['pm', 'ex']);
      expect(bob.uuids).toEqual([]);
      expect(carol.uuids).toEqual(['ex']);
    });

    it('follows the members as they change between publishes (join, leave, a removed connection)', async () => {
      const alice = await attached('a', 'alice', ['room']);
      const bob = await attached('b', 'bob', ['room']);
      await engine.publishToChannel('room', message({ uuid: '1' }), HISTORY);
      await engine.leave('a', 'room');
      const carol = await attached('c', 'carol', ['room']);
      const bob2 = await attached('b2', 'bob', ['room']);
      await engine.publishToChannel('room', message({ uuid: '2' }), HISTORY);
      await engine.removeConnection('b', WS_CLOSE.normal, 'gone');
      await engine.publishToChannel('room', message({ uuid: '3' }), HISTORY);
      expect(alice.uuids).toEqual(['1']);
      expect(bob.uuids).toEqual(['1', '2']);
      expect(carol.uuids).toEqual(['2', '3']);
      expect(bob2.uuids).toEqual(['2', '3']);
    });

    it('hands the same OutboundEvent to every recipient', async () => {
      const a = await attached('a', 'alice', ['room']);
      const b = await attached('b', 'bob', ['room']);
      await engine.publishToChannel('room', message(), HISTORY);
      expect(a.events[0]).toBe(b.events[0]);
      expect(a.events[0].catchup).toBe(false);
    });

    it('keeps the last history_size messages when the policy stores history', async () => {
      await engine.configureChannels({ room: { store_history: true, history_size: 2 } });
      for (const uuid of ['h1', 'h2', 'h3']) await engine.publishToChannel('room', message({ uuid }), HISTORY);
      const [view] = await engine.channelViews(['room'], true);
      expect(view.history.map((e) => e.uuid)).toEqual(['h2', 'h3']);
      const [withoutHistory] = await engine.channelViews(['room'], false);
      expect(withoutHistory.history).toEqual([]);
    });

    it('stores no history when the policy says 0', async () => {
      await engine.configureChannels({ room: { store_history: true } });
      await engine.publishToChannel('room', message({ type: 'presence' }), FRAMES_ONLY);
      await engine.publishToChannel('room', message(), { ...HISTORY, historySize: () => 0 });
      const [view] = await engine.channelViews(['room'], true);
      expect(view.history).toEqual([]);
    });

    it('keeps a catch-up frame only when the policy says so', async () => {
      await engine.configureChannels({ kept: {}, dropped: { store_frames: false } });
      await connect('c1', 'alice', ['kept', 'dropped']);
      await engine.publishToChannel('kept', message({ uuid: 'k', channel: 'kept' }), HISTORY);
      await engine.publishToChannel('dropped', message({ uuid: 'd', channel: 'dropped' }), HISTORY);
      const sink = new RecordingSink('c1');
      await engine.attach('c1', sink);
      expect(sink.uuids).toEqual(['k']);
    });
  });

  describe('publishToUsers', () => {
    it('delivers to every connection of each named user, once', async () => {
      const a1 = await attached('a1', 'alice');
      const a2 = await attached('a2', 'alice', ['room']);
      const bob = await attached('b', 'bob');
      const carol = await attached('c', 'carol');
      await engine.publishToUsers(['alice', 'bob', 'alice', 'nobody'], message({ uuid: 'p', channel: null }));
      expect(a1.uuids).toEqual(['p']);
      expect(a2.uuids).toEqual(['p']);
      expect(bob.uuids).toEqual(['p']);
      expect(carol.events).toEqual([]);
    });
  });

  describe('attach', () => {
    it('answers false for an unknown connection', async () => {
      expect(await engine.attach('nope', new RecordingSink('nope'))).toBe(false);
    });

    it('delivers catch-up frames the connection may see, marked catchup, in time order', async () => {
      await connect('c1', 'alice', ['a', 'b']);
      await engine.publishToChannel('a', message({ uuid: '1', channel: 'a' }), HISTORY);
      await engine.publishToUsers(['alice'], message({ uuid: '2', channel: null }));
      await engine.publishToChannel('b', message({ uuid: '3', channel: 'b' }), HISTORY);
      await engine.publishToChannel('a', message({ uuid: 'not-for-alice', channel: 'a', pm_users: ['bob'] }), HISTORY);
      await engine.publishToChannel('a', message({ uuid: 'excluded', channel: 'a', exclude_users: ['alice'] }), HISTORY);
      await engine.publishToUsers(['bob'], message({ uuid: 'bobs', channel: null }));
      await engine.publishToChannel('a', message({ uuid: '4', channel: 'a', pm_users: ['alice'] }), HISTORY);
      const sink = new RecordingSink('c1');
      expect(await engine.attach('c1', sink)).toBe(true);
      expect(sink.uuids).toEqual(['1', '2', '3', '4']);
      expect(sink.received.every((e) => e.catchup === true)).toBe(true);
    });

    it('keeps time order across channels even within one millisecond', async () => {
      await connect('c1', 'alice', ['z', 'a']);
      for (const [uuid, channel] of [['1', 'z'], ['2', 'a'], ['3', 'z']]) {
        await engine.publishToChannel(channel, message({ uuid, channel }), HISTORY);
      }
      const sink = new RecordingSink('c1');
      await engine.attach('c1', sink);
      expect(sink.uuids).toEqual(['1', '2', '3']);
    });

    it('delivers only frames newer than the connection\'s last activity', async () => {
      await connect('c1', 'alice', ['room']);
      await engine.publishToChannel('room', message({ uuid: 'old' }), HISTORY);
      await engine.publishToUsers(['alice'], message({ uuid: 'old-pm', channel: null }));
      jest.advanceTimersByTime(1000);
      engine.touch('c1');
      jest.advanceTimersByTime(1000);
      await engine.publishToChannel('room', message({ uuid: 'new' }), HISTORY);
      const sink = new RecordingSink('c1');
      await engine.attach('c1', sink);
      expect(sink.uuids).toEqual(['new']);
    });

    it('does not repeat catch-up frames on a later attach', async () => {
      await connect('c1', 'alice', ['room']);
      await engine.publishToChannel('room', message({ uuid: 'once' }), HISTORY);
      const first = new RecordingSink('c1', { kind: 'long-poll' });
      await engine.attach('c1', first);
      const second = new RecordingSink('c1', { kind: 'long-poll' });
      await engine.attach('c1', second);
      expect(first.uuids).toEqual(['once']);
      expect(second.uuids).toEqual([]);
    });

    it('replaces and closes a previous transport', async () => {
      const old = await attached('c1', 'alice', ['room']);
      const fresh = new RecordingSink('c1');
      await engine.attach('c1', fresh);
      expect(old.closedWith?.code).toBe(WS_CLOSE.replaced);
      expect(engine.sinkOf('c1')).toBe(fresh);
      await engine.publishToChannel('room', message({ uuid: 'live' }), HISTORY);
      expect(old.events).toEqual([]);
      expect(fresh.uuids).toEqual(['live']);
    });

    it('tells its attach listeners of every transport attached, and not of unknown connections', async () => {
      const announced: string[] = [];
      engine.onAttach((sink) => announced.push(sink.connId));
      await attached('c1', 'alice');
      await attached('c2', 'bob');
      await engine.attach('nope', new RecordingSink('nope'));
      expect(announced).toEqual(['c1', 'c2']);
    });

    it('does not close a transport attached again', async () => {
      const sink = await attached('c1', 'alice');
      await engine.attach('c1', sink);
      expect(sink.closedWith).toBeUndefined();
    });

    it('detaches only the current transport', async () => {
      const old = await attached('c1', 'alice');
      const fresh = new RecordingSink('c1');
      await engine.attach('c1', fresh);
      expect(engine.detach('c1', old)).toBe(false);
      expect(engine.detach('c1', fresh)).toBe(true);
      expect(engine.sinkOf('c1')).toBeUndefined();
      expect([...engine.localSinks()]).toEqual([]);
    });
  });

  describe('editStored and deleteStored', () => {
    it('edits a channel message in history and in catch-up frames', async () => {
      await engine.configureChannels({ room: { store_history: true } });
      await connect('c1', 'alice', ['room']);
      await engine.publishToChannel('room', message({ uuid: 'm' }), HISTORY);
      await engine.editStored('room', 'm', { message: { text: 'edited' }, edited: '2026-01-01T00:00:01+00:00' });
      const [view] = await engine.channelViews(['room'], true);
      expect(view.history[0]).toMatchObject({ uuid: 'm', message: { text: 'edited' }, edited: '2026-01-01T00:00:01+00:00' });
      const sink = new RecordingSink('c1');
      await engine.attach('c1', sink);
      expect(sink.received[0]).toMatchObject({ uuid: 'm', message: { text: 'edited' } });
    });

    it('deletes a channel message from history and catch-up frames', async () => {
      await engine.configureChannels({ room: { store_history: true } });
      await connect('c1', 'alice', ['room']);
      await engine.publishToChannel('room', message({ uuid: 'gone' }), HISTORY);
      await engine.publishToChannel('room', message({ uuid: 'kept' }), HISTORY);
      await engine.deleteStored('room', 'gone');
      const [view] = await engine.channelViews(['room'], true);
      expect(view.history.map((e) => e.uuid)).toEqual(['kept']);
      const sink = new RecordingSink('c1');
      await engine.attach('c1', sink);
      expect(sink.uuids).toEqual(['kept']);
    });

    it('edits and deletes private frames of the named users', async () => {
      await connect('c1', 'alice');
      await engine.publishToUsers(['alice'], message({ uuid: 'e', channel: null }));
      await engine.publishToUsers(['alice'], message({ uuid: 'd', channel: null }));
      await engine.editStored(['alice'], 'e', { message: { text: 'new' } });
      await engine.deleteStored(['alice'], 'd');
      const sink = new RecordingSink('c1');
      await engine.attach('c1', sink);
      expect(sink.received).toEqual([expect.objectContaining({ uuid: 'e', message: { text: 'new' } })]);
    });

    it('does not edit events that are not messages', async () => {
      await connect('c1', 'alice', ['room']);
      await engine.publishToChannel('room', message({ uuid: 'p', type: 'presence', message: undefined }), FRAMES_ONLY);
      await engine.editStored('room', 'p', { message: { text: 'x' } });
      const sink = new RecordingSink('c1');
      await engine.attach('c1', sink);
      expect(sink.received[0].message).toBeUndefined();
    });

    it('ignores unknown channels and users', async () => {
      await expect(engine.editStored('missing', 'x', { message: {} })).resolves.toBeUndefined();
      await expect(engine.deleteStored(['nobody'], 'x')).resolves.toBeUndefined();
    });
  });

  describe('idle state', () => {
    it('lists connections without activity since the given time', async () => {
      await connect('c1', 'alice');
      jest.setSystemTime(T0 + 10_000);
      await connect('c2', 'bob');
      expect(await engine.idleConnections(T0 + 5_000)).toEqual(['c1']);
      expect(await engine.idleConnections(T0)).toEqual([]);
      jest.setSystemTime(T0 + 20_000);
      engine.touch('c1');
      expect(await engine.idleConnections(T0 + 15_000)).toEqual(['c2']);
    });

    it('counts live websocket deliveries as activity, long-poll deliveries not', async () => {
      await attached('ws', 'alice', ['room'], 'websocket');
      await attached('lp', 'bob', ['room'], 'long-poll');
      jest.setSystemTime(T0 + 10_000);
      await engine.publishToChannel('room', message(), HISTORY);
      expect(await engine.idleConnections(T0 + 5_000)).toEqual(['lp']);
    });

    it('forgets users without connections idle since before the given time', async () => {
      await connect('c1', 'alice');
      await addUser('bob');
      await connect('c2', 'carol');
      jest.setSystemTime(T0 + 10_000);
      await engine.removeConnection('c2', 1000, ''); // carol was active until now
      expect(await engine.forgetIdleUsers(T0)).toBe(0);
      expect(await engine.forgetIdleUsers(T0 + 5_000)).toBe(1);
      expect(await engine.getUser('bob')).toBeUndefined();
      expect(await engine.getUser('alice')).toBeDefined();
      expect(await engine.getUser('carol')).toBeDefined();
      expect(await engine.forgetIdleUsers(T0 + 20_000)).toBe(1);
      expect(await engine.getUser('carol')).toBeUndefined();
      expect(await engine.getUser('alice')).toBeDefined();
    });

    it('forgets empty channels idle since before the given time', async () => {
      await engine.configureChannels({ empty: {} });
      await connect('c1', 'alice', ['busy']);
      await connect('c2', 'bob', ['left']);
      jest.setSystemTime(T0 + 10_000);
      await engine.leave('c2', 'left');
      expect(await engine.forgetIdleChannels(T0)).toBe(0);
      expect(await engine.forgetIdleChannels(T0 + 5_000)).toBe(1);
      expect((await engine.channelViews(undefined, false)).map((v) => v.channel.name).sort()).toEqual(['busy', 'left']);
      expect(await engine.forgetIdleChannels(T0 + 20_000)).toBe(1);
      expect((await engine.channelViews(undefined, false)).map((v) => v.channel.name)).toEqual(['busy']);
    });
  });
});

describe(OutboundEvent.name, () => {
  const stored = (): StoredEvent => ({
    uuid: 'u1',
    type: 'message',
    user: 'alice',
    channel: 'room',
    message: { text: 'hi' },
    catchup: false,
    pm_users: ['bob'],
    exclude_users: ['carol'],
    no_history: true,
    custom: 42,
  });

  it('shows clients the event without its delivery fields', () => {
    expect(JSON.parse(new OutboundEvent(stored()).json)).toEqual({
      uuid: 'u1',
      type: 'message',
      user: 'alice',
      channel: 'room',
      message: { text: 'hi' },
      catchup: false,
      custom: 42,
    });
  });

  it('marks catch-up copies', () => {
    expect(JSON.parse(new OutboundEvent(stored(), true).json)).toMatchObject({ catchup: true });
  });

  it('frames the JSON as a one-item list', () => {
    const event = new OutboundEvent(stored());
    expect(event.frame).toBe(`[${event.json}]`);
    expect(JSON.parse(event.frame)).toEqual([JSON.parse(event.json)]);
  });

  it('serialises at most once', () => {
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      const event = new OutboundEvent(stored());
      void event.json;
      void event.frame;
      void event.json;
      expect(stringify).toHaveBeenCalledTimes(1);
    } finally {
      stringify.mockRestore();
    }
  });
});
