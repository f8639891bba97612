import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { WebSocket } from 'ws';
import { WS_CLOSE } from '../engine/close-codes';
import { OutboundEvent } from '../engine/outbound-event';
import type { StoredEvent } from '../engine/types';
import { WebSocketSink } from './websocket.sink';
import { WriteBatcher } from './write-batcher';
import { HEARTBEAT_AND_PING, HEARTBEAT_FRAME, textFrame } from './ws-frames';

const MAX = 1000;
const DEAD_AFTER_MS = 60_000;

/** A stand-in for a ws WebSocket over a TCP socket whose unsent bytes the test sets (bytesWritten counts them too, as net.Socket's does). */
function fakeSocket() {
  const raw = {
    writableLength: 0,
    bytesWritten: 0,
    /** The kernel takes a write at once, unless bytes already wait: then it waits behind them. */
    write: jest.fn<(chunk: Buffer) => boolean>((chunk) => {
      raw.bytesWritten += chunk.length;
      if (raw.writableLength > 0) raw.writableLength += chunk.length;
      return true;
    }),
  };
  const socket = {
    OPEN: 1,
    CONNECTING: 0,
    readyState: 1,
    _socket: raw,
    close: jest.fn((_code: number, _reason: string) => void (socket.readyState = 2)),
    terminate: jest.fn(),
  };
  return { socket, raw };
}

type FakeRaw = ReturnType<typeof fakeSocket>['raw'];

const event = (text: string) =>
  new OutboundEvent({ uuid: text, type: 'message', user: 'u', channel: 'c', timestamp: 't', message: { text }, pm_users: [], exclude_users: [] } as unknown as StoredEvent);

const frameOf = (e: OutboundEvent) => textFrame(e.frameBytes);

