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
/** The ping delay that `random` 0.5 draws: halfway between two thirds and all of DEAD_AFTER_MS. */
const PING_AFTER_MS = (DEAD_AFTER_MS * 5) / 6;
/** The first ping's delay that `random` 0.5 draws: half of the socket's ping delay. */
const FIRST_PING_AFTER_MS = PING_AFTER_MS / 2;
/** How long a pinged peer has to answer. */
const ANSWER_WITHIN_MS = DEAD_AFTER_MS / 3;

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

  /** `random` draws the ping delays: 0.5 gives PING_AFTER_MS, and FIRST_PING_AFTER_MS for the first. */
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
    s.heartbeat(Date.now() + PING_AFTER_MS);
    s.deliver(event('a'));
    jest.runOnlyPendingTimers();
    expect(raw.write.mock.calls).toEqual([[Buffer.concat([frameOf(event('a')), HEARTBEAT_AND_PING])]]);
  });

  it('holds one beat at most: a later beat replaces one still held', () => {
    const { s, raw } = sink();
    s.heartbeat(Date.now());
    s.heartbeat(Date.now() + PING_AFTER_MS);
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

  it('pings with the heartbeat only a peer silent for its first ping delay, one ping at a time, and again once silent for its ping delay after answering', () => {
    const { s, raw } = sink();
    const opened = Date.now();
    const beat = (at: number) => {
      expect(s.heartbeat(at)).toBe(true);
      s.releaseHeldBeat();
      return raw.write.mock.calls.at(-1)![0];
    };
    expect(beat(opened + 5_000)).toEqual(HEARTBEAT_FRAME);
    expect(beat(opened + FIRST_PING_AFTER_MS - 1)).toEqual(HEARTBEAT_FRAME);
    expect(beat(opened + FIRST_PING_AFTER_MS)).toEqual(HEARTBEAT_AND_PING);
    expect(beat(opened + FIRST_PING_AFTER_MS + 5_000)).toEqual(HEARTBEAT_FRAME); // the ping waits for its answer: not asked again
    const answered = opened + FIRST_PING_AFTER_MS + 5_001;
    jest.setSystemTime(answered);
    s.markSeen(); // the pong
    expect(beat(answered + ANSWER_WITHIN_MS + 1)).toEqual(HEARTBEAT_FRAME); // answered: kept, and silent too briefly for a ping
    expect(beat(answered + PING_AFTER_MS - 1)).toEqual(HEARTBEAT_FRAME);
    expect(beat(answered + PING_AFTER_MS)).toEqual(HEARTBEAT_AND_PING);
  });

  it('draws each socket’s ping delay between two thirds and all of gc_conns_after, and its first below it', () => {
    /** When, beating every second and answering each ping at once, the pings went out (ms after opening). */
    const pingsAt = (random: () => number) => {
      const { s, raw } = sink(random);
      const opened = Date.now();
      const pings: number[] = [];
      for (let at = opened + 1000; at <= opened + 3 * DEAD_AFTER_MS; at += 1000) {
        s.heartbeat(at);
        s.releaseHeldBeat();
        if (!raw.write.mock.calls.at(-1)![0].equals(HEARTBEAT_AND_PING)) continue;
        pings.push(at - opened);
        jest.setSystemTime(at);
        s.markSeen(); // the pong
      }
      return pings;
    };
    expect(pingsAt(() => 0)).toEqual([1000, 41_000, 81_000, 121_000, 161_000]); // the first at the first beat, then every 2/3
    const longest = Math.ceil((DEAD_AFTER_MS * 2.999) / 3 / 1000) * 1000;
    expect(pingsAt(() => 0.999)).toEqual([longest, 2 * longest, 3 * longest]);
    expect(pingsAt(() => 0.5)).toEqual([0, 1, 2, 3].map((n) => FIRST_PING_AFTER_MS + n * PING_AFTER_MS));
  });

  it('terminates a peer that has not answered its ping a third of gc_conns_after after it', () => {
    const { s, socket, raw } = sink();
    const pinged = Date.now() + PING_AFTER_MS;
    expect(s.heartbeat(pinged)).toBe(true);
    s.releaseHeldBeat();
    expect(s.heartbeat(pinged + ANSWER_WITHIN_MS)).toBe(true);
    s.releaseHeldBeat();
    expect(socket.terminate).not.toHaveBeenCalled();
    expect(s.heartbeat(pinged + ANSWER_WITHIN_MS + 1)).toBe(false);
    expect(socket.terminate).toHaveBeenCalledTimes(1);
    expect(raw.write.mock.calls).toEqual([[HEARTBEAT_AND_PING], [HEARTBEAT_FRAME]]); // the last beat wrote nothing
  });

  it('asks a peer before dropping it, however long it was silent (heartbeats late after a stall)', () => {
    const { s, socket, raw } = sink();
    expect(s.heartbeat(Date.now() + 10 * DEAD_AFTER_MS)).toBe(true);
    s.releaseHeldBeat();
    expect(socket.terminate).not.toHaveBeenCalled();
    expect(raw.write.mock.calls).toEqual([[HEARTBEAT_AND_PING]]);
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

    it('is pinged once its backlog stopped draining, and terminated when that ping goes unanswered', () => {
      const { s, socket, raw } = behind(MAX - 100);
      // the last bytes taken were seen at the beat of DEAD_AFTER_MS; the (first) ping goes FIRST_PING_AFTER_MS
      // later, and the first beat more than ANSWER_WITHIN_MS after that drops it
      expect(droppedAfter(s, raw, 3 * DEAD_AFTER_MS, (since) => (since <= DEAD_AFTER_MS ? 10 : 0))).toBe(DEAD_AFTER_MS + FIRST_PING_AFTER_MS + ANSWER_WITHIN_MS + 5000);
      expect(socket.terminate).toHaveBeenCalledTimes(1);
    });

    it('gets no credit for bytes the kernel took while nothing waited (it buffers for a dead peer too)', () => {
      const { s, socket, raw } = sink();
      expect(droppedAfter(s, raw, 3 * DEAD_AFTER_MS, () => 0)).toBe(FIRST_PING_AFTER_MS + ANSWER_WITHIN_MS + 5000);
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
