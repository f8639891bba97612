import 'reflect-metadata';
import { afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { RequestValidationError } from '../common/validation/request-validation.error';
import { WS_CLOSE } from '../engine/close-codes';
import type { MemoryEngine } from '../engine/memory/memory-engine';
import { connectCommand, INFO } from '../testing/connect-command';
import { rejection } from '../testing/rejection';
import { attachRecordingSink, type RecordingSink } from '../testing/recording-sink';
import { createServiceFixture } from '../testing/service-fixture';
import { ConnectionsService, type ConnectCommand } from './connections.service';

const T0 = Date.UTC(2026, 0, 1);

describe(ConnectionsService.name, () => {
  let engine: MemoryEngine;
  let connections: ConnectionsService;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(async () => {
    jest.useFakeTimers({ now: T0 });
    ({ engine, connections } = await createServiceFixture());
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  const connect = (fields: Partial<ConnectCommand> & { username: string }) => connections.connect(connectCommand(fields));

  /** A connection of `username` in `channels` with a recording sink attached. */
  async function attached(connId: string, username: string, channels: string[] = []): Promise<RecordingSink> {
    await connect({ username, connId, channels });
    return attachRecordingSink(engine, connId);
  }

  describe('connect', () => {
    it('creates a new user with the fresh state', async () => {
      const result = await connect({ username: 'alice', freshState: { nick: 'A', level: 1 } });
      expect(result.username).toBe('alice');
      expect(result.state).toEqual({ nick: 'A', level: 1 });
      expect((await engine.getUser('alice'))?.state).toEqual({ nick: 'A', level: 1 });
    });

    it('ignores the fresh state for a user it already knows', async () => {
      await connect({ username: 'alice', freshState: { nick: 'A' } });
      const again = await connect({ username: 'alice', freshState: { nick: 'other', extra: true } });
      expect(again.state).toEqual({ nick: 'A' });
    });

    it('applies user_state on top of the fresh state and of the known state', async () => {
      const first = await connect({ username: 'alice', freshState: { nick: 'A', level: 1 }, stateUpdate: { level: 2 } });
      expect(first.state).toEqual({ nick: 'A', level: 2 });
      const second = await connect({ username: 'alice', stateUpdate: { online: true } });
      expect(second.state).toEqual({ nick: 'A', level: 2, online: true });
    });

    it('answers the public state made of the public keys', async () => {
      const result = await connect({ username: 'alice', freshState: { nick: 'A', email: 'a@x' }, publicKeys: ['nick', 'missing'] });
      expect(result.public_state).toEqual({ nick: 'A' });
    });

    it('keeps the public keys when a later connect does not give them', async () => {
      await connect({ username: 'alice', freshState: { nick: 'A', email: 'a@x' }, publicKeys: ['nick'] });
      const again = await connect({ username: 'alice' });
      expect(again.public_state).toEqual({ nick: 'A' });
      expect((await engine.getUser('alice'))?.publicKeys).toEqual(['nick']);
    });

    it('replaces the public keys when a later connect gives them', async () => {
      await connect({ username: 'alice', freshState: { nick: 'A', email: 'a@x' }, publicKeys: ['nick'] });
      const again = await connect({ username: 'alice', publicKeys: ['email'] });
      expect(again.public_state).toEqual({ email: 'a@x' });
    });

    it('answers its channels sorted and without duplicates', async () => {
      const result = await connect({ username: 'alice', channels: ['b', 'a', 'c', 'a', 'b'] });
      expect(result.channels).toEqual(['a', 'b', 'c']);
      expect(Object.keys(result.channels_info.channels).sort()).toEqual(['a', 'b', 'c']);
      expect(result.channels_info.channels.a).toMatchObject({ name: 'a', total_connections: 1, total_users: 1, users: ['alice'] });
    });

    it('generates a conn_id when none is given', async () => {
      const one = await connect({ username: 'alice' });
      const two = await connect({ username: 'alice' });
      expect(one.conn_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(two.conn_id).not.toBe(one.conn_id);
    });

    it('creates channels with the given channel configs', async () => {
      const result = await connect({
        username: 'alice',
        channels: ['room'],
        channelConfigs: { room: { store_history: true, history_size: 3 } },
      });
      expect(result.channels_info.channels.room.settings).toMatchObject({ store_history: true, history_size: 3 });
    });

    it('re-uses a live conn_id of the same user without counting a second connection', async () => {
      const first = await connect({ username: 'alice', connId: 'c1', channels: ['room'] });
      const again = await connect({ username: 'alice', connId: 'c1', channels: ['room', 'lobby'] });
      expect(again.conn_id).toBe(first.conn_id);
      expect(again.channels).toEqual(['lobby', 'room']);
      expect(again.channels_info.channels.room).toMatchObject({ total_connections: 1, total_users: 1 });
      expect((await engine.stats()).connections).toBe(1);
    });

    it('refuses a conn_id that belongs to another user', async () => {
      await connect({ username: 'alice', connId: 'c1', channels: ['room'] });
      const error = await rejection(connect({ username: 'bob', connId: 'c1', channels: ['room'] }));
      expect(error).toBeInstanceOf(RequestValidationError);
      expect((error as RequestValidationError).errors).toEqual({ conn_id: ['Connection belongs to another user'] });
      expect(await engine.getConnection('c1')).toMatchObject({ username: 'alice', channels: ['room'] });
      const [room] = await engine.channelViews(['room'], false);
      expect(room.users).toEqual(['alice']);
    });
    it('changes no user when it refuses a conn_id of another user', async () => {
      await connect({ username: 'alice', connId: 'c1' });
      await connect({ username: 'bob', connId: 'c2', freshState: { nick: 'B' }, publicKeys: ['nick'] });
      await rejection(connect({ username: 'bob', connId: 'c1', stateUpdate: { nick: 'hijacked' }, publicKeys: [] }));
      await rejection(connect({ username: 'carol', connId: 'c1', freshState: { nick: 'C' } }));
      expect(await engine.getUser('bob')).toMatchObject({ state: { nick: 'B' }, publicKeys: ['nick'] });
      expect(await engine.getUser('carol')).toBeUndefined();
    });
  });

  describe('subscribe and unsubscribe', () => {
    it('subscribe reports only the channels it joined', async () => {
      await connect({ username: 'alice', connId: 'c1', channels: ['a'] });
      const result = await connections.subscribe('c1', ['c', 'a', 'b', 'b'], {}, INFO);
      expect(result.changed).toEqual(['b', 'c']);
      expect(result.channels).toEqual(['a', 'b', 'c']);
      expect(Object.keys(result.channels_info.channels).sort()).toEqual(['a', 'b', 'c']);
    });

    it('subscribe reports nothing when already in every channel', async () => {
      await connect({ username: 'alice', connId: 'c1', channels: ['a'] });
      expect((await connections.subscribe('c1', ['a'], {}, INFO)).changed).toEqual([]);
    });

    it('subscribe creates missing channels with their configs', async () => {
      await connect({ username: 'alice', connId: 'c1' });
      const result = await connections.subscribe('c1', ['room'], { room: { notify_presence: true } }, INFO);
      expect(result.channels_info.channels.room.settings.notify_presence).toBe(true);
    });

    it('unsubscribe reports only the channels it left', async () => {
      await connect({ username: 'alice', connId: 'c1', channels: ['a', 'b'] });
      await connect({ username: 'bob', connId: 'c2', channels: ['c'] });
      const result = await connections.unsubscribe('c1', ['b', 'c', 'missing', 'b'], INFO);
      expect(result.changed).toEqual(['b']);
      expect(result.channels).toEqual(['a']);
      expect(Object.keys(result.channels_info.channels)).toEqual(['a']);
    });

    it('subscribe refuses an unknown conn_id', async () => {
      const error = await rejection(connections.subscribe('nope', ['room'], {}, INFO));
      expect(error).toBeInstanceOf(RequestValidationError);
      expect((error as RequestValidationError).errors).toEqual({ conn_id: ['Unknown connection'] });
      expect(await engine.channelViews(['room'], false)).toEqual([]);
    });

    it('unsubscribe refuses an unknown conn_id', async () => {
      const error = await rejection(connections.unsubscribe('nope', ['room'], INFO));
      expect(error).toBeInstanceOf(RequestValidationError);
      expect((error as RequestValidationError).errors).toEqual({ conn_id: ['Unknown connection'] });
    });
  });

  describe('expire and disconnect', () => {
    it('expire removes the connection and closes its sink as expired', async () => {
      const sink = await attached('c1', 'alice', ['room']);
      expect(await connections.expire('c1')).toBe(true);
      expect(await engine.getConnection('c1')).toBeUndefined();
      expect(sink.closedWith).toEqual({ code: WS_CLOSE.expired, reason: 'expired' });
      const [room] = await engine.channelViews(['room'], false);
      expect(room).toMatchObject({ users: [], totalConnections: 0 });
    });

    it('expire announces parted to the channels the user left', async () => {
      await engine.configureChannels({ room: { notify_presence: true } });
      const watcher = await attached('w1', 'bob', ['room']);
      await connect({ username: 'alice', connId: 'c1', channels: ['room'] });
      watcher.events.length = 0;

      await connections.expire('c1');
      expect(watcher.received).toEqual([
        expect.objectContaining({ type: 'presence', user: 'alice', channel: 'room', message: { action: 'parted' }, state: null }),
      ]);
    });

    it('expire answers false for an unknown connection', async () => {
      expect(await connections.expire('nope')).toBe(false);
    });

    it('disconnect removes the connection and closes its sink as disconnected', async () => {
      const sink = await attached('c1', 'alice', ['room']);
      expect(await connections.disconnect('c1')).toBe(true);
      expect(await engine.getConnection('c1')).toBeUndefined();
      expect(sink.closedWith).toEqual({ code: WS_CLOSE.disconnected, reason: 'disconnected' });
      expect(await connections.disconnect('c1')).toBe(false);
    });
  });
});
