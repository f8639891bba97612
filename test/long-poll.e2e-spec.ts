import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { api, connect, send, startApp, uniq, type TestApp } from './helpers';

describe('GET /listen (long polling)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ wake_connections_after: 0.3 });
  });
  afterAll(() => t.close());

  const poll = (connId: string, extra = '') => api(t, 'GET', `/listen?conn_id=${connId}${extra}`, undefined, { signed: false });

  it('answers [] after wake_connections_after when nothing happens', async () => {
    const conn = await connect(t, uniq('user'), [uniq('chan')]);
    const started = Date.now();
    const res = await poll(conn.conn_id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('batches the events that arrive together into one answer', async () => {
    const chan = uniq('chan');
    const conn = await connect(t, uniq('user'), [chan]);
    await poll(conn.conn_id); // attach the long-poll transport
    const pending = poll(conn.conn_id);
    await new Promise((r) => setTimeout(r, 20));
    const a = await send(t, { channel: chan, message: { n: 1 } });
    const b = await send(t, { channel: chan, message: { n: 2 } });
    const res = await pending;
    expect(res.body.map((e: { uuid: string }) => e.uuid)).toEqual([a.uuid, b.uuid]);
    expect(res.body[0]).toMatchObject({ type: 'message', catchup: false });
  });

  it('keeps events published between two polls for the next poll', async () => {
    const chan = uniq('chan');
    const conn = await connect(t, uniq('user'), [chan]);
    await poll(conn.conn_id);
    const missed = await send(t, { channel: chan });
    const res = await poll(conn.conn_id);
    expect(res.body.map((e: { uuid: string }) => e.uuid)).toEqual([missed.uuid]);
  });

  it('replays catch-up events on the first poll', async () => {
    const chan = uniq('chan');
    const conn = await connect(t, uniq('user'), [chan]);
    const sent = await send(t, { channel: chan });
    const res = await poll(conn.conn_id);
    expect(res.body).toEqual([expect.objectContaining({ uuid: sent.uuid, catchup: true })]);
  });

  it('wraps the answer for a JSONP callback', async () => {
    const conn = await connect(t, uniq('user'));
    const res = await poll(conn.conn_id, '&callback=jQuery123_456.done');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/javascript/);
    expect(res.text).toBe('jQuery123_456.done([])');
  });

  it.each([['alert(1)//'], ['a b'], ['1abc'], ['x'.repeat(200)], ['<script>']])('refuses the callback %j with 422', async (callback) => {
    const conn = await connect(t, uniq('user'));
    const res = await poll(conn.conn_id, `&callback=${encodeURIComponent(callback)}`);
    expect(res.status).toBe(422);
    expect(Object.keys(res.body)).toEqual(['callback']);
    expect(res.text).not.toContain(callback);
  });

  it('answers 401 for an unknown connection and 422 for a missing or malformed conn_id', async () => {
    expect((await poll(randomUUID())).status).toBe(401);
    const missing = await api(t, 'GET', '/listen', undefined, { signed: false });
    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({ conn_id: ['Missing data for required field.'] });
    expect((await poll('nope')).body).toEqual({ conn_id: ['Not a valid UUID.'] });
  });

  it('answers a held poll at once when the connection is disconnected', async () => {
    const conn = await connect(t, uniq('user'));
    await poll(conn.conn_id);
    const slow = await startApp({ wake_connections_after: 30 });
    try {
      const c = await connect(slow, uniq('user'));
      const held = api(slow, 'GET', `/listen?conn_id=${c.conn_id}`, undefined, { signed: false });
      await new Promise((r) => setTimeout(r, 20));
      const started = Date.now();
      await api(slow, 'GET', `/disconnect?conn_id=${c.conn_id}`, undefined, { signed: false });
      expect((await held).body).toEqual([]);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await slow.close();
    }
  });
});
