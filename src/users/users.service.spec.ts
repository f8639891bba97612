import 'reflect-metadata';
import { afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { RequestValidationError } from '../common/validation/request-validation.error';
import type { ConnectCommand, ConnectionsService } from '../connections/connections.service';
import type { MemoryEngine } from '../engine/memory/memory-engine';
import { connectCommand } from '../testing/connect-command';
import { rejection } from '../testing/rejection';
import { attachRecordingSink } from '../testing/recording-sink';
import { createServiceFixture } from '../testing/service-fixture';
import { UsersService } from './users.service';

const T0 = Date.UTC(2026, 0, 1);

describe(UsersService.name, () => {
  let engine: MemoryEngine;
  let users: UsersService;
  let connections: ConnectionsService;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(async () => {
    jest.useFakeTimers({ now: T0 });
    ({ engine, users, connections } = await createServiceFixture());
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  async function attached(username: string, connId: string, channels: string[], fields: Partial<ConnectCommand> = {}) {
    await connections.connect(connectCommand({ username, connId, channels, ...fields }));
    return attachRecordingSink(engine, connId);
  }

  /** alice (public key nick) in loud (notify_state) and quiet; bob watching both; carol in another notifying channel. */
  async function scene() {
    await engine.configureChannels({ loud: { notify_state: true }, elsewhere: { notify_state: true } });
    const alice = await attached('alice', 'a1', ['loud', 'quiet'], { freshState: { nick: 'A', email: 'a@x' }, publicKeys: ['nick'] });
    const bob = await attached('bob', 'b1', ['loud', 'quiet']);
    const carol = await attached('carol', 'c1', ['elsewhere']);
    return { alice, bob, carol };
  }

  describe('setState', () => {
    it('refuses an unknown user', async () => {
      const error = await rejection(users.setState('ghost', { update: { a: 1 } }));
      expect(error).toBeInstanceOf(RequestValidationError);
      expect((error as RequestValidationError).errors).toEqual({ user: ['Unknown user'] });
      expect(await engine.getUser('ghost')).toBeUndefined();
    });

    it('changes the state and answers the changed keys', async () => {
      await scene();
      const result = await users.setState('alice', { update: { nick: 'B', email: 'a@x', level: 3 } });
      expect(result.user.state).toEqual({ nick: 'B', email: 'a@x', level: 3 });
      expect(result.changed).toEqual([
        { key: 'nick', value: 'B' },
        { key: 'level', value: 3 },
      ]);
      expect((await engine.getUser('alice'))?.state).toEqual({ nick: 'B', email: 'a@x', level: 3 });
    });

    it('replaces the public keys when given and keeps them otherwise', async () => {
      await scene();
      expect((await users.setState('alice', { update: { level: 1 } })).user.publicKeys).toEqual(['nick']);
      expect((await users.setState('alice', { publicKeys: ['email'] })).user.publicKeys).toEqual(['email']);
    });

    it('publishes user_state_change only to the user\'s channels with notify_state', async () => {
      const { bob, carol } = await scene();
      await users.setState('alice', { update: { nick: 'B' } });
      expect(bob.received).toEqual([
        {
          uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
          type: 'user_state_change',
          user: 'alice',
          channel: 'loud',
          timestamp: '2026-01-01T00:00:00+00:00',
          message: { state: { nick: 'B' }, changed: [{ key: 'nick', value: 'B' }] },
          catchup: false,
        },
      ]);
      expect(carol.received).toEqual([]);
    });

    it('sends the public state and only the changed public keys', async () => {
      const { bob } = await scene();
      await users.setState('alice', { update: { nick: 'B', email: 'b@x', level: 2 } });
      expect(bob.received).toHaveLength(1);
      expect(bob.received[0].message).toEqual({ state: { nick: 'B' }, changed: [{ key: 'nick', value: 'B' }] });
    });

    it('publishes nothing when nothing changed', async () => {
      const { alice, bob } = await scene();
      const result = await users.setState('alice', { update: { nick: 'A', email: 'a@x' } });
      expect(result.changed).toEqual([]);
      await users.setState('alice', {});
      expect(bob.received).toEqual([]);
      expect(alice.received).toEqual([]);
    });

    it('publishes nothing for a user in no notifying channel', async () => {
      await engine.configureChannels({ loud: { notify_state: true } });
      const bob = await attached('bob', 'b1', ['loud', 'quiet']);
      await attached('alice', 'a1', ['quiet'], { freshState: { nick: 'A' }, publicKeys: ['nick'] });
      await users.setState('alice', { update: { nick: 'B' } });
      expect(bob.received).toEqual([]);
    });
  });

  describe('upsertOnConnect', () => {
    it('creates the user with the fresh state and reports the update as changes', async () => {
      const result = await users.upsertOnConnect('alice', { fresh: { a: 1 }, update: { b: 2 }, publicKeys: ['a'] });
      expect(result.user).toMatchObject({ username: 'alice', state: { a: 1, b: 2 }, publicKeys: ['a'], lastActive: T0 });
      expect(result.changed).toEqual([{ key: 'b', value: 2 }]);
    });

    it('publishes nothing', async () => {
      const { bob } = await scene();
      await users.upsertOnConnect('alice', { update: { nick: 'Z' } });
      expect(bob.received).toEqual([]);
    });
  });

  describe('describeUsers', () => {
    it('lists known users with full or public state, skipping unknown names', async () => {
      await users.upsertOnConnect('alice', { fresh: { nick: 'A', email: 'a@x' }, publicKeys: ['nick'] });
      expect(await users.describeUsers(['alice', 'ghost'], false)).toEqual([{ user: 'alice', state: { nick: 'A', email: 'a@x' } }]);
      expect(await users.describeUsers(['alice'], true)).toEqual([{ user: 'alice', state: { nick: 'A' } }]);
    });
  });
});
