import 'reflect-metadata';
import { afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { ConnectionsService } from '../connections/connections.service';
import type { MemoryEngine } from '../engine/memory/memory-engine';
import type { ChannelSettings, StoredEvent } from '../engine/types';
import { connectCommand } from '../testing/connect-command';
import { attachRecordingSink, RecordingSink } from '../testing/recording-sink';
import { createServiceFixture } from '../testing/service-fixture';
import type { MessageDeleteDto, MessageDto, MessageEditDto } from './message.dto';
import { MessagesService } from './messages.service';

const T0 = Date.UTC(2026, 0, 1);
const T0_TEXT = '2026-01-01T00:00:00+00:00';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const U1 = '11111111-1111-4111-8111-111111111111';
const U2 = '22222222-2222-4222-8222-222222222222';

const msg = (fields: Partial<MessageDto>): MessageDto => ({ user: 'sender', message: { text: 'hi' }, ...fields }) as MessageDto;

describe(MessagesService.name, () => {
  let engine: MemoryEngine;
  let messages: MessagesService;
  let connections: ConnectionsService;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(async () => {
    jest.useFakeTimers({ now: T0 });
    ({ engine, messages, connections } = await createServiceFixture());
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  async function attached(username: string, connId: string, channels: string[] = []) {
    await connections.connect(connectCommand({ username, connId, channels }));
    return attachRecordingSink(engine, connId);
  }

  const configure = (name: string, settings: Partial<ChannelSettings>) => engine.configureChannels({ [name]: settings });

  async function history(channel: string): Promise<StoredEvent[]> {
    const [view] = await engine.channelViews([channel], true);
    return view.history;
  }

  describe('publish', () => {
    it('drops items with neither a channel nor pm_users', async () => {
      const alice = await attached('alice', 'a1', ['room']);
      const accepted = await messages.publish([
        msg({ uuid: U1 }),
        msg({ uuid: U2, channel: 'room' }),
        msg({ pm_users: [], channel: null }),
      ]);
      expect(accepted.map((m) => m.uuid)).toEqual([U2]);
      expect(alice.seen).toEqual([['message', U2]]);
    });

    it('fills uuid, timestamp, edited and delivery defaults', async () => {
      const [accepted] = await messages.publish([msg({ channel: 'room' })]);
      expect(accepted).toEqual({
        user: 'sender',
        message: { text: 'hi' },
        uuid: expect.stringMatching(UUID_RE),
        timestamp: T0_TEXT,
        channel: 'room',
        pm_users: [],
        exclude_users: [],
        no_history: false,
        edited: null,
      });
    });

    it("keeps an item's other keys as they are, and leaves out a message it was not given", async () => {
      const alice = await attached('alice', 'a1', ['room']);
      const item = { user: 'sender', channel: 'room', custom: { n: 1 }, type: 'mine' } as unknown as MessageDto;
      const [accepted] = await messages.publish([item]);
      expect(accepted).toMatchObject({ custom: { n: 1 }, type: 'mine', channel: 'room', edited: null });
      expect(JSON.parse(JSON.stringify(accepted))).not.toHaveProperty('message');
      // delivered as a message whatever its type said, its other keys included
      expect(alice.received[0]).toMatchObject({ type: 'message', custom: { n: 1 } });
      expect(alice.received[0]).not.toHaveProperty('message');
    });

    it('keeps a given uuid and normalises a given timestamp', async () => {
      const [accepted] = await messages.publish([msg({ channel: 'room', uuid: U1, timestamp: '2025-06-01T12:30:00' })]);
      expect(accepted).toMatchObject({ uuid: U1, timestamp: '2025-06-01T12:30:00+00:00' });
    });

    it('gives each message its own uuid', async () => {
      const accepted = await messages.publish([msg({ channel: 'room' }), msg({ channel: 'room' })]);
      expect(accepted[0].uuid).not.toBe(accepted[1].uuid);
    });

    it('delivers a channel message to every subscriber as type message, without delivery fields', async () => {
      const alice = await attached('alice', 'a1', ['room']);
      const bob = await attached('bob', 'b1', ['room']);
      const outsider = await attached('carol', 'c1', ['other']);
      await messages.publish([msg({ channel: 'room', uuid: U1, type: 'custom' } as Partial<MessageDto>)]);
      const expected = {
        user: 'sender',
        message: { text: 'hi' },
        uuid: U1,
        timestamp: T0_TEXT,
        channel: 'room',
        edited: null,
        type: 'message',
        catchup: false,
      };
      expect(alice.received).toEqual([expected]);
      expect(bob.received).toEqual([expected]);
      expect(outsider.received).toEqual([]);
    });

    it('delivers a channel message with pm_users to those users only', async () => {
      const alice = await attached('alice', 'a1', ['room']);
      const bob = await attached('bob', 'b1', ['room']);
      const carol = await attached('carol', 'c1', ['room']);
      await messages.publish([msg({ channel: 'room', uuid: U1, pm_users: ['bob', 'carol', 'dave'] })]);
      expect(alice.seen).toEqual([]);
      expect(bob.seen).toEqual([['message', U1]]);
      expect(carol.seen).toEqual([['message', U1]]);
    });

    it('does not deliver a channel message to exclude_users, even when they are in pm_users', async () => {
      const alice = await attached('alice', 'a1', ['room']);
      const bob = await attached('bob', 'b1', ['room']);
      const carol = await attached('carol', 'c1', ['room']);
      await messages.publish([
        msg({ channel: 'room', uuid: U1, exclude_users: ['bob'] }),
        msg({ channel: 'room', uuid: U2, pm_users: ['alice', 'bob'], exclude_users: ['alice'] }),
      ]);
      expect(alice.seen).toEqual([['message', U1]]);
      expect(bob.seen).toEqual([['message', U2]]);
      expect(carol.seen).toEqual([['message', U1]]);
    });

    it('delivers a private message to every connection of each pm user, in no channel', async () => {
      const alice1 = await attached('alice', 'a1', ['room']);
      const alice2 = await attached('alice', 'a2');
      const bob = await attached('bob', 'b1');
      const carol = await attached('carol', 'c1', ['room']);
      await messages.publish([msg({ uuid: U1, pm_users: ['alice', 'bob', 'ghost'] })]);
      expect(alice1.seen).toEqual([['message', U1]]);
      expect(alice2.seen).toEqual([['message', U1]]);
      expect(bob.seen).toEqual([['message', U1]]);
      expect(carol.seen).toEqual([]);
      expect(alice1.received[0]).toMatchObject({ channel: null, catchup: false });
    });

    it('skips exclude_users for a private message', async () => {
      const alice = await attached('alice', 'a1');
      const bob = await attached('bob', 'b1');
      await messages.publish([msg({ uuid: U1, pm_users: ['alice', 'bob'], exclude_users: ['bob'] })]);
      expect(alice.seen).toEqual([['message', U1]]);
      expect(bob.seen).toEqual([]);
    });

    it('stores nothing in history when the channel does not store history', async () => {
      await configure('room', { store_history: false });
      await messages.publish([msg({ channel: 'room' })]);
      expect(await history('room')).toEqual([]);
    });

    it('keeps the last history_size messages when the channel stores history', async () => {
      await configure('room', { store_history: true, history_size: 2 });
      const accepted = await messages.publish([msg({ channel: 'room' }), msg({ channel: 'room' }), msg({ channel: 'room' })]);
      expect((await history('room')).map((e) => e.uuid)).toEqual([accepted[1].uuid, accepted[2].uuid]);
      expect((await history('room'))[0]).toMatchObject({ type: 'message', user: 'sender', message: { text: 'hi' } });
    });

    it('does not store a message sent with no_history, but still delivers it', async () => {
      await configure('room', { store_history: true, history_size: 10 });
      const alice = await attached('alice', 'a1', ['room']);
      await messages.publish([msg({ channel: 'room', uuid: U1, no_history: true }), msg({ channel: 'room', uuid: U2 })]);
      expect((await history('room')).map((e) => e.uuid)).toEqual([U2]);
      expect(alice.seen).toEqual([
        ['message', U1],
        ['message', U2],
      ]);
    });

    it('drops a message for a channel that does not exist without creating it', async () => {
      const accepted = await messages.publish([msg({ channel: 'nowhere' })]);
      expect(accepted).toHaveLength(1);
      expect(await engine.channelViews(['nowhere'], true)).toEqual([]);
    });
  });

  describe('edit', () => {
    it('changes the stored copy of a channel message and emits message:edit', async () => {
      await configure('room', { store_history: true, history_size: 10 });
      const alice = await attached('alice', 'a1', ['room']);
      await messages.publish([msg({ channel: 'room', uuid: U1 })]);
      jest.setSystemTime(T0 + 5000);
      const [edit] = await messages.edit([{ uuid: U1, channel: 'room', message: { text: 'edited' } } as MessageEditDto]);
      expect(edit).toMatchObject({ uuid: U1, channel: 'room', edited: '2026-01-01T00:00:05+00:00' });
      expect(await history('room')).toEqual([
        expect.objectContaining({ uuid: U1, message: { text: 'edited' }, edited: '2026-01-01T00:00:05+00:00', user: 'sender', timestamp: T0_TEXT }),
      ]);
      expect(alice.seen).toEqual([
        ['message', U1],
        ['message:edit', U1],
      ]);
      expect(alice.received[1]).toMatchObject({ channel: 'room', message: { text: 'edited' }, edited: '2026-01-01T00:00:05+00:00' });
    });

    it('changes user and timestamp of the stored copy when given', async () => {
      await configure('room', { store_history: true, history_size: 10 });
      await messages.publish([msg({ channel: 'room', uuid: U1 })]);
      await messages.edit([
        { uuid: U1, channel: 'room', user: 'editor', timestamp: '2025-01-01T00:00:00Z', edited: '2026-02-02T00:00:00' } as MessageEditDto,
      ]);
      expect((await history('room'))[0]).toMatchObject({
        user: 'editor',
        timestamp: '2025-01-01T00:00:00+00:00',
        edited: '2026-02-02T00:00:00+00:00',
        message: { text: 'hi' },
      });
    });

    it('changes the stored catch-up frame of a channel message when the channel keeps no history', async () => {
      const later = await attached('alice', 'a1', ['room']);
      engine.detach('a1', later);
      await messages.publish([msg({ channel: 'room', uuid: U1 })]);
      await messages.edit([{ uuid: U1, channel: 'room', message: { text: 'edited' } } as MessageEditDto]);
      expect(await history('room')).toEqual([]);
      const catchup = new RecordingSink('a1');
      await engine.attach('a1', catchup);
      expect(catchup.seen).toEqual([
        ['message', U1],
        ['message:edit', U1],
      ]);
      expect(catchup.received[0]).toMatchObject({ message: { text: 'edited' }, edited: T0_TEXT, catchup: true });
    });

    it('changes the stored copy of a private message and emits message:edit to the pm users', async () => {
      const live = await attached('alice', 'a1');
      const later = await attached('alice', 'a2');
      engine.detach('a2', later);
      await messages.publish([msg({ uuid: U1, pm_users: ['alice'] })]);
      await messages.edit([{ uuid: U1, pm_users: ['alice'], message: { text: 'edited' } } as MessageEditDto]);
      expect(live.seen).toEqual([
        ['message', U1],
        ['message:edit', U1],
      ]);
      // a2 catches up from the stored private frames: the original, already edited, then the edit
      const catchup = new RecordingSink('a2');
      await engine.attach('a2', catchup);
      expect(catchup.seen).toEqual([
        ['message', U1],
        ['message:edit', U1],
      ]);
      expect(catchup.received[0]).toMatchObject({ message: { text: 'edited' }, edited: T0_TEXT, catchup: true });
    });

    it('ignores an edit with neither channel nor pm_users', async () => {
      const alice = await attached('alice', 'a1', ['room']);
      const result = await messages.edit([{ uuid: U1, message: { text: 'x' } } as MessageEditDto]);
      expect(result).toHaveLength(1);
      expect(alice.received).toEqual([]);
    });
  });

  describe('delete', () => {
    it('removes a channel message from history and emits message:delete', async () => {
      await configure('room', { store_history: true, history_size: 10 });
      const alice = await attached('alice', 'a1', ['room']);
      await messages.publish([msg({ channel: 'room', uuid: U1 }), msg({ channel: 'room', uuid: U2 })]);
      const [deletion] = await messages.delete([{ uuid: U1, channel: 'room' } as MessageDeleteDto]);
      expect(deletion).toMatchObject({ uuid: U1, channel: 'room', pm_users: [], exclude_users: [], no_history: false });
      expect((await history('room')).map((e) => e.uuid)).toEqual([U2]);
      expect(alice.seen).toEqual([
        ['message', U1],
        ['message', U2],
        ['message:delete', U1],
      ]);
      expect(alice.received[2]).toEqual({ uuid: U1, channel: 'room', type: 'message:delete', catchup: false });
    });

    it('removes a stored private message and emits message:delete to the pm users', async () => {
      const live = await attached('alice', 'a1');
      const later = await attached('alice', 'a2');
      const bob = await attached('bob', 'b1');
      engine.detach('a2', later);
      await messages.publish([msg({ uuid: U1, pm_users: ['alice'] }), msg({ uuid: U2, pm_users: ['alice'] })]);
      await messages.delete([{ uuid: U1, pm_users: ['alice'] } as MessageDeleteDto]);
      expect(live.seen).toEqual([
        ['message', U1],
        ['message', U2],
        ['message:delete', U1],
      ]);
      expect(bob.seen).toEqual([]);
      const catchup = new RecordingSink('a2');
      await engine.attach('a2', catchup);
      expect(catchup.seen).toEqual([
        ['message', U2],
        ['message:delete', U1],
      ]);
    });
  });
});
