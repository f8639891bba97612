import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { LivenessService } from '../src/connections/liveness.service';
import { HeartbeatService } from '../src/transports/heartbeat.service';
import { api, attached, connect, detached, ok, send, startApp, uniq, WsClient, type TestApp } from './helpers';

const DELIVERED_KEYS = ['catchup', 'channel', 'edited', 'message', 'timestamp', 'type', 'user', 'uuid'];

describe('Real-time delivery over WebSocket', () => {
  let t: TestApp;
  const sockets: WsClient[] = [];
  const listen = async (channels: string[], extra: object = {}, username = uniq('user')) => {
    const conn = await connect(t, username, channels, extra);
    const ws = await WsClient.connectTo(t, conn.conn_id);
    sockets.push(ws);
    return { conn, ws, username };
  };

  beforeAll(async () => {
    t = await startApp({}, true);
  });
  afterEach(() => {
    for (const ws of sockets.splice(0)) ws.close();
  });
  afterAll(() => t.close());

  describe('messages', () => {
    it('delivers a published message as a one-event JSON list with the documented keys', async () => {
      const chan = uniq('chan');
      const { ws } = await listen([chan]);
      const sent = await send(t, { channel: chan, user: 'alice', message: { text: 'hello' }, extra: 5 });
      const [event] = await ws.nextEvents(1);
      expect(ws.frames[0]).toBe(JSON.stringify([event]));
      expect(Object.keys(event).sort()).toEqual([...DELIVERED_KEYS, 'extra'].sort());
      expect(event).toMatchObject({ uuid: sent.uuid, type: 'message', user: 'alice', channel: chan, catchup: false, edited: null, extra: 5 });
    });

    it('answers POST /message with defaults filled, drops unroutable items, keeps order', async () => {
      const chan = uniq('chan');
      const id = randomUUID();
      const data = await ok(t, 'POST', '/message', [
        { user: 'u', message: { dropped: true } },
        { user: 'u', channel: chan, uuid: id, type: 'custom', timestamp: '2020-01-02T03:04:05' },
        { user: 'u', channel: chan, message: { n: 2 } },
      ]);
      expect(data).toHaveLength(2);
      expect(data[0]).toMatchObject({ uuid: id, type: 'custom', timestamp: '2020-01-02T03:04:05+00:00', pm_users: [], exclude_users: [], no_history: false, edited: null });
      expect(data[0]).not.toHaveProperty('message');
      expect(data[1].message).toEqual({ n: 2 });
    });

    it('routes by pm_users and exclude_users inside a channel, exclude winning', async () => {
      const chan = uniq('chan');
      const a = await listen([chan]);
      const b = await listen([chan]);
      await send(t, { channel: chan, pm_users: [a.username], message: { to: 'a' } });
      await send(t, { channel: chan, exclude_users: [a.username], message: { to: 'b' } });
      await send(t, { channel: chan, pm_users: [a.username], exclude_users: [a.username], message: { to: 'nobody' } });
      const [toA] = await a.ws.nextEvents(1);
      expect(toA.message).toEqual({ to: 'a' });
      expect(toA).not.toHaveProperty('pm_users');
      await a.ws.expectOnlySentinel(t, a.username);
      const [toB] = await b.ws.nextEvents(1);
      expect(toB.message).toEqual({ to: 'b' });
      await b.ws.expectOnlySentinel(t, b.username);
    });

    it('delivers private messages (no channel) to every connection of the user, honouring exclude_users', async () => {
      const user = uniq('user');
      const first = await listen([], {}, user);
      const second = await listen([uniq('chan')], {}, user);
      const other = await listen([]);
      await send(t, { pm_users: [user, other.username], exclude_users: [other.username], message: { pm: 1 } });
      for (const ws of [first.ws, second.ws]) {
        const [event] = await ws.nextEvents(1);
        expect(event).toMatchObject({ channel: null, message: { pm: 1 }, type: 'message' });
      }
      await other.ws.expectOnlySentinel(t, other.username);
    });

    it('keeps history per channel settings: size, no_history, only messages', async () => {
      const chan = uniq('chan');
      const { ws } = await listen([chan], { channel_configs: { [chan]: { store_history: true, history_size: 2, notify_presence: true } } });
      await ok(t, 'POST', '/message', [0, 1, 2].map((n) => ({ user: 'u', channel: chan, message: { n } })));
      await send(t, { channel: chan, no_history: true, message: { n: 'skip' } });
      await ws.nextEvents(4);
      const info = await ok(t, 'POST', '/info', { info: { channels: [chan] } });
      const history = info.channels[chan].history;
      expect(history.map((m: { message: { n: number } }) => m.message.n)).toEqual([1, 2]);
      expect(history[0]).toMatchObject({ type: 'message', pm_users: [], exclude_users: [], no_history: false, catchup: false });
    });

    it('edits and deletes stored messages and tells subscribers', async () => {
      const chan = uniq('chan');
      const { ws } = await listen([chan], { channel_configs: { [chan]: { store_history: true } } });
      const kept = await send(t, { channel: chan, message: { v: 1 } });
      const gone = await send(t, { channel: chan, message: { v: 'x' } });
      await ws.nextEvents(2);
      const [edit] = await ok(t, 'PATCH', '/message', [{ uuid: kept.uuid, channel: chan, message: { v: 2 } }]);
      expect(edit.edited).toMatch(/\+00:00$/);
      await ok(t, 'DELETE', '/message', [{ uuid: gone.uuid, channel: chan }]);
      const [editEvent, deleteEvent] = await ws.nextEvents(2);
      expect(editEvent).toMatchObject({ type: 'message:edit', uuid: kept.uuid, message: { v: 2 }, channel: chan, catchup: false });
      expect(deleteEvent).toMatchObject({ type: 'message:delete', uuid: gone.uuid, channel: chan });
      expect(deleteEvent).not.toHaveProperty('pm_users');
      const info = await ok(t, 'POST', '/info', { info: { channels: [chan] } });
      expect(info.channels[chan].history).toEqual([expect.objectContaining({ uuid: kept.uuid, message: { v: 2 }, edited: edit.edited })]);
    });

    it('edits and deletes private messages', async () => {
      const { ws, username } = await listen([]);
      const pm = await send(t, { pm_users: [username], message: { v: 1 } });
      await ws.nextEvents(1);
      await ok(t, 'PATCH', '/message', [{ uuid: pm.uuid, pm_users: [username], message: { v: 2 } }]);
      await ok(t, 'DELETE', '/message', [{ uuid: pm.uuid, pm_users: [username] }]);
      const events = await ws.nextEvents(2);
      expect(events.map((e) => [e.type, e.channel])).toEqual([
        ['message:edit', null],
        ['message:delete', null],
      ]);
    });

    it.each([
      ['a body that is not a list', { user: 'u', channel: 'c' }, { _schema: ['Invalid input type.'] }],
      ['a missing user', [{ channel: 'c' }], { '0': { user: ['Missing data for required field.'] } }],
      ['a bad uuid in the second item', [{ user: 'u', channel: 'c' }, { user: 'u', channel: 'c', uuid: 'x' }], { '1': { uuid: ['Not a valid UUID.'] } }],
      ['a bad timestamp', [{ user: 'u', channel: 'c', timestamp: 'garbage' }], { '0': { timestamp: ['Not a valid datetime.'] } }],
      ['a string payload', [{ user: 'u', channel: 'c', message: 'text' }], { '0': { message: ['Not a valid mapping type.'] } }],
      ['an item that is not an object', [5], { '0': { _schema: ['Invalid input type.'] } }],
      ['a too long channel name', [{ user: 'u', channel: 'c'.repeat(257) }], { '0': { channel: ['Length must be between 1 and 256.'] } }],
    ])('POST /message answers 422 for %s', async (_, body, errors) => {
      const res = await api(t, 'POST', '/message', body);
      expect(res.status).toBe(422);
      expect(res.body).toEqual(errors);
    });

    it('PATCH and DELETE /message answer 422 for a missing uuid, DELETE also for unknown fields', async () => {
      expect((await api(t, 'PATCH', '/message', [{ channel: 'c' }])).body).toEqual({ '0': { uuid: ['Missing data for required field.'] } });
      expect((await api(t, 'DELETE', '/message', [{ channel: 'c' }])).body).toEqual({ '0': { uuid: ['Missing data for required field.'] } });
      const res = await api(t, 'DELETE', '/message', [{ uuid: randomUUID(), channel: 'c', bogus: 1 }]);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ '0': { bogus: ['Unknown field.'] } });
    });
  });

  describe('presence and user state', () => {
    it('sends joined once per user (not to the user), with public state and user lists', async () => {
      const chan = uniq('chan');
      const config = { channel_configs: { [chan]: { notify_presence: true, broadcast_presence_with_user_lists: true } } };
      const watcher = await listen([chan], config);
      const joiner = uniq('user');
      const first = await connect(t, joiner, [chan], { fresh_user_state: { color: 'red', secret: 1 }, state_public_keys: ['color'] });
      await connect(t, joiner, [chan]); // second connection: no second joined
      const [joined] = await watcher.ws.nextEvents(1);
      expect(joined).toMatchObject({ type: 'presence', user: joiner, channel: chan, message: { action: 'joined' }, state: { color: 'red' }, catchup: false });
      expect(joined.users).toEqual(
        expect.arrayContaining([
          { user: watcher.username, state: {} },
          { user: joiner, state: { color: 'red' } },
        ]),
      );
      await watcher.ws.expectOnlySentinel(t, watcher.username);
      // parted only when the user's last connection leaves
      await ok(t, 'POST', '/unsubscribe', { conn_id: first.conn_id, channels: [chan] });
      await watcher.ws.expectOnlySentinel(t, watcher.username);
      await ok(t, 'POST', '/unsubscribe', { conn_id: (await connect(t, joiner)).conn_id, channels: [chan] }); // never in: no event
      await watcher.ws.expectOnlySentinel(t, watcher.username);
    });

    it('sends parted when the last connection disconnects, with the remaining users listed', async () => {
      const chan = uniq('chan');
      const config = { channel_configs: { [chan]: { notify_presence: true, broadcast_presence_with_user_lists: true } } };
      const watcher = await listen([chan], config);
      const leaver = await connect(t, uniq('user'), [chan]);
      await watcher.ws.nextEvents(1);
      expect((await api(t, 'GET', `/disconnect?conn_id=${leaver.conn_id}`, undefined, { signed: false })).body).toBe(true);
      const [parted] = await watcher.ws.nextEvents(1);
      expect(parted).toMatchObject({ type: 'presence', user: leaver.username, message: { action: 'parted' }, state: null, users: [{ user: watcher.username, state: {} }] });
    });

    it('sends user_state_change with the public state and public changes to notify_state channels', async () => {
      const chan = uniq('chan');
      const quiet = uniq('chan');
      const watcher = await listen([chan], { channel_configs: { [chan]: { notify_state: true } } });
      const user = uniq('user');
      await connect(t, user, [chan, quiet], { fresh_user_state: { mood: 'ok' }, state_public_keys: ['mood'] });
      const quietWatcher = await listen([quiet]);
      await ok(t, 'POST', '/user_state', { user, user_state: { mood: 'great', hidden: 1 } });
      const [change] = await watcher.ws.nextEvents(1);
      expect(change).toMatchObject({ type: 'user_state_change', user, channel: chan, message: { state: { mood: 'great' }, changed: [{ key: 'mood', value: 'great' }] } });
      await quietWatcher.ws.expectOnlySentinel(t, quietWatcher.username);
      await ok(t, 'POST', '/user_state', { user, user_state: { mood: 'great' } }); // no change: no event
      await watcher.ws.expectOnlySentinel(t, watcher.username);
    });
  });

  describe('socket lifecycle', () => {
    it('closes a socket with an unknown conn_id with 1000 and sends nothing', async () => {
      const ws = await WsClient.open(t, `?conn_id=${randomUUID()}`);
      expect(await ws.closed).toBe(1000);
      expect(ws.frames).toEqual([]);
    });

    it.each([['?conn_id=not-a-uuid'], [''], ['?conn_id=']])('closes a socket with a malformed conn_id (%s) with 4400', async (query) => {
      const ws = await WsClient.open(t, query);
      expect(await ws.closed).toBe(4400);
    });

    it('answers a plain GET /ws with 426', async () => {
      const res = await api(t, 'GET', '/ws?conn_id=x', undefined, { signed: false });
      expect(res.status).toBe(426);
    });

    it('sends [] heartbeats from the shared timer and accepts any client frame', async () => {
      const chan = uniq('chan');
      const { ws, conn } = await listen([chan]);
      await attached(t, conn.conn_id);
      t.app.get(HeartbeatService).beat();
      await ws.until(() => ws.heartbeats === 1, 2000, 'a heartbeat');
      expect(ws.frames.at(-1)).toBe('[]');
      ws.socket.send(JSON.stringify({ type: 'heartbeat' }));
      ws.socket.send('anything');
      const sent = await send(t, { channel: chan });
      const [event] = await ws.nextEvents(1);
      expect(event.uuid).toBe(sent.uuid);
    });

    it('replays missed channel events, private messages and presence on attach, in order, then goes live', async () => {
      const chan = uniq('chan');
      const user = uniq('user');
      const conn = await connect(t, user, [chan], { channel_configs: { [chan]: { notify_presence: true } } });
      const first = await send(t, { channel: chan, message: { n: 1 } });
      await send(t, { channel: chan, pm_users: [uniq('other')], message: { skip: 'pm' } });
      await send(t, { channel: chan, exclude_users: [user], message: { skip: 'excluded' } });
      const joiner = uniq('user');
      await connect(t, joiner, [chan]);
      const pm = await send(t, { pm_users: [user], message: { n: 2 } });
      const ws = await WsClient.connectTo(t, conn.conn_id);
      sockets.push(ws);
      const events = await ws.nextEvents(3);
      expect(events.map((e) => [e.type, e.uuid === first.uuid || e.uuid === pm.uuid || e.user === joiner, e.catchup])).toEqual([
        ['message', true, true],
        ['presence', true, true],
        ['message', true, true],
      ]);
      expect(Object.keys(events[0]).sort()).toEqual(DELIVERED_KEYS);
      const live = await send(t, { channel: chan });
      const [next] = await ws.nextEvents(1);
      expect(next).toMatchObject({ uuid: live.uuid, catchup: false });
    });

    it('replays nothing from a channel with store_frames off', async () => {
      const chan = uniq('chan');
      const user = uniq('user');
      const conn = await connect(t, user, [chan], { channel_configs: { [chan]: { store_frames: false } } });
      await send(t, { channel: chan });
      const ws = await WsClient.connectTo(t, conn.conn_id);
      sockets.push(ws);
      await ws.expectOnlySentinel(t, user);
    });

    it('ends the connection once the resume grace has passed after its socket closed: the user parts and the conn_id is forgotten', async () => {
      const chan = uniq('chan');
      const watcher = await listen([chan], { channel_configs: { [chan]: { notify_presence: true } } });
      const leaver = await listen([chan]);
      await watcher.ws.nextEvents(1);
      await attached(t, leaver.conn.conn_id);
      leaver.ws.close();
      await leaver.ws.closed;
      await detached(t, leaver.conn.conn_id);
      await watcher.ws.expectOnlySentinel(t, watcher.username); // still within the grace period: no parted yet
      await t.app.get(LivenessService).expireIdleConnections(Date.now() + t.settings.resume_grace * 1000 + 1);
      const [parted] = await watcher.ws.nextEvents(1);
      expect(parted).toMatchObject({ type: 'presence', user: leaver.username, message: { action: 'parted' } });
      const res = await api(t, 'POST', '/subscribe', { conn_id: leaver.conn.conn_id, channels: ['x'] });
      expect(res.body).toEqual({ conn_id: ['Unknown connection'] });
    });

    it('closes the old socket (4001) when a newer one attaches, keeping the connection', async () => {
      const chan = uniq('chan');
      const { conn, ws } = await listen([chan]);
      const newer = await WsClient.connectTo(t, conn.conn_id);
      sockets.push(newer);
      expect(await ws.closed).toBe(4001);
      const sent = await send(t, { channel: chan });
      expect((await newer.nextEvents(1))[0].uuid).toBe(sent.uuid);
    });

    it('closes the socket on /disconnect (GET or POST)', async () => {
      const a = await listen([uniq('chan')]);
      expect((await api(t, 'POST', '/disconnect', { conn_id: a.conn.conn_id }, { signed: false })).body).toBe(true);
      expect(await a.ws.closed).toBe(4000);
      expect((await api(t, 'POST', '/disconnect', { conn_id: a.conn.conn_id }, { signed: false })).body).toBe(false);
    });

    it.each([
      ['GET without conn_id', 'GET', '/disconnect', undefined, { conn_id: ['Field may not be null.'] }],
      ['POST without conn_id', 'POST', '/disconnect', {}, { conn_id: ['Field may not be null.'] }],
      ['a malformed conn_id', 'GET', '/disconnect?conn_id=nope', undefined, { conn_id: ['Not a valid UUID.'] }],
      ['a non-object body', 'POST', '/disconnect', [1], { _schema: ['Invalid input type.'] }],
    ])('/disconnect answers 422 for %s', async (_, method, url, body, errors) => {
      const res = await api(t, method as 'GET', url, body, { signed: false });
      expect(res.status).toBe(422);
      expect(res.body).toEqual(errors);
    });
  });
});
