import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { RejectionsService } from '../../src/common/rejections.service';
import { api, attached, connect, startApp, uniq, type TestApp } from '../helpers';

/** Opens /ws with headers; resolves 'open' or the HTTP status the upgrade was refused with. */
function upgrade(t: TestApp, connId: string, headers: Record<string, string>): Promise<'open' | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/ws?conn_id=${connId}`, { headers });
    socket.once('open', () => {
      socket.close();
      resolve('open');
    });
    socket.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
  });
}

describe('Origin allowlist for browser transports (allow_cors)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ allow_cors: ['https://app.example.com', 'https://*.example.org', 'http://localhost:*'], connect_rate: 0 }, true);
  });
  afterAll(() => t.close());

  it('refuses /ws from another origin with 403 before the upgrade, and counts it', async () => {
    const { conn_id } = await connect(t, uniq(), []);
    expect(await upgrade(t, conn_id, { origin: 'https://evil.example.net' })).toBe(403);
    expect(await upgrade(t, conn_id, { origin: 'https://app.example.com.evil.net' })).toBe(403);
    expect(await upgrade(t, conn_id, { origin: 'null' })).toBe(403);
    expect(t.app.get(RejectionsService).snapshot().origin_denied).toBe(3);
  });

  it('lets /ws in from an exact or wildcard origin, this server itself, or without an Origin', async () => {
    const { conn_id } = await connect(t, uniq(), []);
    for (const origin of ['https://app.example.com', 'https://chat.eu.example.org', 'http://localhost:5173', t.url]) {
      expect(await upgrade(t, conn_id, { origin })).toBe('open');
    }
    expect(await upgrade(t, conn_id, {})).toBe('open');
  });

  it('refuses /listen and /sse from another origin with 403 JSON, and serves an allowed one', async () => {
    const { conn_id } = await connect(t, uniq(), []);
    for (const path of [`/listen?conn_id=${conn_id}`, `/sse?conn_id=${conn_id}`]) {
      const res = await api(t, 'GET', path, undefined, { signed: false, headers: { origin: 'https://evil.example.net' } });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ request: 'Origin not allowed' });
    }
    const poll = t.app.inject({ method: 'GET', url: `/listen?conn_id=${conn_id}`, headers: { origin: 'https://www.example.org' } });
    await attached(t, conn_id);
    await t.app.inject({ method: 'GET', url: `/disconnect?conn_id=${conn_id}` });
    expect((await poll).statusCode).toBe(200);
  });

  it('echoes only allowed origins in CORS answers, wildcards included', async () => {
    const allowed = await t.app.inject({ method: 'OPTIONS', url: '/message', headers: { origin: 'https://a.example.org' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://a.example.org');
    const denied = await t.app.inject({ method: 'OPTIONS', url: '/message', headers: { origin: 'https://example.org' } });
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('Trusted proxies (trusted_proxies)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ trusted_proxies: ['10.0.0.0/8'], allow_posting_from: ['192.0.2.10'], connect_rate: 1, connect_burst: 1 }, true);
  });
  afterAll(() => t.close());

  it('lets allow_posting_from see the client behind a trusted proxy', async () => {
    const res = await api(t, 'POST', '/connect', { username: uniq() }, { remoteAddress: '10.1.2.3', headers: { 'x-forwarded-for': '192.0.2.10' } });
    expect(res.status).toBe(200);
  });

  it('ignores X-Forwarded-For from an address that is not a trusted proxy', async () => {
    const res = await api(t, 'POST', '/connect', { username: uniq() }, { remoteAddress: '203.0.113.5', headers: { 'x-forwarded-for': '192.0.2.10' } });
    expect(res.status).toBe(403);
  });

  it('never takes an address the client wrote itself in front of the proxy chain', async () => {
    const res = await api(t, 'POST', '/connect', { username: uniq() }, { remoteAddress: '10.1.2.3', headers: { 'x-forwarded-for': '192.0.2.10, 203.0.113.5' } });
    expect(res.status).toBe(403);
  });

  it('keys rate limits by the client behind the proxy, not by the proxy', async () => {
    const via = (client: string) =>
      api(t, 'GET', '/sse?conn_id=6d7ad7a4-7d51-4b2e-9a53-a0e2b6d2b6a1', undefined, { signed: false, remoteAddress: '10.9.9.9', headers: { 'x-forwarded-for': client } });
    expect((await via('198.51.100.1')).status).toBe(401); // unknown conn_id: allowed through the rate limit
    expect((await via('198.51.100.1')).status).toBe(429);
    expect((await via('198.51.100.2')).status).toBe(401);
  });
});
