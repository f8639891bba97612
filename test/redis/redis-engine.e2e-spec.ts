import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Engine } from '../../src/engine/engine';
import { api, connect, dropRedisPrefix, freePort, REDIS_URL, send, startApp, uniq, WsClient, type TestApp } from '../helpers';

describe('Redis engine specifics', () => {
  const prefix = `cstest:spec:${randomUUID().slice(0, 8)}:`;
  let t: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    t = await startApp({ engine: 'redis', redis_url: REDIS_URL, redis_prefix: prefix }, true);
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await t.close();
    await dropRedisPrefix(prefix);
    redis.disconnect();
  });

  it('keeps every key under the configured prefix', async () => {
    await connect(t, uniq('user'), [uniq('chan')]);
    const [, keys] = await redis.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 1000);
    expect(keys.length).toBeGreaterThan(3);
    expect(keys.every((k) => k.startsWith(prefix))).toBe(true);
  });

  it('gives a user a TTL of a day once their last connection is gone, and none while connected', async () => {
    const user = uniq('user');
    const conn = await connect(t, user);
    expect(await redis.pttl(`${prefix}u:${user}`)).toBe(-1);
    await api(t, 'GET', `/disconnect?conn_id=${conn.conn_id}`, undefined, { signed: false });
    const ttl = await redis.pttl(`${prefix}u:${user}`);
    expect(ttl).toBeGreaterThan(23 * 3600 * 1000);
    expect(ttl).toBeLessThanOrEqual(24 * 3600 * 1000);
  });

  it('sends once, as live, a message published after the socket attached but before the catch-up read', async () => {
    const chan = uniq('chan');
    const conn = await connect(t, uniq('user'), [chan]);
    const missed = await send(t, { channel: chan });
    // attach is two round trips (the ATTACH script, then the read): a publish is made to land between them
    const engine = t.app.get(Engine) as unknown as { run(name: string, ...args: unknown[]): Promise<unknown> };
    const run = engine.run.bind(engine);
    let during: { uuid: string } | undefined;
    const spy = jest.spyOn(engine, 'run').mockImplementation(async (name, ...args) => {
      const reply = await run(name, ...args);
      if (name === 'ATTACH') during = await send(t, { channel: chan });
      return reply;
    });
    try {
      const ws = await WsClient.connectTo(t, conn.conn_id);
      const events = await ws.nextEvents(2);
      expect(events.map((e) => [e.uuid, e.catchup])).toEqual([
        [missed.uuid, true],
        [during!.uuid, false],
      ]);
      await ws.expectOnlySentinel(t, conn.username);
      ws.close();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('Redis unavailable', () => {
  const haveRedisServer = spawnSync('redis-server', ['--version']).status === 0;

  it('answers 503 fast and reports not ready, then recovers by itself when Redis comes back', async () => {
    if (!haveRedisServer) throw new Error('redis-server is needed for this test (Debian package redis-server)');
    const port = await freePort();
    const t = await startApp({ engine: 'redis', redis_url: `redis://127.0.0.1:${port}/0`, redis_prefix: 'cstest:down:' });
    let server: ChildProcess | undefined;
    try {
      const started = Date.now();
      const down = await api(t, 'POST', '/connect', { username: uniq() });
      expect(down.status).toBe(503);
      expect(down.body).toEqual({ request: expect.stringMatching(/unavailable/i) });
      expect(Date.now() - started).toBeLessThan(1000);
      expect((await api(t, 'GET', '/readyz', undefined, { signed: false })).status).toBe(503);
      expect((await api(t, 'GET', '/healthz', undefined, { signed: false })).status).toBe(200);

      server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      let ready = false;
      for (let i = 0; i < 100 && !ready; i++) {
        await new Promise((r) => setTimeout(r, 100));
        ready = (await api(t, 'GET', '/readyz', undefined, { signed: false })).status === 200;
      }
      expect(ready).toBe(true);
      expect((await api(t, 'POST', '/connect', { username: uniq() })).status).toBe(200);
    } finally {
      await t.close();
      if (server) {
        const exited = new Promise((resolve) => server!.once('exit', resolve));
        server.kill('SIGKILL');
        await exited;
      }
    }
  }, 30_000);
});
