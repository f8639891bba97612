import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { LivenessService } from '../src/connections/liveness.service';
import { encodePositions, type Positions } from '../src/engine/positions';
import { HeartbeatService } from '../src/transports/heartbeat.service';
import { api, attached, connect, detached, ok, send, startApp, uniq, WsClient, type TestApp } from './helpers';

/** Positions of the last events a client saw, per stream, as the client library keeps them. */
function positionsOf(events: { channel: string | null; offset?: number; epoch?: string }[], start: Positions = { channels: {} }): Positions {
  const positions: Positions = { channels: { ...start.channels }, user: start.user };
  for (const e of events) {
    if (e.offset === undefined || e.epoch === undefined) continue;
    if (e.channel === null) positions.user = { epoch: e.epoch, offset: e.offset };
    else positions.channels[e.channel] = { epoch: e.epoch, offset: e.offset };
  }
  return positions;
}

describe('Recovery: offsets, resume and the grace period', () => {
  let t: TestApp;
  const sockets: WsClient[] = [];
  const open = async (query: string) => {
    const ws = await WsClient.open(t, query);
    sockets.push(ws);
    return ws;
  };

  beforeAll(async () => {
    t = await startApp({ resume_grace: 2, recovery_max_events: 5 }, true);
  });
  afterEach(() => {
    for (const ws of sockets.splice(0)) ws.close();
  });
  afterAll(() => t.close());

  it('adds offset and epoch only for clients that ask, counting up by one per stream', async () => {
    const chan = uniq('chan');
    const legacy = await connect(t, uniq('user'), [chan]);
    const modern = await connect(t, uniq('user'), [chan]);
    const old = await open(`?conn_id=${legacy.conn_id}`);
    const fresh = await open(`?conn_id=${modern.conn_id}&positions=1`);
    await attached(t, legacy.conn_id);
    await attached(t, modern.conn_id);
    await send(t, { channel: chan });
    await send(t, { channel: chan });
    const [a] = await old.nextEvents(1);
    expect(Object.keys(a).sort()).toEqual(['catchup', 'channel', 'edited', 'message', 'timestamp', 'type', 'user', 'uuid']);
    const [b, c] = await fresh.nextEvents(2);
    expect(typeof b.epoch).toBe('string');
    expect(c.offset).toBe(b.offset + 1);
    expect(c.epoch).toBe(b.epoch);
  });

  it('resumes a dropped socket within the grace period: exactly the missed events, in order, no presence flicker', async () => {
    const chan = uniq('chan');
    const config = { channel_configs: { [chan]: { notify_presence: true } } };
    const watcherConn = await connect(t, uniq('user'), [chan], config);
    const watcher = await open(`?conn_id=${watcherConn.conn_id}`);
    const user = uniq('user');
    const conn = await connect(t, user, [chan]);
    await watcher.nextEvents(1); // joined
    const first = await open(`?conn_id=${conn.conn_id}&positions=1`);
    await attached(t, conn.conn_id);
    await send(t, { channel: chan, message: { n: 0 } });
    const seen = await first.nextEvents(1);
    first.close();
    await first.closed;
    const missed = [];
    for (let n = 1; n <= 3; n++) missed.push(await send(t, { channel: chan, message: { n } }));
    const pm = await send(t, { pm_users: [user], message: { pm: true } });
    const again = await open(`?conn_id=${conn.conn_id}&since=${encodePositions(positionsOf(seen))}`);
    const replayed = await again.nextEvents(4);
    expect(replayed.map((e) => e.uuid)).toEqual([...missed.map((m) => m.uuid), pm.uuid]);
    expect(replayed.every((e) => e.catchup === true)).toBe(true);
    const live = await send(t, { channel: chan, message: { n: 4 } });
    const [next] = await again.nextEvents(1);
    expect(next).toMatchObject({ uuid: live.uuid, catchup: false });
    await again.expectOnlySentinel(t, user);
    const watched = await watcher.nextEvents(5); // the five channel messages, and no parted or second joined
    expect(watched.map((e) => e.type)).toEqual(['message', 'message', 'message', 'message', 'message']);
    await watcher.expectOnlySentinel(t, watcherConn.username);
  });

  it('resumes through a new connection after the old one expired, from the channel frames', async () => {
    const chan = uniq('chan');
    const user = uniq('user');
    const conn = await connect(t, user, [chan]);
    const first = await open(`?conn_id=${conn.conn_id}&positions=1`);
    await attached(t, conn.conn_id);
    await send(t, { channel: chan });
    const seen = await first.nextEvents(1);
    first.close();
    await first.closed;
    await detached(t, conn.conn_id);
    await t.app.get(LivenessService).expireIdleConnections(Date.now() + 2001);
    const missed = await send(t, { channel: chan, message: { while: 'gone' } });
    const renewed = await connect(t, user, [chan]);
    const ws = await open(`?conn_id=${renewed.conn_id}&since=${encodePositions(positionsOf(seen))}`);
    const [event] = await ws.nextEvents(1);
    expect(event).toMatchObject({ uuid: missed.uuid, catchup: true });
    await ws.expectOnlySentinel(t, user);
  });

  it('says recovery: false when the position is too old, or from another epoch', async () => {
    const chan = uniq('chan');
    const user = uniq('user');
    const conn = await connect(t, user, [chan]);
    const first = await open(`?conn_id=${conn.conn_id}&positions=1`);
    await attached(t, conn.conn_id);
    await send(t, { channel: chan });
    const [seen] = await first.nextEvents(1);
    first.close();
    await first.closed;
    for (let i = 0; i < 6; i++) await send(t, { channel: chan }); // more than recovery_max_events (5)
    const tooOld = await open(`?conn_id=${conn.conn_id}&since=${encodePositions(positionsOf([seen]))}`);
    const [lost] = await tooOld.nextEvents(1);
    expect(lost).toMatchObject({ type: 'recovery', channel: chan, recovered: false, message: { recovered: false, reason: 'too-many' } });
    tooOld.close();
    await tooOld.closed;
    const otherEpoch = encodePositions({ channels: { [chan]: { epoch: 'other', offset: 1 } } });
    const ws = await open(`?conn_id=${conn.conn_id}&since=${otherEpoch}`);
    const [epochLost] = await ws.nextEvents(1);
    expect(epochLost).toMatchObject({ type: 'recovery', channel: chan, recovered: false, message: { reason: 'epoch' } });
  });

  it('says recovery: false when frames were not kept (store_frames off)', async () => {
    const chan = uniq('chan');
    const conn = await connect(t, uniq('user'), [chan], { channel_configs: { [chan]: { store_frames: false } } });
    const first = await open(`?conn_id=${conn.conn_id}&positions=1`);
    await attached(t, conn.conn_id);
    await send(t, { channel: chan });
    const seen = await first.nextEvents(1);
    first.close();
    await first.closed;
    await send(t, { channel: chan });
    const ws = await open(`?conn_id=${conn.conn_id}&since=${encodePositions(positionsOf(seen))}`);
    const [lost] = await ws.nextEvents(1);
    expect(lost).toMatchObject({ type: 'recovery', recovered: false, message: { reason: 'too-old' } });
  });

  it('skips deleted messages on resume without calling it a gap', async () => {
    const chan = uniq('chan');
    const conn = await connect(t, uniq('user'), [chan]);
    const first = await open(`?conn_id=${conn.conn_id}&positions=1`);
    await attached(t, conn.conn_id);
    await send(t, { channel: chan });
    const seen = await first.nextEvents(1);
    first.close();
    await first.closed;
    const gone = await send(t, { channel: chan });
    const kept = await send(t, { channel: chan });
    await ok(t, 'DELETE', '/message', [{ uuid: gone.uuid, channel: chan }]);
    const ws = await open(`?conn_id=${conn.conn_id}&since=${encodePositions(positionsOf(seen))}`);
    const events = await ws.nextEvents(2);
    expect(events.map((e) => [e.type, e.uuid])).toEqual([
      ['message', kept.uuid],
      ['message:delete', gone.uuid],
    ]);
  });

  it('ends a dropped connection after the grace period: parted once', async () => {
    const chan = uniq('chan');
    const watcherConn = await connect(t, uniq('user'), [chan], { channel_configs: { [chan]: { notify_presence: true } } });
    const watcher = await open(`?conn_id=${watcherConn.conn_id}`);
    const conn = await connect(t, uniq('user'), [chan]);
    await watcher.nextEvents(1);
    const ws = await open(`?conn_id=${conn.conn_id}`);
    await attached(t, conn.conn_id);
    ws.close();
    await ws.closed;
    await detached(t, conn.conn_id);
    const liveness = t.app.get(LivenessService);
    await liveness.expireIdleConnections(Date.now() + 1000); // within the grace period: still there
    await watcher.expectOnlySentinel(t, watcherConn.username);
    await liveness.expireIdleConnections(Date.now() + 2001);
    const [parted] = await watcher.nextEvents(1);
    expect(parted).toMatchObject({ type: 'presence', user: conn.username, message: { action: 'parted' } });
  });

  it('refuses a malformed since token (WebSocket 4400, long poll 422)', async () => {
    const conn = await connect(t, uniq('user'));
    const ws = await open(`?conn_id=${conn.conn_id}&since=not!a!token`);
    expect(await ws.closed).toBe(4400);
    const res = await api(t, 'GET', `/listen?conn_id=${conn.conn_id}&since=${encodeURIComponent('{"c":1}')}`, undefined, { signed: false });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body)).toEqual(['since']);
  });

  it('resumes a long-poll client with since', async () => {
    const chan = uniq('chan');
    const user = uniq('user');
    const conn = await connect(t, user, [chan]);
    const first = await open(`?conn_id=${conn.conn_id}&positions=1`);
    await attached(t, conn.conn_id);
    await send(t, { channel: chan });
    const seen = await first.nextEvents(1);
    first.close();
    await first.closed;
    const missed = await send(t, { channel: chan });
    const res = await api(t, 'GET', `/listen?conn_id=${conn.conn_id}&since=${encodePositions(positionsOf(seen))}`, undefined, { signed: false });
    expect(res.body).toEqual([expect.objectContaining({ uuid: missed.uuid, catchup: true, offset: seen[0].offset + 1 })]);
  });
});

