import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RejectionsService } from '../../src/common/rejections.service';
import { Engine } from '../../src/engine/engine';
import { api, attached, connect, ok, startApp, uniq, WsClient, type TestApp } from '../helpers';

const token = (channel: string, epoch: string, offset: number) => Buffer.from(JSON.stringify({ c: { [channel]: [epoch, offset] } })).toString('base64url');

describe('Slow consumers (max_buffered_bytes)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ max_buffered_bytes: 65536, resume_grace: 30, publish_rate: 0 }, true);
  });
  afterAll(() => t.close());

  it('cuts off a client that stops reading with 4008, keeps the others at full speed, and lets the cut one resume exactly', async () => {
    const channel = uniq('busy');
    const slowUser = await connect(t, uniq('slow'), [channel]);
    const fastUser = await connect(t, uniq('fast'), [channel]);
    const slow = await WsClient.open(t, `?conn_id=${slowUser.conn_id}&positions=1`);
    const fast = await WsClient.open(t, `?conn_id=${fastUser.conn_id}`);
    await attached(t, slowUser.conn_id);
    await attached(t, fastUser.conn_id);
    const rawSlow = (slow.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    rawSlow.pause(); // the slow client stops reading: the kernel buffers fill, then the server's queue

    const rejections = t.app.get(RejectionsService);
    const pad = 'p'.repeat(8000);
    let published = 0;
    for (let batch = 0; batch < 1000 && !rejections.snapshot().slow_consumer; batch++) {
      const messages = Array.from({ length: 4 }, () => ({ user: 'pub', channel, message: { n: published++, pad } }));
      expect((await api(t, 'POST', '/message', messages)).status).toBe(200);
      await new Promise((r) => setImmediate(r));
    }
    expect(rejections.snapshot().slow_consumer).toBe(1);
    // a few more after the cut: the cut client must get these back when it resumes
    for (let i = 0; i < 5; i++) await ok(t, 'POST', '/message', [{ user: 'pub', channel, message: { n: published++, pad } }]);

    // the fast client got everything, in order, while the slow one was stuck
    await fast.until(() => fast.events.filter((e) => e.type === 'message').length === published, 15000, 'every message at the fast client');
    expect(fast.events.filter((e) => e.type === 'message').map((e) => e.message.n)).toEqual([...Array(published).keys()]);

    // the slow client reads what was already on its way, then the 4008 close
    rawSlow.resume();
    expect(await slow.closed).toBe(4008);
    const received = slow.events.filter((e) => e.type === 'message');
    expect(received.length).toBeLessThan(published);
    const last = received[received.length - 1];

    // the connection is still there (resume grace): reconnecting from its last position replays exactly the rest
    expect(await t.app.get(Engine).getConnection(slowUser.conn_id)).toBeDefined();
    const again = await WsClient.open(t, `?conn_id=${slowUser.conn_id}&since=${token(channel, last.epoch, last.offset)}`);
    await again.until(() => again.events.filter((e) => e.type === 'message').length >= published - received.length, 5000, 'the missed messages');
    const replayed = again.events.filter((e) => e.type === 'message');
    expect(replayed.every((e) => e.catchup === true)).toBe(true);
    expect([...received, ...replayed].map((e) => e.message.n)).toEqual([...Array(published).keys()]);
    again.close();
    fast.close();
  }, 60000);
});
