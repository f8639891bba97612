import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { api, attached, connect, dropRedisPrefix, freePort, ok, REDIS_URL, SECRET, send, sign, startApp, uniq, WsClient, type TestApp } from '../helpers';

/** Several nodes on one Redis act as one server. */
describe('Multi-node on Redis', () => {
  const prefix = `cstest:multi:${randomUUID().slice(0, 8)}:`;
  let a: TestApp;
  let b: TestApp;
  const sockets: WsClient[] = [];
  const open = async (t: TestApp, connId: string) => {
    const ws = await WsClient.connectTo(t, connId);
    sockets.push(ws);
    await attached(t, connId);
    return ws;
  };

  beforeAll(async () => {
    const settings = { engine: 'redis' as const, redis_url: REDIS_URL, redis_prefix: prefix };
    a = await startApp(settings, true);
    b = await startApp(settings, true);
  });
  afterAll(async () => {
    for (const ws of sockets) ws.close();
    await a.close();
    await b.close();
    await dropRedisPrefix(prefix);
  });

  it('delivers to a client on node A what a backend posts to node B (channel and private)', async () => {
    const chan = uniq('chan');
    const conn = await connect(a, uniq('user'), [chan]);
    const ws = await open(a, conn.conn_id);
    const sent = await send(b, { channel: chan, message: { via: 'b' } });
    const pm = await send(b, { pm_users: [conn.username], message: { pm: true } });
    const events = await ws.nextEvents(2);
    expect(events.map((e) => e.uuid)).toEqual([sent.uuid, pm.uuid]);
  });

  it('announces joined and parted once per user across nodes', async () => {
    const chan = uniq('chan');
    const config = { channel_configs: { [chan]: { notify_presence: true } } };
    const watcherConn = await connect(a, uniq('user'), [chan], config);
    const watcher = await open(a, watcherConn.conn_id);
    const user = uniq('user');
    const onA = await connect(a, user, [chan]);
    const onB = await connect(b, user, [chan]);
    const [joined] = await watcher.nextEvents(1);
    expect(joined).toMatchObject({ type: 'presence', user, message: { action: 'joined' } });
    await watcher.expectOnlySentinel(a, watcherConn.username);
    await api(b, 'GET', `/disconnect?conn_id=${onA.conn_id}`, undefined, { signed: false });
    await watcher.expectOnlySentinel(a, watcherConn.username);
    await api(a, 'GET', `/disconnect?conn_id=${onB.conn_id}`, undefined, { signed: false });
    const [parted] = await watcher.nextEvents(1);
    expect(parted).toMatchObject({ type: 'presence', user, message: { action: 'parted' } });
  });

  it('shares history, channel settings and user state between nodes', async () => {
    const chan = uniq('chan');
    const user = uniq('user');
    await ok(a, 'POST', '/channel_config', { [chan]: { store_history: true, history_size: 2 } });
    await connect(a, user, [chan], { fresh_user_state: { mood: 'ok' }, state_public_keys: ['mood'] });
    await ok(b, 'POST', '/message', [1, 2, 3].map((n) => ({ user, channel: chan, message: { n } })));
    const info = await ok(a, 'POST', '/info', { info: { channels: [chan] } });
    expect(info.channels[chan].history.map((m: { message: { n: number } }) => m.message.n)).toEqual([2, 3]);
    expect(info.channels[chan].settings.history_size).toBe(2);
    await ok(b, 'POST', '/user_state', { user, user_state: { mood: 'great' } });
    const again = await connect(a, user);
    expect(again.state).toEqual({ mood: 'great' });
    expect(again.public_state).toEqual({ mood: 'great' });
  });

  it('edits and deletes a stored message from another node', async () => {
    const chan = uniq('chan');
    await ok(a, 'POST', '/channel_config', { [chan]: { store_history: true } });
    const conn = await connect(a, uniq('user'), [chan]);
    const ws = await open(a, conn.conn_id);
    const kept = await send(a, { channel: chan, message: { v: 1 } });
    const gone = await send(a, { channel: chan, message: { v: 0 } });
    await ok(b, 'PATCH', '/message', [{ uuid: kept.uuid, channel: chan, message: { v: 2 } }]);
    await ok(b, 'DELETE', '/message', [{ uuid: gone.uuid, channel: chan }]);
    const events = await ws.nextEvents(4);
    expect(events.map((e) => e.type)).toEqual(['message', 'message', 'message:edit', 'message:delete']);
    const info = await ok(b, 'POST', '/info', { info: { channels: [chan] } });
    expect(info.channels[chan].history).toEqual([expect.objectContaining({ uuid: kept.uuid, message: { v: 2 } })]);
  });

  it('subscribes through node B a connection listening on node A', async () => {
    const conn = await connect(a, uniq('user'));
    const ws = await open(a, conn.conn_id);
    const chan = uniq('chan');
    await ok(b, 'POST', '/subscribe', { conn_id: conn.conn_id, channels: [chan] });
    const sent = await send(b, { channel: chan });
    const [event] = await ws.nextEvents(1);
    expect(event.uuid).toBe(sent.uuid);
  });

  it('disconnects through node B a socket held by node A', async () => {
    const conn = await connect(a, uniq('user'), [uniq('chan')]);
    const ws = await open(a, conn.conn_id);
    expect((await api(b, 'GET', `/disconnect?conn_id=${conn.conn_id}`, undefined, { signed: false })).body).toBe(true);
    expect(await ws.closed).toBe(4000);
    expect((await api(a, 'POST', '/subscribe', { conn_id: conn.conn_id, channels: ['x'] })).body).toEqual({ conn_id: ['Unknown connection'] });
  });

  it('lets a client attach where it lands, with catch-up from Redis', async () => {
    const chan = uniq('chan');
    const conn = await connect(a, uniq('user'), [chan]);
    const missed = await send(a, { channel: chan });
    const ws = await open(b, conn.conn_id);
    const [caught] = await ws.nextEvents(1);
    expect(caught).toMatchObject({ uuid: missed.uuid, catchup: true });
    const live = await send(a, { channel: chan });
    const [event] = await ws.nextEvents(1);
    expect(event).toMatchObject({ uuid: live.uuid, catchup: false });
  });

  it('reports cluster totals and per-node figures', async () => {
    const data = await ok(b, 'GET', '/admin/admin.json');
    expect(data.engine).toBe('redis');
    expect(data.nodes.length).toBeGreaterThanOrEqual(2);
    expect(data.total_connections).toBeGreaterThanOrEqual(1);
  });

  it('parts the users of a node that died without shutting down, within 2 x gc_conns_after + sweep', async () => {
    if (!existsSync('dist/main.js')) throw new Error('build first (npm run build): this test runs a node as a separate process');
    const port = await freePort();
    const child = spawnNode(port, prefix);
    try {
      await waitReady(port);
      const chan = uniq('chan');
      const watcherConn = await connect(a, uniq('user'), [chan], { channel_configs: { [chan]: { notify_presence: true } } });
      const watcher = await open(a, watcherConn.conn_id);
      const doomed = await fetch(`http://127.0.0.1:${port}/connect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-channelstream-secret': sign() },
        body: JSON.stringify({ username: uniq('doomed'), channels: [chan] }),
      }).then((r) => r.json() as Promise<{ conn_id: string; username: string }>);
      await watcher.nextEvents(1); // joined
      child.kill('SIGKILL');
      const started = Date.now();
      const [parted] = await watcher.nextEvents(1, 15_000);
      expect(parted).toMatchObject({ type: 'presence', user: doomed.username, message: { action: 'parted' } });
      expect(Date.now() - started).toBeLessThan(12_000);
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);
});

function spawnNode(port: number, prefix: string): ChildProcess {
  return spawn(process.execPath, ['dist/main.js'], {
    env: {
      PATH: process.env.PATH,
      CHANNELSTREAM_PORT: String(port),
      CHANNELSTREAM_HOST: '127.0.0.1',
      CHANNELSTREAM_SECRET: SECRET,
      CHANNELSTREAM_ENGINE: 'redis',
      CHANNELSTREAM_REDIS_URL: REDIS_URL,
      CHANNELSTREAM_REDIS_PREFIX: prefix,
      CHANNELSTREAM_GC_CONNS_AFTER: '2',
      CHANNELSTREAM_LOG_LEVEL: 'error',
    },
    stdio: 'ignore',
  });
}

async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the child node did not become ready');
}
