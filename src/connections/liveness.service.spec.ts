import 'reflect-metadata';
import { afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { ChannelsService } from '../channels/channels.service';
import type { InfoOptions } from '../channels/info.dto';
import { Settings } from '../config/settings';
import { WS_CLOSE } from '../engine/close-codes';
import { Engine } from '../engine/engine';
import { MemoryEngine } from '../engine/memory/memory-engine';
import type { OutboundEvent } from '../engine/outbound-event';
import type { Sink } from '../engine/sink';
import { MessagesService } from '../messages/messages.service';
import { UsersService } from '../users/users.service';
import { ConnectionsService } from './connections.service';
import { LivenessService } from './liveness.service';

const T0 = Date.UTC(2026, 0, 1);
const DAY_MS = 24 * 3600 * 1000;
const GC_CONNS_AFTER_S = 30;
const GC_CHANNELS_AFTER_S = 3600;
const INFO: InfoOptions = { includeHistory: false, includeUsers: true, excludeChannels: [], returnPublicState: false };

/** A transport that records what it is given. */
class RecordingSink implements Sink {
  readonly kind = 'websocket' as const;
  readonly events: OutboundEvent[] = [];
  closedWith?: { code: number; reason: string };

  constructor(readonly connId: string) {}

  deliver(event: OutboundEvent): void {
    this.events.push(event);
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }

  heartbeat(): boolean {
    return true;
  }

  get received(): Record<string, unknown>[] {
    return this.events.map((e) => JSON.parse(e.json) as Record<string, unknown>);
  }
}

describe(LivenessService.name, () => {
  let engine: MemoryEngine;
  let moduleRef: TestingModule;
  let liveness: LivenessService;
  let connections: ConnectionsService;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(async () => {
    jest.useFakeTimers({ now: T0 });
    engine = new MemoryEngine();
    moduleRef = await Test.createTestingModule({
      providers: [
        { provide: Engine, useValue: engine },
        {
          provide: Settings,
          useValue: Settings.load({ overrides: { gc_conns_after: GC_CONNS_AFTER_S, gc_channels_after: GC_CHANNELS_AFTER_S } }),
        },
        UsersService,
        ChannelsService,
        ConnectionsService,
        MessagesService,
        LivenessService,
      ],
    }).compile();
    liveness = moduleRef.get(LivenessService);
    connections = moduleRef.get(ConnectionsService);
  });
  afterEach(() => {
    liveness.beforeApplicationShutdown();
    jest.useRealTimers();
  });

  const connect = (username: string, connId: string, channels: string[] = []) =>
    connections.connect({ username, connId, channels, channelConfigs: {}, info: INFO });

  async function attached(username: string, connId: string, channels: string[] = []) {
    await connect(username, connId, channels);
    const sink = new RecordingSink(connId);
    await engine.attach(connId, sink);
    return sink;
  }

  describe('expireIdleConnections', () => {
    it('expires only connections idle for longer than gc_conns_after', async () => {
      const oldSink = await attached('alice', 'old');
      jest.setSystemTime(T0 + 20_000);
      const freshSink = await attached('bob', 'fresh');

      expect(await liveness.expireIdleConnections(T0 + GC_CONNS_AFTER_S * 1000)).toBe(0);
      expect(await liveness.expireIdleConnections(T0 + (GC_CONNS_AFTER_S + 1) * 1000)).toBe(1);
      expect(await engine.getConnection('old')).toBeUndefined();
      expect(await engine.getConnection('fresh')).toBeDefined();
      expect(oldSink.closedWith).toEqual({ code: WS_CLOSE.expired, reason: 'expired' });
      expect(freshSink.closedWith).toBeUndefined();
    });

    it('counts transport activity as liveness', async () => {
      await attached('alice', 'c1');
      jest.setSystemTime(T0 + 25_000);
      engine.touch('c1');
      expect(await liveness.expireIdleConnections(T0 + 40_000)).toBe(0);
      expect(await engine.getConnection('c1')).toBeDefined();
    });

    it('announces parted for the users whose connections expire', async () => {
      await engine.configureChannels({ room: { notify_presence: true } });
      await connect('alice', 'a1', ['room']); // no transport: nothing it is sent counts as activity
      jest.setSystemTime(T0 + 20_000);
      const bob = await attached('bob', 'b1', ['room']);
      bob.events.length = 0;

      await liveness.expireIdleConnections(T0 + 31_000);
      expect(bob.received).toEqual([expect.objectContaining({ type: 'presence', user: 'alice', message: { action: 'parted' } })]);
    });
  });

  describe('forgetIdle', () => {
    it('forgets users without connections idle for a day, and keeps connected or recent ones', async () => {
      await connect('alice', 'a1');
      await connections.disconnect('a1');
      await connect('bob', 'b1');
      jest.setSystemTime(T0 + DAY_MS / 2);
      await connect('carol', 'c1');
      await connections.disconnect('c1');

      expect(await liveness.forgetIdle(T0 + DAY_MS)).toEqual({ users: 0, channels: 0 });
      expect(await liveness.forgetIdle(T0 + DAY_MS + 1)).toEqual({ users: 1, channels: 0 });
      expect(await engine.getUser('alice')).toBeUndefined();
      expect(await engine.getUser('bob')).toBeDefined();
      expect(await engine.getUser('carol')).toBeDefined();
      expect(await liveness.forgetIdle(T0 + DAY_MS * 10)).toEqual({ users: 1, channels: 0 });
      expect(await engine.getUser('carol')).toBeUndefined();
      expect(await engine.getUser('bob')).toBeDefined();
    });

    it('forgets empty channels idle past gc_channels_after and keeps channels with connections', async () => {
      await engine.configureChannels({ configured: {} });
      await connect('bob', 'b1', ['busy', 'left']);
      await connections.unsubscribe('b1', ['left'], INFO);

      expect(await liveness.forgetIdle(T0 + GC_CHANNELS_AFTER_S * 1000)).toEqual({ users: 0, channels: 0 });
      expect(await liveness.forgetIdle(T0 + GC_CHANNELS_AFTER_S * 1000 + 1)).toEqual({ users: 0, channels: 2 });
      const names = (await engine.channelViews(undefined, false)).map((v) => v.channel.name);
      expect(names).toEqual(['busy']);
    });
  });

  describe('timers', () => {
    it('expires an idle connection within a second of passing gc_conns_after, once started', async () => {
      await moduleRef.init();
      const sink = await attached('alice', 'c1');

      await jest.advanceTimersByTimeAsync(GC_CONNS_AFTER_S * 1000);
      expect(await engine.getConnection('c1')).toBeDefined();

      await jest.advanceTimersByTimeAsync(1000);
      expect(await engine.getConnection('c1')).toBeUndefined();
      expect(sink.closedWith).toEqual({ code: WS_CLOSE.expired, reason: 'expired' });
    });

    it('does not sweep before it is started', async () => {
      await attached('alice', 'c1');
      await jest.advanceTimersByTimeAsync(120_000);
      expect(await engine.getConnection('c1')).toBeDefined();
    });

    it('forgets idle users and channels on the minute sweep', async () => {
      await moduleRef.init();
      await connect('alice', 'a1', ['room']);
      await connections.disconnect('a1');
      await jest.advanceTimersByTimeAsync(DAY_MS + 60_000);
      expect(await engine.getUser('alice')).toBeUndefined();
      expect(await engine.channelViews(['room'], false)).toEqual([]);
    });

    it('clears its timers on shutdown, so nothing expires afterwards', async () => {
      await moduleRef.init();
      expect(jest.getTimerCount()).toBe(2);
      await moduleRef.close();
      expect(jest.getTimerCount()).toBe(0);

      await attached('alice', 'c1');
      await jest.advanceTimersByTimeAsync(120_000);
      expect(await engine.getConnection('c1')).toBeDefined();
    });
  });
});
