import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { RejectionsService } from '../../src/common/rejections.service';
import { Engine } from '../../src/engine/engine';
import { api, attached, connect, ok, startApp, uniq, WsClient, type TestApp } from '../helpers';

const counts = (t: TestApp) => t.app.get(RejectionsService).snapshot();

/** What a refused request must leave unchanged: channels, users, connections. */
async function stateOf(t: TestApp) {
  const engine = t.app.get(Engine);
  const views = await engine.channelViews(undefined, true);
  const users = await engine.activeUsers();
  return {
    channels: views.map((v) => ({ name: v.channel.name, users: v.users, connections: v.totalConnections, history: v.history.length })),
    users: users.map((u) => ({ user: u.user.username, conns: u.connIds.length })).sort((a, b) => a.user.localeCompare(b.user)),
  };
}

describe('Limits (each refused with a clear JSON error and counted)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(
      {
        max_body_size: 64 * 1024,
        max_messages_per_request: 5,
        max_message_size: 1024,
        max_frame_size: 1024,
        max_channels_per_connection: 3,
        max_connections_per_user: 2,
        publish_rate: 0,
        connect_rate: 0,
      },
      true,
    );
  });
  afterAll(() => t.close());

  it('answers 413 with a JSON body for a body over max_body_size, and counts it', async () => {
    const before = counts(t).body_too_large ?? 0;
    const res = await api(t, 'POST', '/message', [{ user: 'u', channel: 'c', message: { big: 'x'.repeat(70 * 1024) } }]);
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ request: 'Request body is too large' });
    const connect413 = await api(t, 'POST', '/connect', { username: 'x'.repeat(70 * 1024) });
    expect(connect413.status).toBe(413);
    expect(counts(t).body_too_large).toBe(before + 2);
  });

  it('answers 422 for more items than max_messages_per_request on POST, PATCH and DELETE, and changes nothing', async () => {
    const channel = uniq('c');
    await ok(t, 'POST', '/channel_config', { [channel]: { store_history: true } });
    const before = await stateOf(t);
    const six = Array.from({ length: 6 }, () => ({ user: 'u', channel, uuid: randomUUID(), message: { n: 1 } }));
    for (const method of ['POST', 'PATCH', 'DELETE'] as const) {
      const res = await api(t, method, '/message', six);
      expect(res.status).toBe(422);
      expect(res.body._schema[0]).toContain('At most 5 messages per call');
    }
    expect(await stateOf(t)).toEqual(before);
    expect(counts(t).too_many_messages).toBe(3);
    expect((await api(t, 'POST', '/message', six.slice(0, 5))).status).toBe(200);
  });

  it('answers 422 naming the item over max_message_size (POST and PATCH), and publishes none of the list', async () => {
    const channel = uniq('c');
    await ok(t, 'POST', '/channel_config', { [channel]: { store_history: true } });
    const before = await stateOf(t);
    const res = await api(t, 'POST', '/message', [
      { user: 'u', channel, message: { text: 'fine' } },
      { user: 'u', channel, message: { text: 'x'.repeat(2000) } },
    ]);
    expect(res.status).toBe(422);
    expect(Object.keys(res.body)).toEqual(['1']);
    expect(res.body['1']._schema[0]).toMatch(/at most 1024 \(max_message_size\)/);
    const extra = await api(t, 'POST', '/message', [{ user: 'u', channel, pad: 'y'.repeat(2000) }]);
    expect(extra.status).toBe(422);
    const edit = await api(t, 'PATCH', '/message', [{ uuid: randomUUID(), channel, message: { text: 'z'.repeat(2000) } }]);
    expect(edit.status).toBe(422);
    expect(await stateOf(t)).toEqual(before);
    expect(counts(t).message_too_large).toBe(3);
  });

  it('answers 422 beyond max_channels_per_connection on connect and subscribe, and changes nothing', async () => {
    const before = await stateOf(t);
    const tooMany = await api(t, 'POST', '/connect', { username: uniq(), channels: ['a1', 'a2', 'a3', 'a4'] });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.channels[0]).toContain('At most 3 channels per connection');
    expect(await stateOf(t)).toEqual(before);
    const { conn_id } = await connect(t, uniq(), ['b1', 'b2']);
    const afterConnect = await stateOf(t);
    const sub = await api(t, 'POST', '/subscribe', { conn_id, channels: ['b2', 'b3', 'b4'] });
    expect(sub.status).toBe(422);
    expect(await stateOf(t)).toEqual(afterConnect);
    expect((await api(t, 'POST', '/subscribe', { conn_id, channels: ['b2', 'b3'] })).status).toBe(200); // duplicates count once
    expect(counts(t).too_many_channels).toBe(2);
  });

  it('answers 422 beyond max_connections_per_user, re-uses a live conn_id, and admits a new one after a disconnect', async () => {
    const user = uniq('many');
    const first = await connect(t, user);
    await connect(t, user);
    const third = await api(t, 'POST', '/connect', { username: user });
    expect(third.status).toBe(422);
    expect(third.body.username[0]).toContain('at most 2 (max_connections_per_user)');
    expect((await api(t, 'POST', '/connect', { username: user, conn_id: first.conn_id })).status).toBe(200);
    await ok(t, 'POST', '/disconnect', { conn_id: first.conn_id });
    expect((await api(t, 'POST', '/connect', { username: user })).status).toBe(200);
    expect(counts(t).too_many_connections).toBe(1);
  });

  it('answers 422 for names longer than the original allows (channel 256, user 512), and counts them', async () => {
    const before = counts(t).name_length ?? 0;
    expect((await api(t, 'POST', '/connect', { username: 'u'.repeat(513) })).status).toBe(422);
    expect((await api(t, 'POST', '/connect', { username: uniq(), channels: ['c'.repeat(257)] })).status).toBe(422);
    expect((await api(t, 'POST', '/message', [{ user: 'u', channel: 'c'.repeat(257) }])).status).toBe(422);
    expect((await api(t, 'POST', '/channel_config', { ['c'.repeat(257)]: {} })).status).toBe(422);
    expect((await api(t, 'POST', '/connect', { username: 'u'.repeat(512) })).status).toBe(200);
    expect(counts(t).name_length).toBeGreaterThanOrEqual(before + 3);
  });

  it('closes a socket that sends a frame over max_frame_size with 1009, counts it, and the connection can come back', async () => {
    const { conn_id } = await connect(t, uniq(), ['frames']);
    const client = await WsClient.connectTo(t, conn_id);
    await attached(t, conn_id);
    client.socket.send('x'.repeat(2000));
    expect(await client.closed).toBe(1009);
    expect(counts(t).frame_too_large).toBe(1);
    const again = await WsClient.connectTo(t, conn_id);
    again.socket.send(JSON.stringify({ type: 'heartbeat' }));
    await attached(t, conn_id);
    again.close();
  });
});

