import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ChannelstreamClient, ChannelstreamListenerError, ChannelstreamRefusedError } from './client.js';
import type { StateChange } from './client-events.js';
import type { ClientOptions } from './options.js';
import type { EventSourceLike } from './platform.js';
import { encodePositionToken } from './positions.js';
import { HEARTBEAT_FRAME } from './transports/websocket-transport.js';
import { event, fakeFetch, fakeSockets } from './testing/fakes.js';

const CONN = '11111111-1111-4111-8111-111111111111';
const BACKOFF = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.5 };

function setup(options: Partial<ClientOptions> = {}) {
  const ws = fakeSockets();
  const http = fakeFetch();
  const client = new ChannelstreamClient({
    url: 'http://rt.test',
    connId: CONN,
    WebSocket: ws.Socket,
    fetch: http.fetch,
    EventSource: null,
    random: () => 1, // no jitter: delays are exact
    backoff: BACKOFF,
    ...options,
  });
  const states: StateChange[] = [];
  const events: unknown[] = [];
  client.on('state', (s) => states.push(s));
  client.on('event', (e) => events.push(e));
  return { client, ws, http, states, events };
}

const flush = () => jest.advanceTimersByTimeAsync(0);

describe(ChannelstreamClient.name, () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  describe('WebSocket', () => {
    it('opens /ws with the conn_id, asking for positions, and is open once the socket is', () => {
      const { client, ws, states } = setup();
      client.connect();
      expect(ws.last().url).toBe(`ws://rt.test/ws?conn_id=${CONN}&positions=1`);
      ws.last().serverOpen();
      expect(states.map((s) => [s.state, s.transport])).toEqual([
        ['connecting', 'websocket'],
        ['open', 'websocket'],
      ]);
      expect(client.state).toBe('open');
    });

    it('keeps the path prefix of the server URL and uses wss for https', () => {
      const { client, ws } = setup({ url: 'https://example.com/realtime/' });
      client.connect();
      expect(ws.last().url).toBe(`wss://example.com/realtime/ws?conn_id=${CONN}&positions=1`);
    });

    it('emits each event under its type and as "event"; [] heartbeats are not events', () => {
      const { client, ws, events } = setup();
      const typed: string[] = [];
      for (const type of ['message', 'message:edit', 'message:delete', 'presence', 'user_state_change', 'recovery'] as const) {
        client.on(type, (e) => typed.push(`${type}:${e.uuid}`));
      }
      client.connect();
      ws.last().serverOpen();
      ws.last().serverSend([]);
      const list = ['message', 'message:edit', 'message:delete', 'presence', 'user_state_change', 'recovery', 'something-new'].map((type, i) =>
        event({ type, uuid: `u${i}` }),
      );
      ws.last().serverSend(list);
      expect(typed).toEqual(['message:u0', 'message:edit:u1', 'message:delete:u2', 'presence:u3', 'user_state_change:u4', 'recovery:u5']);
      expect(events).toEqual(list);
    });

    it('sends a heartbeat frame every interval while open', () => {
      const { client, ws } = setup({ heartbeatIntervalMs: 5000 });
      client.connect();
      jest.advanceTimersByTime(20_000);
      expect(ws.last().sent).toEqual([]); // nothing before the socket opens
      ws.last().serverOpen();
      for (let i = 0; i < 3; i++) {
        jest.advanceTimersByTime(5000);
        ws.last().serverSend([]);
      }
      expect(ws.last().sent).toEqual([HEARTBEAT_FRAME, HEARTBEAT_FRAME, HEARTBEAT_FRAME]);
    });

    it('stays open while the server writes, and drops a socket silent for two intervals', () => {
      const { client, ws, states } = setup({ heartbeatIntervalMs: 5000 });
      client.connect();
      const socket = ws.last();
      socket.serverOpen();
      for (let i = 0; i < 4; i++) {
        jest.advanceTimersByTime(9000);
        socket.serverSend([]);
      }
      expect(client.state).toBe('open');
      jest.advanceTimersByTime(9999);
      expect(client.state).toBe('open');
      jest.advanceTimersByTime(1);
      expect(socket.closedByClient).toBe(true);
      expect(states.at(-1)).toMatchObject({ state: 'reconnecting', retryInMs: 100, reason: 'no frame from the server for 10000 ms' });
    });

    it('reconnects after the backoff with since = the last position of every stream', () => {
      const { client, ws } = setup();
      client.connect();
      ws.last().serverOpen();
      ws.last().serverSend([event({ channel: 'a', epoch: 'ea', offset: 3 }), event({ channel: null, epoch: 'eu', offset: 8 })]);
      ws.last().serverClose(1006);
      expect(ws.sockets).toHaveLength(1);
      jest.advanceTimersByTime(99);
      expect(ws.sockets).toHaveLength(1);
      jest.advanceTimersByTime(1);
      expect(ws.sockets).toHaveLength(2);
      const since = encodePositionToken({ channels: { a: { epoch: 'ea', offset: 3 } }, user: { epoch: 'eu', offset: 8 } });
      expect(ws.last().query.get('since')).toBe(since);
      expect(ws.last().query.get('conn_id')).toBe(CONN);
    });

    it('backs off exponentially up to the cap while the server is down, and starts over once open again', () => {
      const { client, ws, states } = setup();
      client.connect();
      ws.last().serverOpen();
      ws.last().serverClose(1001, 'server shutting down');
      const delays: number[] = [];
      for (let i = 0; i < 7; i++) {
        delays.push(states.at(-1)!.retryInMs!);
        jest.advanceTimersByTime(states.at(-1)!.retryInMs!);
        ws.last().serverRefuse();
      }
      expect(delays).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
      // a WebSocket that worked before is kept: the server is down, not the transport
      expect(ws.sockets).toHaveLength(8);
      jest.advanceTimersByTime(1000);
      ws.last().serverOpen();
      ws.last().serverClose(1006);
      expect(states.at(-1)!.retryInMs).toBe(100);
    });

    it('applies jitter to the delays', () => {
      const { client, ws, states } = setup({ random: () => 0 });
      client.connect();
      ws.last().serverOpen();
      ws.last().serverClose(1006);
      expect(states.at(-1)!.retryInMs).toBe(50);
    });

    it('drops an event it has already seen (same stream, epoch and offset)', () => {
      const { client, ws, events } = setup();
      client.connect();
      ws.last().serverOpen();
      const first = event({ epoch: 'e', offset: 1 });
      ws.last().serverSend([first, event({ epoch: 'e', offset: 2 })]);
      ws.last().serverSend([first]);
      expect(events).toHaveLength(2);
    });

    it('starts from saved positions', () => {
      const positions = { channels: { lobby: { epoch: 'e', offset: 41 } } };
      const { client, ws } = setup({ positions });
      client.connect();
      expect(ws.last().query.get('since')).toBe(encodePositionToken(positions));
      expect(client.positions).toEqual(positions);
    });

    it('speaks the original protocol with resume: false (no positions, no since)', () => {
      const { client, ws } = setup({ resume: false });
      client.connect();
      ws.last().serverOpen();
      ws.last().serverSend([event({ epoch: 'e', offset: 1 })]);
      ws.last().serverClose(1006);
      jest.advanceTimersByTime(100);
      expect(ws.last().url).toBe(`ws://rt.test/ws?conn_id=${CONN}`);
    });
  });

  describe('expiry and other endings', () => {
    it.each([
      [1000, 'unknown conn_id'],
      [4000, 'disconnected'],
      [4002, 'expired'],
    ])('close %i %j: emits expired, waits, and resumes with the new conn_id from reconnectWith', (code, reason) => {
      const { client, ws } = setup();
      const expired: unknown[] = [];
      client.on('expired', (info) => expired.push(info));
      client.connect();
      ws.last().serverOpen();
      ws.last().serverSend([event({ channel: 'lobby', epoch: 'e', offset: 5 })]);
      ws.last().serverClose(code, reason);
      expect(expired).toEqual([{ connId: CONN, code, reason }]);
      expect(client.state).toBe('expired');
      jest.advanceTimersByTime(60_000);
      expect(ws.sockets).toHaveLength(1);

      const renewed = '22222222-2222-4222-8222-222222222222';
      client.reconnectWith(renewed);
      expect(client.connId).toBe(renewed);
      expect(ws.last().query.get('conn_id')).toBe(renewed);
      expect(ws.last().query.get('since')).toBe(encodePositionToken({ channels: { lobby: { epoch: 'e', offset: 5 } } }));
    });

    it('a plain close 1000 is a drop, not an expiry', () => {
      const { client, ws } = setup();
      const expired = jest.fn();
      client.on('expired', expired);
      client.connect();
      ws.last().serverOpen();
      ws.last().serverClose(1000, 'transport closed');
      expect(client.state).toBe('reconnecting');
      expect(expired).not.toHaveBeenCalled();
    });

    it('4001 (another transport took the connection): closes without retrying', () => {
      const { client, ws, states } = setup();
      client.connect();
      ws.last().serverOpen();
      ws.last().serverClose(4001, 'replaced by a newer transport');
      jest.advanceTimersByTime(60_000);
      expect(ws.sockets).toHaveLength(1);
      expect(states.at(-1)).toMatchObject({ state: 'closed', code: 4001 });
    });

    it('4400 (malformed request): emits a ChannelstreamRefusedError and stops', () => {
      const { client, ws } = setup();
      const errors: Error[] = [];
      client.on('error', (e) => errors.push(e));
      client.connect();
      ws.last().serverOpen();
      ws.last().serverClose(4400, 'conn_id missing or not a UUID');
      expect(errors[0]).toBeInstanceOf(ChannelstreamRefusedError);
      expect(errors[0]).toMatchObject({ transport: 'websocket', code: 4400 });
      expect(client.state).toBe('closed');
    });

    it('close() stops the socket and any pending retry', () => {
      const { client, ws } = setup();
      client.connect();
      ws.last().serverOpen();
      ws.last().serverClose(1006);
      client.close();
      jest.advanceTimersByTime(60_000);
      expect(ws.sockets).toHaveLength(1);
      expect(client.state).toBe('closed');
    });

    it('a listener that throws does not stop the other listeners; the error is reported', () => {
      const { client, ws } = setup();
      const errors: Error[] = [];
      const seen: string[] = [];
      client.on('error', (e) => errors.push(e));
      client.on('message', () => {
        throw new Error('app bug');
      });
      client.on('message', (m) => seen.push(m.uuid));
      client.connect();
      ws.last().serverOpen();
      ws.last().serverSend([event({ uuid: 'm1' })]);
      expect(seen).toEqual(['m1']);
      expect(errors[0]).toBeInstanceOf(ChannelstreamListenerError);
      expect(client.state).toBe('open');
    });

    it('refuses to start with no transport at all', () => {
      expect(() => new ChannelstreamClient({ url: 'http://rt.test', connId: CONN, WebSocket: null, EventSource: null, fetch: null })).toThrow(/no transport/);
    });
  });

  describe('long polling', () => {
    it('falls back to long polling after two WebSocket attempts that never open', async () => {
      const { client, ws, http, states } = setup();
      client.connect();
      ws.last().serverRefuse();
      jest.advanceTimersByTime(100);
      ws.last().serverRefuse();
      expect(states.at(-1)).toMatchObject({ state: 'reconnecting', transport: 'long-poll' });
      jest.advanceTimersByTime(200);
      expect(ws.sockets).toHaveLength(2);
      expect(http.last().url).toBe(`http://rt.test/listen?conn_id=${CONN}&positions=1`);
      http.last().respond(200, [event({ uuid: 'lp1', epoch: 'e', offset: 1 })]);
      await flush();
      expect(client.state).toBe('open');
      expect(client.transportKind).toBe('long-poll');
      // the next poll follows at once and carries the position
      expect(http.requests).toHaveLength(2);
      expect(new URL(http.last().url).searchParams.get('since')).toBe(encodePositionToken({ channels: { lobby: { epoch: 'e', offset: 1 } } }));
    });

    it('uses long polling alone when there is no WebSocket; 401 means the conn_id expired', async () => {
      const { client, http } = setup({ WebSocket: null });
      const expired: unknown[] = [];
      client.on('expired', (info) => expired.push(info));
      client.connect();
      http.last().respond(200, []);
      await flush();
      http.last().respond(401, { conn_id: ['Unknown connection'] });
      await flush();
      expect(expired).toEqual([{ connId: CONN, reason: 'unknown conn_id', code: undefined }]);
      expect(client.state).toBe('expired');
    });

    it('abandons a poll not answered in time and retries with backoff', async () => {
      const { client, http, states } = setup({ WebSocket: null, pollTimeoutMs: 3000 });
      client.connect();
      http.last().respond(200, []);
      await flush();
      await jest.advanceTimersByTimeAsync(3000);
      expect(states.at(-1)).toMatchObject({ state: 'reconnecting', reason: 'no answer within 3000 ms' });
      await jest.advanceTimersByTimeAsync(100);
      expect(http.requests).toHaveLength(3);
    });
  });

  describe('SSE', () => {
    function fakeEventSources() {
      const sources: (EventSourceLike & { url: string; fire(kind: 'open' | 'error' | 'message', data?: unknown): void })[] = [];
      class Source implements EventSourceLike {
        readyState = 0;
        onopen: ((e: unknown) => void) | null = null;
        onmessage: ((e: { data: string }) => void) | null = null;
        onerror: ((e: unknown) => void) | null = null;
        constructor(readonly url: string) {
          sources.push(this);
        }
        close() {
          this.readyState = 2;
        }
        fire(kind: 'open' | 'error' | 'message', data?: unknown) {
          if (kind === 'open') this.onopen?.({});
          if (kind === 'error') this.onerror?.({});
          if (kind === 'message') this.onmessage?.({ data: JSON.stringify(data) });
        }
      }
      return { Source, sources };
    }

    it('uses /sse when WebSocket is not there, one event per message', () => {
      const sse = fakeEventSources();
      const { client, events } = setup({ WebSocket: null, EventSource: sse.Source });
      client.connect();
      expect(sse.sources[0]!.url).toBe(`http://rt.test/sse?conn_id=${CONN}&positions=1`);
      sse.sources[0]!.fire('open');
      sse.sources[0]!.fire('message', event({ uuid: 's1' }));
      expect(client.state).toBe('open');
      expect(events).toMatchObject([{ uuid: 's1' }]);
    });

    it('gives SSE up for long polling when it keeps failing, even after it worked (it cannot see an expiry)', () => {
      const sse = fakeEventSources();
      const { client, http } = setup({ WebSocket: null, EventSource: sse.Source });
      client.connect();
      sse.sources[0]!.fire('open');
      sse.sources[0]!.fire('error');
      jest.advanceTimersByTime(100);
      sse.sources[1]!.fire('error');
      jest.advanceTimersByTime(200);
      sse.sources[2]!.fire('error');
      jest.advanceTimersByTime(400);
      expect(sse.sources).toHaveLength(3);
      expect(http.requests).toHaveLength(1);
    });
  });
});
