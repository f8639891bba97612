import 'reflect-metadata';
import { afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { ConnectCommand, ConnectionsService } from '../connections/connections.service';
import type { MemoryEngine } from '../engine/memory/memory-engine';
import type { ChannelSettings } from '../engine/types';
import { connectCommand, INFO } from '../testing/connect-command';
import { attachRecordingSink } from '../testing/recording-sink';
import { createServiceFixture } from '../testing/service-fixture';
import { ChannelsService } from './channels.service';

const T0 = Date.UTC(2026, 0, 1);

describe(ChannelsService.name, () => {
  let engine: MemoryEngine;
  let channels: ChannelsService;
  let connections: ConnectionsService;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(async () => {
    jest.useFakeTimers({ now: T0 });
    ({ engine, channels, connections } = await createServiceFixture());
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  const connect = (username: string, connId: string, channelNames: string[] = [], fields: Partial<ConnectCommand> = {}) =>
    connections.connect(connectCommand({ username, connId, channels: channelNames, ...fields }));

  /** A connection of `username` in `channelNames` with a recording sink attached. */
  async function attached(username: string, connId: string, channelNames: string[] = [], fields: Partial<ConnectCommand> = {}) {
    await connect(username, connId, channelNames, fields);
    return attachRecordingSink(engine, connId);
  }

  const configure = (settings: Partial<ChannelSettings>, name = 'room') => engine.configureChannels({ [name]: settings });

  describe('presence', () => {
    it('publishes joined with the presence event shape', async () => {
      await configure({ notify_presence: true });
      const bob = await attached('bob', 'b1', ['room']);
      await connect('alice', 'a1', ['room']);
      expect(bob.received).toEqual([
        {
          uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
          type: 'presence',
          user: 'alice',
          channel: 'room',
          timestamp: '2026-01-01T00:00:00+00:00',
          message: { action: 'joined' },
          users: [],
          state: {},
          catchup: false,
        },
      ]);
    });

    it('publishes joined once per user per channel, however many of their connections join', async () => {
      await configure({ notify_presence: true });
      const bob = await attached('bob', 'b1', ['room']);
      await connect('alice', 'a1', ['room']);
      await connect('alice', 'a2', ['room']);
      await connect('alice', 'a3');
      await connections.subscribe('a3', ['room'], {}, INFO);
      expect(bob.presence).toEqual([['alice', 'joined']]);
    });

    it('publishes joined again after the user parted and came back', async () => {
      await configure({ notify_presence: true });
      const bob = await attached('bob', 'b1', ['room']);
      await connect('alice', 'a1', ['room']);
      await connections.unsubscribe('a1', ['room'], INFO);
      await connections.subscribe('a1', ['room'], {}, INFO);
      expect(bob.presence).toEqual([
        ['alice', 'joined'],
        ['alice', 'parted'],
        ['alice', 'joined'],
      ]);
    });

    it('never delivers a presence event to the user it is about', async () => {
      await configure({ notify_presence: true });
      const bob = await attached('bob', 'b1', ['room']);
      const alice = await attached('alice', 'a1');
      await connections.subscribe('a1', ['room'], {}, INFO);
      expect(bob.presence).toEqual([['alice', 'joined']]);
      expect(alice.received).toEqual([]);
    });

    it('carries the public state of the user on join', async () => {
      await configure({ notify_presence: true });
      const bob = await attached('bob', 'b1', ['room']);
      await connect('alice', 'a1', ['room'], { freshState: { nick: 'A', email: 'a@example.com' }, publicKeys: ['nick'] });
      expect(bob.received[0]).toMatchObject({ message: { action: 'joined' }, state: { nick: 'A' } });
      expect(bob.received[0].state).toEqual({ nick: 'A' });
    });

    it('carries a null state on part', async () => {
      await configure({ notify_presence: true });
      const bob = await attached('bob', 'b1', ['room']);
      await connect('alice', 'a1', ['room'], { freshState: { nick: 'A' }, publicKeys: ['nick'] });
      await connections.unsubscribe('a1', ['room'], INFO);
      expect(bob.received[1]).toMatchObject({ type: 'presence', user: 'alice', message: { action: 'parted' } });
      expect(bob.received[1].state).toBeNull();
    });

    it('publishes parted only when the user\'s last connection unsubscribes', async () => {
      await configure({ notify_presence: true });
      const bob = await attached('bob', 'b1', ['room']);
      await connect('alice', 'a1', ['room']);
      await connect('alice', 'a2', ['room']);
      await connections.unsubscribe('a1', ['room'], INFO);
      expect(bob.presence).toEqual([['alice', 'joined']]);
      await connections.unsubscribe('a2', ['room'], INFO);
      expect(bob.presence).toEqual([
        ['alice', 'joined'],
        ['alice', 'parted'],
      ]);
    });

    it('publishes parted only when the user\'s last connection is disconnected or expires', async () => {
      await configure({ notify_presence: true });
      const bob = await attached('bob', 'b1', ['room']);
      await connect('alice', 'a1', ['room']);
      await connect('alice', 'a2', ['room']);
      await connections.disconnect('a1');
      expect(bob.presence).toEqual([['alice', 'joined']]);
      await connections.expire('a2');
      expect(bob.presence).toEqual([
        ['alice', 'joined'],
        ['alice', 'parted'],
      ]);
    });

    it('does not publish parted when a connection never in the channel unsubscribes from it', async () => {
      await configure({ notify_presence: true });
      const bob = await attached('bob', 'b1', ['room']);
      await connect('alice', 'a1', ['room']);
      await connect('alice', 'a2', ['lobby']);
      await connect('carol', 'c1');
      await connections.unsubscribe('a2', ['room'], INFO);
      await connections.unsubscribe('c1', ['room'], INFO);
      expect(bob.presence).toEqual([['alice', 'joined']]);
    });

    it('does not publish parted when a connection in no channel is disconnected', async () => {
      await configure({ notify_presence: true });
      const bob = await attached('bob', 'b1', ['room']);
      await connect('alice', 'a1');
      await connections.disconnect('a1');
      expect(bob.received).toEqual([]);
    });

    it('lists the members with their public state when broadcast_presence_with_user_lists', async () => {
      await configure({ notify_presence: true, broadcast_presence_with_user_lists: true });
      const bob = await attached('bob', 'b1', ['room'], { freshState: { nick: 'B', secret: 1 }, publicKeys: ['nick'] });
      await connect('alice', 'a1', ['room'], { freshState: { nick: 'A', email: 'a@example.com' }, publicKeys: ['nick'] });
      expect(bob.received[0].users).toEqual([
        { user: 'alice', state: { nick: 'A' } },
        { user: 'bob', state: { nick: 'B' } },
      ]);
      await connections.unsubscribe('a1', ['room'], INFO);
      expect(bob.received[1]).toMatchObject({ message: { action: 'parted' }, users: [{ user: 'bob', state: { nick: 'B' } }] });
    });

    it('sends no presence events when the channel does not notify presence', async () => {
      const bob = await attached('bob', 'b1', ['room']);
      await connect('alice', 'a1', ['room']);
      await connections.unsubscribe('a1', ['room'], INFO);
      await connect('alice', 'a2', ['room']);
      await connections.expire('a2');
      expect(bob.received).toEqual([]);
    });

    it('announces in each notifying channel separately', async () => {
      await configure({ notify_presence: true }, 'loud');
      const bob = await attached('bob', 'b1', ['loud', 'quiet']);
      await connect('alice', 'a1', ['loud', 'quiet']);
      expect(bob.received.map((e) => e.channel)).toEqual(['loud']);
    });
  });

  describe('configure and describe', () => {
    it('creates channels with the given settings and merges settings into existing ones', async () => {
      const created = await channels.configure({ room: { store_history: true, history_size: 5 } });
      expect(created.channels.room.settings).toMatchObject({ store_history: true, history_size: 5, notify_presence: false });
      expect(created.users).toEqual([]);
      const merged = await channels.configure({ room: { notify_presence: true } });
      expect(merged.channels.room.settings).toMatchObject({ store_history: true, history_size: 5, notify_presence: true });
    });

    it('describes users with full or public state and leaves out excluded channels', async () => {
      await connect('alice', 'a1', ['room', 'other'], { freshState: { nick: 'A', email: 'a@x' }, publicKeys: ['nick'] });
      const full = await channels.describe(undefined, { ...INFO, excludeChannels: ['other'] });
      expect(Object.keys(full.channels)).toEqual(['room']);
      expect(full.channels.room).toMatchObject({ users: ['alice'], total_users: 1, total_connections: 1 });
      expect(full.users).toEqual([{ user: 'alice', state: { nick: 'A', email: 'a@x' } }]);
      const publicOnly = await channels.describe(['room'], { ...INFO, returnPublicState: true });
      expect(publicOnly.users).toEqual([{ user: 'alice', state: { nick: 'A' } }]);
    });

    it('lists no users when include_users is false', async () => {
      await connect('alice', 'a1', ['room']);
      const info = await channels.describe(['room'], { ...INFO, includeUsers: false });
      expect(info.channels.room).toMatchObject({ users: [], total_users: 1 });
      expect(info.users).toEqual([]);
    });
  });
});
