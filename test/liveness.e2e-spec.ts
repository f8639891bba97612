import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { LivenessService } from '../src/connections/liveness.service';
import { HeartbeatService } from '../src/transports/heartbeat.service';
import { WebSocketSink } from '../src/transports/websocket.sink';
import { api, attached, connect, detached, itOn, ok, startApp, uniq, WsClient, type TestApp } from './helpers';

const DAY_MS = 24 * 3600 * 1000;

describe('Liveness: expiry and forgetting', () => {
  let t: TestApp;
  let liveness: LivenessService;
  beforeAll(async () => {
    t = await startApp({ gc_conns_after: 30, gc_channels_after: 3600 }, true);
    liveness = t.app.get(LivenessService);
  });
  afterAll(() => t.close());

  const known = async (connId: string) => (await api(t, 'POST', '/subscribe', { conn_id: connId, channels: [uniq('probe')] })).status === 200;

  it('expires a connection idle for gc_conns_after and announces parted', async () => {
    const chan = uniq('chan');
    const config = { channel_configs: { [chan]: { notify_presence: true } } };
    const watcherConn = await connect(t, uniq('user'), [chan], config);
    const watcher = await WsClient.connectTo(t, watcherConn.conn_id);
    await attached(t, watcherConn.conn_id);
    const idle = await connect(t, uniq('user'), [chan]);
    await watcher.nextEvents(1);
    expect(await liveness.expireIdleConnections(Date.now() + 29_000)).toBe(0);
    // an attached, heartbeating socket stays alive; the idle one (no transport) expires. The sweep's time is
    // read before the beat: the beat marks the watcher active at that time or later, so it is not idle (a time
    // read after the beat was a millisecond later now and then, and the watcher expired with the idle one)
    const beatAt = Date.now();
    t.app.get(HeartbeatService).beat(beatAt);
    await liveness.expireIdleConnections(beatAt + 30_000);
    expect(await known(idle.conn_id)).toBe(false);
    const events = await watcher.nextEvents(1);
    expect(events.find((e) => e.type === 'presence')).toMatchObject({ user: idle.username, message: { action: 'parted' } });
    watcher.close();
  });

  // the Redis engine forgets users through key TTLs instead (see redis-engine.e2e-spec.ts)
  itOn('memory')('forgets users idle for a day and empty channels idle for gc_channels_after', async () => {
    const user = uniq('user');
    const chan = uniq('chan');
    const conn = await connect(t, user, [chan]);
    await api(t, 'GET', `/disconnect?conn_id=${conn.conn_id}`, undefined, { signed: false });
    expect(await liveness.forgetIdle(Date.now() + 60_000)).toEqual({ users: 0, channels: 0 });
    const forgotten = await liveness.forgetIdle(Date.now() + DAY_MS + 1000);
    expect(forgotten.users).toBeGreaterThanOrEqual(1);
    expect(forgotten.channels).toBeGreaterThanOrEqual(1);
    const info = await ok(t, 'POST', '/info', { info: { channels: [chan] } });
    expect(info.channels).toEqual({});
    expect((await api(t, 'POST', '/user_state', { user, user_state: {} })).body).toEqual({ user: ['Unknown user'] });
  });

  it('pings a peer silent for gc_conns_after with its heartbeat, after the `[]`', async () => {
    const conn = await connect(t, uniq('user'), [uniq('chan')]);
    const ws = await WsClient.connectTo(t, conn.conn_id);
    let pings = 0;
    let heartbeatsAtPing = -1;
    ws.socket.on('ping', () => {
      pings++;
      heartbeatsAtPing = ws.heartbeats;
    });
    await attached(t, conn.conn_id);
    t.app.get(HeartbeatService).beat(Date.now() + 30_000); // every ping delay is shorter (unit spec: websocket.sink)
    await ws.until(() => ws.heartbeats === 1 && pings === 1, 5000, 'a heartbeat with a ping');
    expect(heartbeatsAtPing).toBe(1); // the `[]` came first
    ws.close();
  });

  it('keeps a socket whose peer answered its ping', async () => {
    const conn = await connect(t, uniq('user'), [uniq('chan')]);
    const ws = await WsClient.connectTo(t, conn.conn_id);
    let pings = 0;
    ws.socket.on('ping', () => pings++);
    await attached(t, conn.conn_id);
    const heartbeat = t.app.get(HeartbeatService);
    const seen = jest.spyOn(WebSocketSink.prototype, 'markSeen');
    try {
      const at = Date.now() + 30_000;
      heartbeat.beat(at);
      await ws.until(() => pings === 1 && seen.mock.calls.length > 0, 5000, 'the ping answered');
      heartbeat.beat(at + 11_000); // past the answer's deadline
      await ws.until(() => ws.heartbeats === 2, 5000, 'a heartbeat after the answer');
      expect(ws.socket.readyState).toBe(ws.socket.OPEN);
      await ws.until(() => pings === 2, 5000, 'a second ping'); // that beat's time is gc_conns_after past the pong: asked again, not dropped
    } finally {
      seen.mockRestore();
    }
    ws.close();
  });

  it('terminates a socket whose peer does not answer its ping', async () => {
    const conn = await connect(t, uniq('user'), [uniq('chan')]);
    const ws = await WsClient.connectTo(t, conn.conn_id);
    ws.socket.pong = () => undefined; // a peer that is gone does not answer
    let pinged = false;
    ws.socket.on('ping', () => (pinged = true));
    await attached(t, conn.conn_id);
    const heartbeat = t.app.get(HeartbeatService);
    const at = Date.now() + 30_000;
    heartbeat.beat(at);
    await ws.until(() => pinged, 5000, 'the ping');
    heartbeat.beat(at + 10_000);
    expect(ws.socket.readyState).toBe(ws.socket.OPEN); // a third of gc_conns_after to answer
    heartbeat.beat(at + 10_001);
    expect(await ws.closed).toBe(1006);
    await detached(t, conn.conn_id);
    await liveness.expireIdleConnections(Date.now() + t.settings.resume_grace * 1000 + 1);
    expect(await known(conn.conn_id)).toBe(false);
  });
});

describe('Graceful shutdown', () => {
  it('closes sockets with 1001 and answers held polls promptly', async () => {
    const t = await startApp({ wake_connections_after: 60 }, true);
    const wsConn = await connect(t, uniq('user'));
    const ws = await WsClient.connectTo(t, wsConn.conn_id);
    const pollConn = await connect(t, uniq('user'));
    const held = fetch(`${t.url}/listen?conn_id=${pollConn.conn_id}`).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await t.close();
    expect(await ws.closed).toBe(1001);
    expect(await held).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
