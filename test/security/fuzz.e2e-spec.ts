/**
 * Property-based fuzzing (fast-check) of every endpoint and the WebSocket:
 * generated bodies, query strings, headers and frames must never get a 5xx
 * or crash the server, and a refused request must change no state.
 *
 * `npm test` runs about ten thousand inputs in well under a minute;
 * FUZZ_SCALE=10 (or more) runs ten times as many.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import WebSocket from 'ws';
import { StrictRequestSigner } from '../../packages/server-sdk/src/index';
import { Engine } from '../../src/engine/engine';
import { connect, sign, SECRET, startApp, type TestApp } from '../helpers';

const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
let tried = 0;
/** HTTP statuses seen, to show the inputs reach past validation. */
const statuses: Record<number, number> = {};

/** What a refused request must leave as it was. */
async function snapshot(t: TestApp): Promise<string> {
  const engine = t.app.get(Engine);
  const [views, users, stats] = await Promise.all([engine.channelViews(undefined, true), engine.activeUsers(), engine.stats()]);
  return JSON.stringify({
    views: views.map((v) => ({ ...v, channel: { ...v.channel } })).sort((a, b) => a.channel.name.localeCompare(b.channel.name)),
    users: users.map((u) => ({ user: u.user, conns: [...u.connIds].sort() })).sort((a, b) => a.user.username.localeCompare(b.user.username)),
    totals: { connections: stats.connections, users: stats.users, channels: stats.channels, unique: stats.uniqueMessages },
  });
}

const ENDPOINTS: [string, string][] = [
  ['POST', '/connect'],
  ['POST', '/subscribe'],
  ['POST', '/unsubscribe'],
  ['POST', '/user_state'],
  ['POST', '/message'],
  ['PATCH', '/message'],
  ['DELETE', '/message'],
  ['POST', '/channel_config'],
  ['GET', '/info'],
  ['POST', '/info'],
  ['GET', '/admin/admin.json'],
  ['GET', '/admin/load.json'],
  ['GET', '/admin'],
  ['GET', '/disconnect'],
  ['POST', '/disconnect'],
  ['GET', '/listen'],
  ['GET', '/sse'],
  ['GET', '/ws'],
  ['GET', '/healthz'],
  ['GET', '/readyz'],
  ['GET', '/metrics'],
  ['GET', '/api-explorer'],
  ['OPTIONS', '/message'],
  ['PUT', '/connect'],
  ['POST', '/nope/%00/..'],
];

const QUERY_KEYS = ['conn_id', 'callback', 'since', 'positions', 'secret', 'channels', 'info', '__proto__', 'constructor', 'x'];

/** A name the server may know (so bodies reach deeper than validation) or anything. */
const name = fc.oneof(fc.constantFrom('lobby', 'c1', 'c2', 'alice', 'bob', 'demo:x', ''), fc.string({ maxLength: 8 }), fc.string({ minLength: 250, maxLength: 600 }));

