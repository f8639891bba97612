import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { WS_CLOSE } from '../engine/close-codes';
import { Engine } from '../engine/engine';
import { MemoryEngine } from '../engine/memory/memory-engine';
import { attachRecordingSink, type RecordingSink } from '../testing/recording-sink';
import { HEARTBEAT_HOLD_MS, HEARTBEAT_INTERVAL_MS, HEARTBEAT_SLICES, HeartbeatService } from './heartbeat.service';

const T0 = Date.UTC(2026, 0, 1);
const TICK = HEARTBEAT_INTERVAL_MS / HEARTBEAT_SLICES;

describe(HeartbeatService.name, () => {
  let engine: MemoryEngine;
  let moduleRef: TestingModule;
  let heartbeat: HeartbeatService;

  beforeEach(async () => {
    jest.useFakeTimers({ now: T0 });
    engine = new MemoryEngine();
    moduleRef = await Test.createTestingModule({
      providers: [{ provide: Engine, useValue: engine }, HeartbeatService],
    }).compile();
    heartbeat = moduleRef.get(HeartbeatService);
  });
  afterEach(() => {
    heartbeat.beforeApplicationShutdown();
    jest.useRealTimers();
  });

  /** A connection with a sink attached (or none when `sink` is null). */
  async function connection(connId: string, username: string, alive: boolean | null = true): Promise<RecordingSink | undefined> {
    await engine.updateUser(username, (current) => current ?? { username, state: {}, publicKeys: [], lastActive: Date.now() });
    await engine.openConnection(connId, username);
    if (alive === null) return undefined;
    return attachRecordingSink(engine, connId, { alive });
  }

  const lastActive = async (connId: string) => (await engine.getConnection(connId))!.lastActive;

  it('calls heartbeat on every attached sink with the given time', async () => {
    const one = await connection('c1', 'alice');
    const two = await connection('c2', 'alice', false);
    const three = await connection('c3', 'bob');
    heartbeat.beat(T0 + 1234);
    expect(one!.heartbeats).toEqual([T0 + 1234]);
    expect(two!.heartbeats).toEqual([T0 + 1234]);
    expect(three!.heartbeats).toEqual([T0 + 1234]);
  });

  it('uses the current time by default', async () => {
    const sink = await connection('c1', 'alice');
    jest.setSystemTime(T0 + 7000);
    heartbeat.beat();
    expect(sink!.heartbeats).toEqual([T0 + 7000]);
  });

  it('touches the connections whose sink is alive, and only those', async () => {
    await connection('live', 'alice');
    await connection('dead', 'bob', false);
    await connection('bare', 'carol', null);
    const before = { live: await lastActive('live'), dead: await lastActive('dead'), bare: await lastActive('bare') };

    jest.setSystemTime(T0 + 10_000);
    const touch = jest.spyOn(engine, 'touch');
    heartbeat.beat();

    expect(touch.mock.calls).toEqual([['live']]);
    expect(await lastActive('live')).toBeGreaterThanOrEqual(T0 + 10_000);
    expect(await lastActive('dead')).toBe(before.dead);
    expect(await lastActive('bare')).toBe(before.bare);
  });

  it('beats each transport every HEARTBEAT_INTERVAL_MS once started, the first beat within one interval', async () => {
    const sink = await connection('c1', 'alice');
    await moduleRef.init();
    await jest.advanceTimersByTimeAsync(HEARTBEAT_INTERVAL_MS);
    expect(sink!.heartbeats).toHaveLength(1);
    const first = sink!.heartbeats[0]!;
    await jest.advanceTimersByTimeAsync(3 * HEARTBEAT_INTERVAL_MS);
    expect(sink!.heartbeats).toEqual([first, first + HEARTBEAT_INTERVAL_MS, first + 2 * HEARTBEAT_INTERVAL_MS, first + 3 * HEARTBEAT_INTERVAL_MS]);
  });

  it('spreads transports opened together over the interval, not one burst', async () => {
    const sinks = await Promise.all(Array.from({ length: 4 * HEARTBEAT_SLICES }, (_, i) => connection(`c${i}`, `user${i}`)));
    await moduleRef.init();
    const beatsPerTick: number[] = [];
    let seen = 0;
    for (let tick = 0; tick < 2 * HEARTBEAT_SLICES; tick++) {
      await jest.advanceTimersByTimeAsync(HEARTBEAT_INTERVAL_MS / HEARTBEAT_SLICES);
      const total = sinks.reduce((sum, s) => sum + s!.heartbeats.length, 0);
      beatsPerTick.push(total - seen);
      seen = total;
    }
    // after the first tick (which only schedules), every tick beats a twentieth of them: 4 each
    expect(beatsPerTick.slice(2)).toEqual(Array(2 * HEARTBEAT_SLICES - 2).fill(4));
    for (const sink of sinks) expect(sink!.heartbeats.length).toBeGreaterThanOrEqual(1);
  });

  it('beats a transport attached after it started, within one interval', async () => {
    await moduleRef.init();
    await jest.advanceTimersByTimeAsync(3 * TICK);
    const sink = await connection('late', 'alice');
    await jest.advanceTimersByTimeAsync(HEARTBEAT_INTERVAL_MS);
    expect(sink!.heartbeats).toHaveLength(1);
  });

  it('stops beating a transport once it is detached or replaced, and beats its replacement', async () => {
    const detached = await connection('c1', 'alice');
    const replaced = await connection('c2', 'bob');
    await moduleRef.init();
    await jest.advanceTimersByTimeAsync(HEARTBEAT_INTERVAL_MS);
    expect([detached!.heartbeats.length, replaced!.heartbeats.length]).toEqual([1, 1]);

    engine.detach('c1', detached!);
    const replacement = await attachRecordingSink(engine, 'c2');
    await jest.advanceTimersByTimeAsync(2 * HEARTBEAT_INTERVAL_MS);
    expect(detached!.heartbeats).toHaveLength(1);
    expect(replaced!.heartbeats).toHaveLength(1);
    expect(replacement.heartbeats).toHaveLength(2);
  });

  it('has each live transport send its held beat HEARTBEAT_HOLD_MS after beating it, once per beat', async () => {
    const live = await connection('c1', 'alice');
    const dead = await connection('c2', 'bob', false);
    await moduleRef.init();
    await jest.advanceTimersByTimeAsync(3 * HEARTBEAT_INTERVAL_MS);
    const beats = [...live!.heartbeats];
    expect(beats).toHaveLength(3);
    expect(dead!.heartbeats).toHaveLength(3);
    // the last beat's release is still ahead when it came less than HEARTBEAT_HOLD_MS ago
    const released = beats.filter((at) => at + HEARTBEAT_HOLD_MS <= Date.now());
    expect(live!.releases).toEqual(released.map((at) => at + HEARTBEAT_HOLD_MS));
    await jest.advanceTimersByTimeAsync(HEARTBEAT_HOLD_MS);
    expect(live!.releases).toEqual(beats.map((at) => at + HEARTBEAT_HOLD_MS));
    expect(dead!.releases).toEqual([]); // a dead transport has nothing to send
  });

  it('beat() has every live transport send its beat at once', async () => {
    const live = await connection('c1', 'alice');
    const dead = await connection('c2', 'bob', false);
    heartbeat.beat(T0 + 1000);
    expect(live!.releases).toEqual([T0]);
    expect(dead!.releases).toEqual([]);
  });

  it('beats one slice per tick: a tick calls only the transports due, not every one on the node', async () => {
    const sinks = await Promise.all(Array.from({ length: 2 * HEARTBEAT_SLICES }, (_, i) => connection(`c${i}`, `user${i}`)));
    const lookups = jest.spyOn(engine, 'sinkOf');
    heartbeat.tick();
    expect(lookups).toHaveBeenCalledTimes(2);
    expect(sinks.filter((s) => s!.heartbeats.length > 0)).toHaveLength(2);
  });

  it('closes every sink with 1001 before shutdown', async () => {
    const one = await connection('c1', 'alice');
    const two = await connection('c2', 'bob', false);
    heartbeat.beforeApplicationShutdown();
    expect(WS_CLOSE.goingAway).toBe(1001);
    expect(one!.closedWith).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(two!.closedWith).toEqual({ code: 1001, reason: 'server shutting down' });
  });

  it('stops beating on shutdown', async () => {
    const sink = await connection('c1', 'alice');
    await moduleRef.init();
    await moduleRef.close();
    expect(sink!.closedWith?.code).toBe(1001);
    await jest.advanceTimersByTimeAsync(HEARTBEAT_INTERVAL_MS * 4);
    expect(sink!.heartbeats).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });
});