describe(WebSocketSink.name, () => {
  let batcher: WriteBatcher;
  let onSlowConsumer: jest.Mock<() => void>;
  beforeEach(() => {
    jest.useFakeTimers();
    batcher = new WriteBatcher();
    onSlowConsumer = jest.fn();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  /** `random` draws the ping delay: 0.5 gives half of DEAD_AFTER_MS. */
  function sink(random = () => 0.5) {
    const { socket, raw } = fakeSocket();
    const s = new WebSocketSink('conn', socket as unknown as WebSocket, batcher, { maxBufferedBytes: MAX, deadAfterMs: DEAD_AFTER_MS, positions: false, onSlowConsumer, random });
    return { s, socket, raw };
  }

  it('writes one event as its ready frame, after the turn', () => {
    const { s, raw } = sink();
    const one = event('a');
    s.deliver(one);
    expect(raw.write).not.toHaveBeenCalled();
    jest.runOnlyPendingTimers();
    expect(raw.write).toHaveBeenCalledTimes(1);
    expect(raw.write.mock.calls[0][0]).toEqual(frameOf(one));
  });

  it('writes the events of one turn in one write, in order', () => {
    const { s, raw } = sink();
    const events = [event('a'), event('b'), event('c')];
    for (const e of events) s.deliver(e);
    jest.runOnlyPendingTimers();
    expect(raw.write).toHaveBeenCalledTimes(1);
    expect(raw.write.mock.calls[0][0]).toEqual(Buffer.concat(events.map(frameOf)));
  });

  it('writes a heartbeat at once, after what was queued', () => {
    const { s, raw } = sink();
    s.deliver(event('a'));
    expect(s.heartbeat(Date.now())).toBe(true);
    expect(raw.write.mock.calls[0][0]).toEqual(Buffer.concat([frameOf(event('a')), HEARTBEAT_FRAME]));
    jest.runOnlyPendingTimers(); // the batch's flush finds nothing left
    expect(raw.write).toHaveBeenCalledTimes(1);
  });

  it('holds a beat with nothing queued and sends it in the next event’s write, once', () => {
    const { s, raw } = sink();
    const one = event('a');
    expect(s.heartbeat(Date.now())).toBe(true);
    expect(raw.write).not.toHaveBeenCalled();
    s.deliver(one);
    jest.runOnlyPendingTimers();
    expect(raw.write.mock.calls).toEqual([[Buffer.concat([frameOf(one), HEARTBEAT_FRAME])]]);
    s.releaseHeldBeat(); // the event took it
    s.deliver(event('b'));
    jest.runOnlyPendingTimers();
    expect(raw.write.mock.calls.at(-1)![0]).toEqual(frameOf(event('b')));
  });

  it('sends a held beat alone when no event came for it, once', () => {
    const { s, raw } = sink();
    s.heartbeat(Date.now());
    s.releaseHeldBeat();
    s.releaseHeldBeat();
    expect(raw.write.mock.calls).toEqual([[HEARTBEAT_FRAME]]);
  });

  it('holds a ping with its beat: it rides with the next event too', () => {
    const { s, raw } = sink();
    s.heartbeat(Date.now() + DEAD_AFTER_MS / 2);
    s.deliver(event('a'));
    jest.runOnlyPendingTimers();
    expect(raw.write.mock.calls).toEqual([[Buffer.concat([frameOf(event('a')), HEARTBEAT_AND_PING])]]);
  });

  it('holds one beat at most: a later beat replaces one still held', () => {
    const { s, raw } = sink();
    s.heartbeat(Date.now());
    s.heartbeat(Date.now() + DEAD_AFTER_MS / 2);
    s.releaseHeldBeat();
    expect(raw.write.mock.calls).toEqual([[HEARTBEAT_AND_PING]]);
  });

  it('drops a held beat of a socket that closed before its release', () => {
    const { s, socket, raw } = sink();
    s.heartbeat(Date.now());
    socket.readyState = 3;
    s.releaseHeldBeat();
    expect(raw.write).not.toHaveBeenCalled();
  });

  it('pings with the heartbeat only a peer silent for its ping delay, and not again once it answered', () => {
    const { s, raw } = sink();
    const opened = Date.now();
    const beat = (at: number) => {
      expect(s.heartbeat(at)).toBe(true);
      s.releaseHeldBeat();
      return raw.write.mock.calls.at(-1)![0];
    };
    expect(beat(opened + 5_000)).toEqual(HEARTBEAT_FRAME);
    expect(beat(opened + DEAD_AFTER_MS / 2 - 1)).toEqual(HEARTBEAT_FRAME);
    expect(beat(opened + DEAD_AFTER_MS / 2)).toEqual(HEARTBEAT_AND_PING);
    expect(beat(opened + DEAD_AFTER_MS / 2 + 5_000)).toEqual(HEARTBEAT_AND_PING); // no answer yet: asked again
    jest.setSystemTime(opened + DEAD_AFTER_MS / 2 + 5_001);
    s.markSeen(); // the pong
    expect(beat(opened + DEAD_AFTER_MS / 2 + 10_000)).toEqual(HEARTBEAT_FRAME);
  });

  it('draws each socket’s ping delay between a third and two thirds of gc_conns_after', () => {
    /** When, beating every second, the first ping went out; null when none did before the peer counted as dead. */
    const firstPingAt = (random: () => number) => {
      const { s, raw } = sink(random);
      const opened = Date.now();
      for (let at = opened + 1000; at <= opened + DEAD_AFTER_MS; at += 1000) {
        s.heartbeat(at);
        s.releaseHeldBeat();
        if (raw.write.mock.calls.at(-1)![0].equals(HEARTBEAT_AND_PING)) return at - opened;
      }
      return null;
    };
    expect(firstPingAt(() => 0)).toBe(DEAD_AFTER_MS / 3);
    expect(firstPingAt(() => 0.999)).toBe(Math.ceil((DEAD_AFTER_MS * 1.999) / 3 / 1000) * 1000);
    expect(firstPingAt(() => 0.5)).toBe(DEAD_AFTER_MS / 2);
  });

  it('terminates a peer silent for longer than gc_conns_after, pinged or not', () => {
    const { s, socket, raw } = sink();
    const opened = Date.now();
    expect(s.heartbeat(opened + DEAD_AFTER_MS)).toBe(true);
    s.releaseHeldBeat();
    expect(socket.terminate).not.toHaveBeenCalled();
    expect(s.heartbeat(opened + DEAD_AFTER_MS + 1)).toBe(false);
    expect(socket.terminate).toHaveBeenCalledTimes(1);
    expect(raw.write).toHaveBeenCalledTimes(1); // the last beat wrote nothing
  });

  describe('a reader behind on its frames', () => {
    /**
     * Beats every 5 s up to `until` after opening; before each beat the kernel takes `takenBefore(sinceOpened)`
     * of the waiting bytes. Gives how long after opening the beat came that dropped the peer, or null.
     */
    function droppedAfter(s: WebSocketSink, raw: FakeRaw, until: number, takenBefore: (sinceOpened: number) => number) {
      const opened = Date.now();
      for (let since = 5000; since <= until; since += 5000) {
        raw.writableLength = Math.max(0, raw.writableLength - takenBefore(since));
        if (!s.heartbeat(opened + since)) return since;
        s.releaseHeldBeat();
      }
      return null;
    }
    function behind(waiting: number) {
      const made = sink();
      made.raw.writableLength = made.raw.bytesWritten = waiting;
      return made;
    }

    it('is kept past gc_conns_after without a pong while the kernel takes its waiting bytes, and is not pinged', () => {
      const { s, socket, raw } = behind(MAX - 100);
      expect(droppedAfter(s, raw, 3 * DEAD_AFTER_MS, () => 10)).toBeNull();
      expect(socket.terminate).not.toHaveBeenCalled();
      expect(raw.write.mock.calls.filter(([chunk]) => chunk.equals(HEARTBEAT_AND_PING))).toEqual([]);
    });

    it('is terminated gc_conns_after after its backlog stopped draining', () => {
      const { s, socket, raw } = behind(MAX - 100);
      // the last bytes taken were seen at the beat of DEAD_AFTER_MS; the first beat more than DEAD_AFTER_MS later drops it
      expect(droppedAfter(s, raw, 3 * DEAD_AFTER_MS, (since) => (since <= DEAD_AFTER_MS ? 10 : 0))).toBe(2 * DEAD_AFTER_MS + 5000);
      expect(socket.terminate).toHaveBeenCalledTimes(1);
    });

    it('gets no credit for bytes the kernel took while nothing waited (it buffers for a dead peer too)', () => {
      const { s, socket, raw } = sink();
      expect(droppedAfter(s, raw, 3 * DEAD_AFTER_MS, () => 0)).toBe(DEAD_AFTER_MS + 5000);
      expect(socket.terminate).toHaveBeenCalledTimes(1);
      expect(raw.bytesWritten).toBeGreaterThan(0);
    });
  });

  it('writes queued frames before closing', () => {
    const { s, socket, raw } = sink();
    s.deliver(event('a'));
    s.close(WS_CLOSE.goingAway, 'bye');
    expect(raw.write).toHaveBeenCalledTimes(1);
    expect(socket.close).toHaveBeenCalledWith(WS_CLOSE.goingAway, 'bye');
    expect(raw.write.mock.invocationCallOrder[0]).toBeLessThan(socket.close.mock.invocationCallOrder[0]);
  });

  it('cuts off a reader whose unsent bytes exceed max_buffered_bytes with 4008, counted once, and queues nothing after', () => {
    const { s, socket, raw } = sink();
    raw.writableLength = MAX + 1;
    s.deliver(event('a'));
    jest.runOnlyPendingTimers();
    expect(raw.write).not.toHaveBeenCalled();
    expect(socket.close).toHaveBeenCalledWith(WS_CLOSE.slowConsumer, 'too far behind');
    expect(onSlowConsumer).toHaveBeenCalledTimes(1);
    s.deliver(event('b'));
    jest.runOnlyPendingTimers();
    expect(raw.write).not.toHaveBeenCalled();
    expect(onSlowConsumer).toHaveBeenCalledTimes(1);
  });

  it('keeps a reader exactly at the limit', () => {
    const { s, socket, raw } = sink();
    raw.writableLength = MAX;
    s.deliver(event('a'));
    jest.runOnlyPendingTimers();
    expect(raw.write).toHaveBeenCalledTimes(1);
    expect(socket.close).not.toHaveBeenCalled();
  });

  it('bounds one turn’s queue: a burst beyond 4 × max_buffered_bytes cuts the reader off', () => {
    const { s, socket, raw } = sink();
    const big = event('x'.repeat(MAX));
    for (let i = 0; i < 5; i++) s.deliver(big);
    expect(socket.close).toHaveBeenCalledWith(WS_CLOSE.slowConsumer, 'too far behind');
    expect(onSlowConsumer).toHaveBeenCalledTimes(1);
    jest.runOnlyPendingTimers();
    expect(raw.write).not.toHaveBeenCalled();
  });

  it('drops frames for a socket that closed before the flush, without counting a slow consumer', () => {
    const { s, socket, raw } = sink();
    s.deliver(event('a'));
    socket.readyState = 3;
    jest.runOnlyPendingTimers();
    expect(raw.write).not.toHaveBeenCalled();
    expect(onSlowConsumer).not.toHaveBeenCalled();
  });

  it('tells its batch whether it wrote (the batch is timed only when a socket was written)', () => {
    const { s, socket, raw } = sink();
    expect(s.flush()).toBe(false); // nothing queued
    s.deliver(event('a'));
    expect(s.flush()).toBe(true);
    raw.writableLength = MAX + 1;
    s.deliver(event('b'));
    expect(s.flush()).toBe(false); // cut off, not written
    const other = sink();
    other.s.deliver(event('c'));
    other.socket.readyState = 3;
    expect(other.s.flush()).toBe(false); // closed before the flush
    expect(socket.close).toHaveBeenCalledWith(WS_CLOSE.slowConsumer, 'too far behind');
  });
});
