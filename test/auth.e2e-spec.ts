import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, sign, SECRET, startApp, uniq, type TestApp } from './helpers';

const BACKEND_CALLS: [string, string, unknown][] = [
  ['POST', '/connect', { username: 'nobody' }],
  ['POST', '/subscribe', { conn_id: '6d7ad7a4-7d51-4b2e-9a53-a0e2b6d2b6a1', channels: ['x'] }],
  ['POST', '/unsubscribe', { conn_id: '6d7ad7a4-7d51-4b2e-9a53-a0e2b6d2b6a1', channels: ['x'] }],
  ['POST', '/user_state', { user: 'nobody', user_state: {} }],
  ['POST', '/message', [{ user: 'u', channel: 'x' }]],
  ['PATCH', '/message', [{ uuid: '6d7ad7a4-7d51-4b2e-9a53-a0e2b6d2b6a1', channel: 'x' }]],
  ['DELETE', '/message', [{ uuid: '6d7ad7a4-7d51-4b2e-9a53-a0e2b6d2b6a1', channel: 'x' }]],
  ['POST', '/channel_config', { x: {} }],
  ['POST', '/info', { info: {} }],
  ['GET', '/info', undefined],
  ['GET', '/admin/admin.json', undefined],
];

describe('Backend signature and address checks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ allow_posting_from: ['127.0.0.1', '10.1.0.0/16'] });
  });
  afterAll(() => t.close());

  it.each(BACKEND_CALLS)('%s %s without a signature is 403', async (method, url, body) => {
    const res = await api(t, method as 'POST', url, body, { signed: false });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/application\/json/);
  });

  it('refuses an empty signature header with 403', async () => {
    const res = await api(t, 'POST', '/connect', { username: uniq() }, { signed: false, headers: { 'x-channelstream-secret': '' } });
    expect(res.status).toBe(403);
  });

  it.each([
    ['garbage', 'not-a-signature'],
    ['another secret', sign('channelstream', `${SECRET}-wrong`)],
    ['older than 60 s', sign('channelstream', SECRET, Math.floor(Date.now() / 1000) - 61)],
    ['from the future', sign('channelstream', SECRET, Math.floor(Date.now() / 1000) + 30)],
    ['tampered value', sign().replace('channelstream', 'channelstreaM')],
  ])('answers 401 Bad Signature for a %s token', async (_, token) => {
    const res = await api(t, 'POST', '/connect', { username: uniq() }, { signed: false, headers: { 'x-channelstream-secret': token } });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ request: 'Bad Signature' });
  });

  it('accepts a 30 s old token, any signed value, and the ?secret= parameter', async () => {
    const old = sign('channelstream', SECRET, Math.floor(Date.now() / 1000) - 30);
    expect((await api(t, 'POST', '/connect', { username: uniq() }, { signed: false, headers: { 'x-channelstream-secret': old } })).status).toBe(200);
    expect((await api(t, 'POST', '/connect', { username: uniq() }, { signed: false, headers: { 'x-channelstream-secret': sign('/connect') } })).status).toBe(200);
    const res = await api(t, 'POST', `/connect?secret=${encodeURIComponent(sign())}`, { username: uniq() }, { signed: false });
    expect(res.status).toBe(200);
  });

  it('refuses a signed call from an address outside allow_posting_from with 403, and allows a CIDR range', async () => {
    const denied = await api(t, 'POST', '/connect', { username: uniq() }, { remoteAddress: '10.2.0.1' });
    expect(denied.status).toBe(403);
    const inRange = await api(t, 'POST', '/connect', { username: uniq() }, { remoteAddress: '10.1.200.7' });
    expect(inRange.status).toBe(200);
    const mapped = await api(t, 'POST', '/connect', { username: uniq() }, { remoteAddress: '::ffff:127.0.0.1' });
    expect(mapped.status).toBe(200);
  });

  it('lets clients call /disconnect from anywhere without a signature, even with a bad one', async () => {
    const res = await api(t, 'GET', '/disconnect?conn_id=6d7ad7a4-7d51-4b2e-9a53-a0e2b6d2b6a1', undefined, {
      signed: false,
      remoteAddress: '192.0.2.1',
      headers: { 'x-channelstream-secret': 'bad' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe(false);
  });
});

describe('validate_requests = false', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ validate_requests: false });
  });
  afterAll(() => t.close());

  it('accepts an old token but still checks the signature', async () => {
    const old = sign('channelstream', SECRET, 1000);
    expect((await api(t, 'POST', '/connect', { username: uniq() }, { signed: false, headers: { 'x-channelstream-secret': old } })).status).toBe(200);
    const forged = sign('channelstream', 'other', 1000);
    expect((await api(t, 'POST', '/connect', { username: uniq() }, { signed: false, headers: { 'x-channelstream-secret': forged } })).status).toBe(401);
  });
});