/** Bodies shaped like the API's, with wrong types and extremes mixed in. */
function shapedBody(connIds: string[]) {
  const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), name, fc.constant(null), fc.integer(), fc.double(), fc.boolean());
  const connId = fc.oneof(fc.constantFrom(...connIds), fc.uuid(), fc.string({ maxLength: 40 }), anyValue);
  const message = fc.record(
    {
      user: fc.oneof(name, anyValue),
      channel: fc.oneof(name, anyValue),
      pm_users: fc.oneof(fc.array(name, { maxLength: 3 }), anyValue),
      exclude_users: fc.oneof(fc.array(name, { maxLength: 3 }), anyValue),
      message: fc.oneof(fc.dictionary(fc.string({ maxLength: 5 }), anyValue, { maxKeys: 4 }), anyValue),
      uuid: fc.oneof(fc.uuid(), anyValue),
      timestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string({ maxLength: 30 }), anyValue),
      no_history: fc.oneof(fc.boolean(), anyValue),
      edited: anyValue,
    },
    { requiredKeys: [] },
  );
  const settings = fc.record(
    { notify_presence: fc.oneof(fc.boolean(), anyValue), store_history: fc.boolean(), history_size: fc.oneof(fc.integer({ min: -5, max: 50 }), anyValue), store_frames: fc.boolean() },
    { requiredKeys: [] },
  );
  return fc.oneof(
    fc.array(message, { maxLength: 4 }),
    message,
    fc.record(
      {
        username: fc.oneof(name, anyValue),
        user: fc.oneof(name, anyValue),
        conn_id: connId,
        channels: fc.oneof(fc.array(name, { maxLength: 4 }), anyValue),
        channel_configs: fc.oneof(fc.dictionary(name, settings, { maxKeys: 3 }), anyValue),
        user_state: fc.oneof(fc.dictionary(fc.string({ maxLength: 6 }), anyValue, { maxKeys: 3 }), anyValue),
        fresh_user_state: anyValue,
        state_public_keys: fc.oneof(fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), anyValue),
        info: fc.oneof(fc.record({ channels: fc.array(name, { maxLength: 3 }), include_history: fc.boolean(), return_public_state: anyValue }, { requiredKeys: [] }), anyValue),
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(name, settings, { maxKeys: 3 }),
  );
}

/** The raw body text: JSON of a shaped body or any JSON, broken JSON, or any text. */
function bodyText(connIds: string[]) {
  return fc.oneof(
    { weight: 5, arbitrary: shapedBody(connIds).map((b) => JSON.stringify(b)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
    { weight: 1, arbitrary: fc.constantFrom('', '{', '[', 'null', '{"__proto__": {"x": 1}}', '{"constructor": {"prototype": {}}}', '[' .repeat(5000), '"' + 'x'.repeat(70000) + '"') },
  );
}

function queryString(connIds: string[]) {
  const value = fc.oneof(fc.constantFrom(...connIds, '1', 'true', 'cb.fn', 'alert(1)//', '%', '%00'), fc.uuid(), fc.string({ maxLength: 30 }));
  return fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 8 })), value), { maxLength: 4 })
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : ''));
}