describe('Rate limits (token bucket per client address)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ connect_rate: 1, connect_burst: 3, publish_rate: 5, publish_burst: 10 }, true);
  });
  afterAll(() => t.close());

  it('refuses WebSocket upgrades past connect_burst with HTTP 429 JSON and Retry-After, before the upgrade', async () => {
    const { conn_id } = await connect(t, uniq(), []);
    const url = `${t.url.replace(/^http/, 'ws')}/ws?conn_id=${conn_id}`;
    const outcomes: (number | 'open')[] = [];
    for (let i = 0; i < 4; i++) {
      outcomes.push(
        await new Promise<number | 'open'>((resolve) => {
          const socket = new WebSocket(url);
          socket.once('open', () => {
            socket.close();
            resolve('open');
          });
          socket.once('unexpected-response', (_req, res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => {
              expect(res.headers['retry-after']).toBe('1');
              expect(JSON.parse(body)).toMatchObject({ request: expect.stringContaining('connect_rate'), retry_after: 1 });
              resolve(res.statusCode ?? 0);
            });
          });
        }),
      );
    }
    expect(outcomes).toEqual(['open', 'open', 'open', 429]);
    expect(t.app.get(RejectionsService).snapshot().connect_rate).toBe(1);
  });

  it('refuses /sse and a first /listen from an address over its connect rate with 429, and keys addresses apart', async () => {
    const { conn_id } = await connect(t, uniq(), []);
    const from = '198.51.100.20';
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await api(t, 'GET', `/sse?conn_id=${randomUUID()}`, undefined, { signed: false, remoteAddress: from })).status);
    const sse = await api(t, 'GET', `/sse?conn_id=${conn_id}`, undefined, { signed: false, remoteAddress: from });
    const poll = await api(t, 'GET', `/listen?conn_id=${conn_id}`, undefined, { signed: false, remoteAddress: from });
    expect(statuses).toEqual([401, 401, 401]);
    expect(sse.status).toBe(429);
    expect(poll.status).toBe(429);
    expect(poll.headers['retry-after']).toBe('1');
    const other = await api(t, 'GET', `/sse?conn_id=${randomUUID()}`, undefined, { signed: false, remoteAddress: '198.51.100.21' });
    expect(other.status).toBe(401);
  });

  it('refuses /message past publish_burst messages from one address with 429, publishing nothing of that call', async () => {
    const channel = uniq('rate');
    await ok(t, 'POST', '/channel_config', { [channel]: { store_history: true, history_size: 100 } });
    const eight = Array.from({ length: 8 }, (_, n) => ({ user: 'u', channel, message: { n } }));
    expect((await api(t, 'POST', '/message', eight)).status).toBe(200);
    const refused = await api(t, 'POST', '/message', eight);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.body).toEqual({ request: expect.stringContaining('publish_rate'), retry_after: 2 });
    const info = await ok(t, 'POST', '/info', { info: { channels: [channel] } });
    expect(info.channels[channel].history).toHaveLength(8);
    expect(t.app.get(RejectionsService).snapshot().publish_rate).toBe(1);
  });
});
