import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ChannelstreamApiError,
  ChannelstreamBackend,
  LegacyTimestampSigner,
  type RequestSigner,
  type RequestToSign,
} from '../../packages/server-sdk/src/index.js';
import { ENGINE, SECRET, startApp, uniq, type TestApp } from '../helpers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The error a call rejects with (fails the test when it resolves). */
async function failure(call: Promise<unknown>): Promise<ChannelstreamApiError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(ChannelstreamApiError);
    return error as ChannelstreamApiError;
  }
  throw new Error('the call succeeded');
}

describe('ChannelstreamBackend against the real server', () => {
  let t: TestApp;
  let backend: ChannelstreamBackend;

  beforeAll(async () => {
    t = await startApp({}, true);
    backend = new ChannelstreamBackend({ url: t.url, secret: SECRET });
  });
  afterAll(() => t.close());

  it('connect, subscribe, unsubscribe and disconnect', async () => {
    const [a, b] = [uniq('chan'), uniq('chan')];
    const username = uniq('user');
    const connected = await backend.connect({
      username,
      channels: [b],
      fresh_user_state: { mood: 'fine' },
      state_public_keys: ['mood'],
      channel_configs: { [b]: { store_history: true } },
    });
    expect(connected).toMatchObject({ username, state: { mood: 'fine' }, public_state: { mood: 'fine' }, channels: [b] });
    expect(connected.conn_id).toMatch(UUID);
    expect(connected.channels_info.channels[b]!.settings.store_history).toBe(true);

    const subscribed = await backend.subscribe({ conn_id: connected.conn_id, channels: [a] });
    expect(subscribed.subscribed_to).toEqual([a]);
    expect(subscribed.channels).toEqual([a, b].sort());

    const unsubscribed = await backend.unsubscribe({ conn_id: connected.conn_id, channels: [b] });
    expect(unsubscribed).toMatchObject({ unsubscribed_from: [b], channels: [a] });

    expect(await backend.disconnect(connected.conn_id)).toBe(true);
    expect(await backend.disconnect(connected.conn_id)).toBe(false);
  });

  it('userState', async () => {
    const user = uniq('user');
    await backend.connect({ username: user });
    const answer = await backend.userState({ user, user_state: { status: 'away' }, state_public_keys: ['status'] });
    expect(answer).toEqual({ user_state: { status: 'away' }, changed_state: [{ key: 'status', value: 'away' }], public_keys: ['status'] });
  });

  it('publish, edit and delete, as history shows them', async () => {
    const channel = uniq('chan');
    await backend.channelConfig({ [channel]: { store_history: true } });
    const [published] = await backend.publish([{ user: 'alice', channel, message: { text: 'hello' }, extra: 1 }]);
    expect(published).toMatchObject({ user: 'alice', channel, message: { text: 'hello' }, edited: null, extra: 1, pm_users: [] });
    expect(published!.uuid).toMatch(UUID);

    const [edited] = await backend.edit([{ uuid: published!.uuid, channel, message: { text: 'hello again' } }]);
    expect(edited).toMatchObject({ uuid: published!.uuid, channel, message: { text: 'hello again' } });
    expect(typeof edited!.edited).toBe('string');
    let history = (await backend.info({ channels: [channel] })).channels[channel]!.history;
    expect(history.map((m) => m.message)).toEqual([{ text: 'hello again' }]);

    const [deleted] = await backend.delete([{ uuid: published!.uuid, channel }]);
    expect(deleted).toMatchObject({ uuid: published!.uuid, channel });
    history = (await backend.info({ channels: [channel] })).channels[channel]!.history;
    expect(history).toEqual([]);
  });

  it('channelConfig and info (all channels by GET, chosen ones by POST)', async () => {
    const channel = uniq('chan');
    const configured = await backend.channelConfig({ [channel]: { notify_presence: true, history_size: 3 } });
    expect(configured.channels[channel]!.settings).toMatchObject({ notify_presence: true, history_size: 3, store_history: false });
    const everything = await backend.info();
    expect(Object.keys(everything.channels)).toContain(channel);
    const chosen = await backend.info({ channels: [channel], include_history: false });
    expect(Object.keys(chosen.channels)).toEqual([channel]);
  });

  it('adminJson', async () => {
    const user = uniq('user');
    await backend.connect({ username: user });
    const overview = await backend.adminJson();
    expect(overview).toMatchObject({ engine: ENGINE, version: expect.any(String) });
    expect(overview.users.map((u) => u.user)).toContain(user);
  });

  it('signs through a pluggable signer that sees method, path and body', async () => {
    const seen: RequestToSign[] = [];
    const legacy = new LegacyTimestampSigner(SECRET);
    const recording: RequestSigner = {
      headersFor: (request) => {
        seen.push(request);
        return legacy.headersFor();
      },
    };
    const custom = new ChannelstreamBackend({ url: t.url, signer: recording });
    await custom.connect({ username: 'signed' });
    expect(seen).toEqual([{ method: 'POST', path: '/connect', body: '{"username":"signed"}' }]);
  });

  describe('errors', () => {
    it('422: the field errors, typed', async () => {
      const error = await failure(backend.connect({ channels: ['x'] } as never));
      expect(error).toMatchObject({ status: 422, kind: 'validation', method: 'POST', path: '/connect' });
      expect(error.fieldErrors).toEqual({ username: ['Missing data for required field.'] });
      expect(error.body).toEqual(error.fieldErrors);
    });

    it('422 for a list body: errors keyed by index', async () => {
      const error = await failure(backend.publish([{ user: 'a', channel: 'c' }, { channel: 'c' } as never]));
      expect(error.fieldErrors).toEqual({ 1: { user: ['Missing data for required field.'] } });
    });

    it('422 from the service: unknown connection', async () => {
      const error = await failure(backend.subscribe({ conn_id: '00000000-0000-4000-8000-000000000000', channels: ['x'] }));
      expect(error.fieldErrors).toEqual({ conn_id: ['Unknown connection'] });
    });

    it('401 with a wrong secret', async () => {
      const wrong = new ChannelstreamBackend({ url: t.url, secret: 'not-the-secret' });
      const error = await failure(wrong.info());
      expect(error).toMatchObject({ status: 401, kind: 'bad-signature', body: { request: 'Bad Signature' } });
      expect(error.message).toBe('GET /info answered 401: Bad Signature');
    });

    it('401 with an expired signature', async () => {
      const stale = new ChannelstreamBackend({ url: t.url, signer: new LegacyTimestampSigner(SECRET, { now: () => Date.now() - 120_000 }) });
      expect(await failure(stale.info())).toMatchObject({ status: 401, kind: 'bad-signature' });
    });

    it('403 from an address not allowed to post', async () => {
      const guarded = await startApp({ allow_posting_from: ['10.9.8.7'] }, true);
      try {
        const error = await failure(new ChannelstreamBackend({ url: guarded.url, secret: SECRET }).info());
        expect(error).toMatchObject({ status: 403, kind: 'forbidden', body: { request: 'Address not allowed' } });
      } finally {
        await guarded.close();
      }
    });
  });
});