/** Reads an SSE stream: parsed messages ({id, data}) and comment lines. */
class SseClient {
  messages: { id?: string; data: any }[] = [];
  comments: string[] = [];
  status = 0;
  headers: Record<string, unknown> = {};
  private buffer = '';
  private req?: ReturnType<typeof request>;
  readonly ready: Promise<void>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ready = new Promise((resolve, reject) => {
      this.req = request(url, { headers }, (res) => {
        this.status = res.statusCode ?? 0;
        this.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => this.feed(chunk));
        resolve();
      });
      this.req.on('error', reject);
      this.req.end();
    });
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let id: string | undefined;
      let data: string | undefined;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('data: ')) data = line.slice(6);
      }
      if (data !== undefined) this.messages.push({ id, data: JSON.parse(data) });
    }
  }

  async next(count: number, ms = 2000): Promise<{ id?: string; data: any }[]> {
    const deadline = Date.now() + ms;
    while (this.messages.length < count) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} SSE messages, got ${JSON.stringify(this.messages)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.messages.splice(0, count);
  }

  close(): void {
    this.req?.destroy();
  }
}

describe('GET /sse (Server-Sent Events)', () => {
  let t: TestApp;
  const streams: SseClient[] = [];
  const sse = async (query: string, headers?: Record<string, string>) => {
    const client = new SseClient(`${t.url}/sse${query}`, headers);
    streams.push(client);
    await client.ready;
    return client;
  };

  beforeAll(async () => {
    t = await startApp({ resume_grace: 2 }, true);
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await t.close();
  });

  it('streams events with offsets, position ids and comment heartbeats', async () => {
    const chan = uniq('chan');
    const conn = await connect(t, uniq('user'), [chan]);
    const stream = await sse(`?conn_id=${conn.conn_id}`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/text\/event-stream/);
    await attached(t, conn.conn_id);
    const sent = await send(t, { channel: chan, message: { hi: 1 } });
    const [msg] = await stream.next(1);
    expect(msg.data).toMatchObject({ uuid: sent.uuid, type: 'message', channel: chan, offset: expect.any(Number), epoch: expect.any(String) });
    expect(msg.id).toBe(encodePositions({ channels: { [chan]: { epoch: msg.data.epoch, offset: msg.data.offset } } }));
    t.app.get(HeartbeatService).beat();
    for (let i = 0; i < 100 && !stream.comments.includes('heartbeat'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(stream.comments).toContain('heartbeat');
  });

  it('resumes from Last-Event-ID with exactly the missed events', async () => {
    const chan = uniq('chan');
    const conn = await connect(t, uniq('user'), [chan]);
    const first = await sse(`?conn_id=${conn.conn_id}`);
    await attached(t, conn.conn_id);
    await send(t, { channel: chan });
    const [last] = await first.next(1);
    first.close();
    await new Promise((r) => setTimeout(r, 50)); // let the server see the stream end
    const missed = [await send(t, { channel: chan }), await send(t, { channel: chan })];
    const again = await sse(`?conn_id=${conn.conn_id}`, { 'last-event-id': last.id! });
    const replayed = await again.next(2);
    expect(replayed.map((m) => m.data.uuid)).toEqual(missed.map((m) => m.uuid));
    expect(replayed.every((m) => m.data.catchup === true)).toBe(true);
  });

  it('answers 401 for an unknown connection and 422 for bad input', async () => {
    expect((await api(t, 'GET', '/sse?conn_id=6d7ad7a4-7d51-4b2e-9a53-a0e2b6d2b6a1', undefined, { signed: false })).status).toBe(401);
    expect((await api(t, 'GET', '/sse', undefined, { signed: false })).body).toEqual({ conn_id: ['Missing data for required field.'] });
    expect((await api(t, 'GET', '/sse?conn_id=nope', undefined, { signed: false })).body).toEqual({ conn_id: ['Not a valid UUID.'] });
    const conn = await connect(t, uniq('user'));
    const bad = await api(t, 'GET', `/sse?conn_id=${conn.conn_id}`, undefined, { signed: false, headers: { 'last-event-id': 'garbage!' } });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body)).toEqual(['Last-Event-ID']);
  });
});
