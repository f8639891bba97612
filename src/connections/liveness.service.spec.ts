import 'reflect-metadata';
import { afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { WS_CLOSE } from '../engine/close-codes';
import type { MemoryEngine } from '../engine/memory/memory-engine';
import { connectCommand, INFO } from '../testing/connect-command';
import { attachRecordingSink } from '../testing/recording-sink';
import { createServiceFixture } from '../testing/service-fixture';
import type { ConnectionsService } from './connections.service';
import { LivenessService } from './liveness.service';

const T0 = Date.UTC(2026, 0, 1);
const DAY_MS = 24 * 3600 * 1000;
const GC_CONNS_AFTER_S = 30;
const GC_CHANNELS_AFTER_S = 3600;

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
    ({ engine, moduleRef, connections } = await createServiceFixture({
      settings: { gc_conns_after: GC_CONNS_AFTER_S, gc_channels_after: GC_CHANNELS_AFTER_S },
      providers: [LivenessService],
    }));
    liveness = moduleRef.get(LivenessService);
  });
  afterEach(() => {
    liveness.beforeApplicationShutdown();
    jest.useRealTimers();
  });

  const connect = (username: string, connId: string, channels: string[] = []) =>
    connections.connect(connectCommand({ username, connId, channels }));

  async function attached(username: string, connId: string, channels: string[] = []) {
    await connect(username, connId, channels);
    return attachRecordingSink(engine, connId);
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