describe('Fuzzing every endpoint (no 5xx, no crash, refusals change nothing)', () => {
  let t: TestApp;
  let connIds: string[] = [];

  beforeAll(async () => {
    // short polls so a valid /listen answers at once; small limits so generated inputs hit them
    t = await startApp({ wake_connections_after: 0.1, max_body_size: 64 * 1024, max_message_size: 2048, max_messages_per_request: 3, connect_rate: 0, publish_rate: 0 }, true);
    for (const user of ['alice', 'bob', 'carol']) connIds.push((await connect(t, user, ['lobby', 'c1'])).conn_id);
  });
  afterAll(async () => {
    await t.close();
    console.log(`fuzz: ${tried} generated inputs tried (FUZZ_SCALE=${SCALE}); HTTP statuses ${JSON.stringify(statuses)}`);
  });

  it('answers every generated HTTP request without a 5xx, and a refused one changes no state', async () => {
    const strict = new StrictRequestSigner(SECRET);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENDPOINTS),
        queryString(connIds),
        fc.option(bodyText(connIds), { nil: undefined }),
        fc.constantFrom('valid', 'none', 'garbage', 'strict', 'old'),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream', undefined),
        fc.option(fc.constantFrom('https://evil.example', 'null', 'http://127.0.0.1'), { nil: undefined }),
        async ([method, path], query, body, signature, contentType, origin) => {
          tried++;
          // a valid conn_id on /sse would stream forever: the SSE stream itself is tested elsewhere
          const url = path === '/sse' ? `/sse?conn_id=${randomUUID()}${query.replace('?', '&')}` : `${path}${query}`;
          const headers: Record<string, string> = {};
          if (contentType) headers['content-type'] = contentType;
          if (origin) headers.origin = origin;
          if (signature === 'valid') headers['x-channelstream-secret'] = sign();
          if (signature === 'garbage') headers['x-channelstream-secret'] = 'channelstream.AAAA.BBBB';
          if (signature === 'old') headers['x-channelstream-secret'] = sign('channelstream', SECRET, 1000);
          if (signature === 'strict') Object.assign(headers, strict.headersFor({ method, path: url, body }));
          const before = await snapshot(t);
          const res = await t.app.inject({ method: method as 'GET', url, headers, payload: body, remoteAddress: '127.0.0.1' });
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          if (res.statusCode >= 500) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
          if (res.statusCode >= 400) expect(await snapshot(t)).toBe(before);
        },
      ),
      { numRuns: runs(6000), seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  }, 600_000);

  it('survives generated WebSocket query strings and frames: documented close codes only, never 1011', async () => {
    const allowed = new Set([1000, 1001, 1005, 1006, 1007, 1009, 4000, 4001, 4002, 4008, 4400]);
    const frame = fc.oneof(
      fc.string({ maxLength: 100 }).map((s) => ({ data: s as string | Buffer, binary: false })),
      fc.jsonValue({ maxDepth: 3 }).map((v) => ({ data: JSON.stringify(v) as string | Buffer, binary: false })),
      fc.uint8Array({ maxLength: 200 }).map((b) => ({ data: Buffer.from(b) as string | Buffer, binary: true })),
      fc.integer({ min: 1000, max: 3000 }).map((n) => ({ data: 'x'.repeat(n * 64) as string | Buffer, binary: false })), // over max_frame_size now and then
      fc.constant({ data: Buffer.from([0xff, 0xfe, 0xc3]) as string | Buffer, binary: false }), // not UTF-8 in a text frame
    );
    await fc.assert(
      fc.asyncProperty(queryString(connIds), fc.array(frame, { maxLength: 8 }), fc.boolean(), async (query, frames, closeFirst) => {
        tried += 1 + frames.length;
        const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/ws${query}`);
        const code = await new Promise<number>((resolve) => {
          socket.once('close', (c) => resolve(c));
          socket.once('error', () => undefined);
          socket.once('unexpected-response', (_req, res) => resolve(res.statusCode === 429 || res.statusCode === 403 ? 1000 : 1011));
          socket.once('open', () => {
            for (const f of frames) if (socket.readyState === WebSocket.OPEN) socket.send(f.data, { binary: f.binary });
            setTimeout(() => (closeFirst ? socket.close() : socket.terminate()), 20);
          });
        });
        expect(allowed.has(code) ? code : `unexpected close ${code}`).toBe(code);
      }),
      { numRuns: runs(300) },
    );
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  }, 600_000);

  it('survives generated raw bytes on the HTTP port (bad upgrades, broken framing)', async () => {
    const port = Number(new URL(t.url).port);
    const validUpgrade = (conn: string) =>
      `GET /ws?conn_id=${conn} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom(...connIds).map((c) => validUpgrade(c)),
          fc.string({ maxLength: 200 }).map((s) => `GET /ws?${s} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: ${s.length}\r\n\r\n`),
          fc.string({ maxLength: 300 }),
        ),
        fc.uint8Array({ maxLength: 300 }),
        async (head, tail) => {
          tried++;
          await new Promise<void>((resolve) => {
            const socket = tcpConnect(port, '127.0.0.1', () => {
              socket.write(head);
              socket.write(Buffer.from(tail));
              setTimeout(() => socket.destroy(), 15);
            });
            socket.on('data', () => undefined);
            socket.on('error', () => undefined);
            socket.on('close', () => resolve());
          });
        },
      ),
      { numRuns: runs(300) },
    );
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    // and the server still works end to end
    const alive = new WebSocket(`${t.url.replace(/^http/, 'ws')}/ws?conn_id=${connIds[0]}`);
    await new Promise((resolve, reject) => {
      alive.once('open', resolve);
      alive.once('error', reject);
    });
    alive.close();
  }, 600_000);
});
