import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { Engine } from '../../src/engine/engine';
import { WS_CLOSE } from '../../src/engine/close-codes';
import { ChannelstreamBackend } from '../../packages/server-sdk/src/index.js';
import { attached, detached, SECRET, startApp, uniq, type TestApp } from '../helpers';
import { ClientProbe } from './client-probe';
import { FetchEventSource } from './fetch-event-source';

/** A WebSocket that never connects (nothing listens on port 1): as if a proxy blocked WebSockets. */
class BlockedWebSocket extends WebSocket {
  constructor() {
    super('ws://127.0.0.1:1/ws');
  }
}

describe('ChannelstreamClient against the real server', () => {
  let t: TestApp;
  let backend: ChannelstreamBackend;
  const probes: ClientProbe[] = [];
  const start = (connId: string, options: ConstructorParameters<typeof ClientProbe>[2] = {}) => {
    const probe = ClientProbe.start(t, connId, options);
    probes.push(probe);
    return probe;
  };
  const say = async (channel: string, n: number) => (await backend.publish([{ user: 'bot', channel, message: { n } }]))[0]!;

  beforeAll(async () => {
    t = await startApp({ resume_grace: 5 }, true);
    backend = new ChannelstreamBackend({ url: t.url, secret: SECRET });
  });
  afterEach(() => {
    for (const probe of probes.splice(0)) probe.close();
  });
  afterAll(() => t.close());

  it('receives a published message over WebSocket, typed and positioned', async () => {
    const channel = uniq('chan');
    const { conn_id } = await backend.connect({ username: uniq('user'), channels: [channel] });
    const probe = start(conn_id);
    const received: unknown[] = [];
    probe.client.on('message', (m) => received.push(m.message));
    await probe.untilState('open');
    expect(probe.client.transportKind).toBe('websocket');
    await attached(t, conn_id);
    const sent = await say(channel, 1);
    const [event] = await probe.nextEvents(1, 0);
    expect(event).toMatchObject({ uuid: sent.uuid, type: 'message', channel, catchup: false, epoch: expect.any(String), offset: expect.any(Number) });
    expect(received).toEqual([{ n: 1 }]);
  });

  it('reconnects after the server closes its socket and resumes: the missed events exactly once, then live ones', async () => {
    const channel = uniq('chan');
    const { conn_id } = await backend.connect({ username: uniq('user'), channels: [channel] });
    // a reconnect delay long enough to publish while the client is away
    const probe = start(conn_id, { backoff: { initialMs: 400, jitter: 0 } });
    await probe.untilState('open');
    await attached(t, conn_id);
    const before = await say(channel, 0);
    await probe.nextEvents(1, 0);

    t.app.get(Engine).sinkOf(conn_id)!.close(WS_CLOSE.slowConsumer, 'too far behind');
    await probe.untilState('reconnecting');
    const missed = [await say(channel, 1), await say(channel, 2), await say(channel, 3)];
    expect(probe.client.state).toBe('reconnecting'); // still away: these can only come back through resume

    await probe.untilState('open');
    const replayed = await probe.nextEvents(3, 1);
    expect(replayed.map((e) => e.uuid)).toEqual(missed.map((m) => m.uuid));
    expect(replayed.every((e) => e.catchup)).toBe(true);
    const live = await say(channel, 4);
    await probe.nextEvents(1, 4);
    expect(probe.events.map((e) => e.uuid)).toEqual([before.uuid, ...missed.map((m) => m.uuid), live.uuid]);
    expect(probe.states.filter((s) => s.state === 'reconnecting')[0]).toMatchObject({ code: WS_CLOSE.slowConsumer, transport: 'websocket' });
  });

  it('falls back to long polling when WebSocket cannot connect, and receives there', async () => {
    const channel = uniq('chan');
    const { conn_id } = await backend.connect({ username: uniq('user'), channels: [channel] });
    const probe = start(conn_id, { WebSocket: BlockedWebSocket });
    await attached(t, conn_id); // the first poll is held by the server
    expect(probe.client.transportKind).toBe('long-poll');
    const sent = await say(channel, 1);
    const [event] = await probe.nextEvents(1, 0);
    expect(event).toMatchObject({ uuid: sent.uuid, catchup: false, offset: expect.any(Number) });
    expect(probe.client.state).toBe('open');
    const attempts = probe.states.filter((s) => s.state === 'connecting').map((s) => s.transport);
    expect(attempts).toEqual(['websocket', 'websocket', 'long-poll']);
  });

  it('emits expired for a conn_id the server does not know (WebSocket: close 1000 "unknown conn_id")', async () => {
    const connId = randomUUID();
    const probe = start(connId);
    await probe.untilState('expired');
    expect(probe.expired).toEqual([{ connId, code: 1000, reason: 'unknown conn_id' }]);
  });

  it('emits expired for a conn_id the server does not know (long polling: 401)', async () => {
    const connId = randomUUID();
    const probe = start(connId, { WebSocket: null });
    await probe.untilState('expired');
    expect(probe.expired).toEqual([{ connId, reason: 'unknown conn_id' }]);
  });

  it('after /disconnect (4000), resumes through a new conn_id from the backend without losing what was sent meanwhile', async () => {
    const channel = uniq('chan');
    const username = uniq('user');
    const first = await backend.connect({ username, channels: [channel] });
    const probe = start(first.conn_id);
    await probe.untilState('open');
    await attached(t, first.conn_id);
    await say(channel, 0);
    await probe.nextEvents(1, 0);

    expect(await backend.disconnect(first.conn_id)).toBe(true);
    await probe.untilState('expired');
    expect(probe.expired[0]).toMatchObject({ connId: first.conn_id, code: WS_CLOSE.disconnected });
    const missed = await say(channel, 1);

    const renewed = await backend.connect({ username, channels: [channel] });
    probe.client.reconnectWith(renewed.conn_id);
    const [replayed] = await probe.nextEvents(1, 1);
    expect(replayed).toMatchObject({ uuid: missed.uuid, catchup: true });
    await attached(t, renewed.conn_id);
    const live = await say(channel, 2);
    const [next] = await probe.nextEvents(1, 2);
    expect(next).toMatchObject({ uuid: live.uuid, catchup: false });
    expect(probe.events).toHaveLength(3);
  });

  it('listens over SSE with an injected EventSource, resuming after the stream drops', async () => {
    const channel = uniq('chan');
    const { conn_id } = await backend.connect({ username: uniq('user'), channels: [channel] });
    const probe = start(conn_id, { WebSocket: null, EventSource: FetchEventSource, backoff: { initialMs: 300, jitter: 0 } });
    await probe.untilState('open');
    expect(probe.client.transportKind).toBe('sse');
    await attached(t, conn_id);
    const first = await say(channel, 0);
    await probe.nextEvents(1, 0);

    t.app.get(Engine).sinkOf(conn_id)!.close(WS_CLOSE.slowConsumer, 'too far behind');
    await probe.untilState('reconnecting');
    await detached(t, conn_id);
    const missed = await say(channel, 1);
    const [replayed] = await probe.nextEvents(1, 1);
    expect(replayed).toMatchObject({ uuid: missed.uuid, catchup: true });
    expect(probe.events.map((e) => e.uuid)).toEqual([first.uuid, missed.uuid]);
    expect(probe.client.transportKind).toBe('sse');
  });
});
