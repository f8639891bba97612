import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, connect, ENGINE, ok, send, startApp, uniq, type TestApp } from './helpers';

describe('Admin and API explorer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ admin_user: 'boss', admin_secret: 'hunter2' });
  });
  afterAll(() => t.close());

  const signIn = async (username: string, password: string) =>
    t.app.inject({
      method: 'POST',
      url: '/admin/sign_in',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ username, password }).toString(),
    });

  const sessionCookie = async () => {
    const res = await signIn('boss', 'hunter2');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/admin');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    return setCookie.split(';')[0];
  };

  it('redirects /admin and /api-explorer to the sign-in page without a session', async () => {
    for (const url of ['/admin', '/api-explorer', '/api-explorer/openapi.json']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/admin/sign_in');
    }
    const form = await t.app.inject({ method: 'GET', url: '/admin/sign_in' });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<form');
  });

  it('refuses wrong credentials after a delay, with the form and an error', async () => {
    const started = Date.now();
    const res = await signIn('boss', 'wrong');
    expect(res.statusCode).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(res.body).toContain('Wrong user name or password');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('signs in, serves the panel, admin.json and the API explorer, then signs out', async () => {
    const cookie = await sessionCookie();
    const panel = await t.app.inject({ method: 'GET', url: '/admin', headers: { cookie } });
    expect(panel.statusCode).toBe(200);
    const explorer = await t.app.inject({ method: 'GET', url: '/api-explorer', headers: { cookie } });
    expect([200, 301, 302]).toContain(explorer.statusCode);
    const doc = await t.app.inject({ method: 'GET', url: '/api-explorer/openapi.json', headers: { cookie } });
    expect(doc.statusCode).toBe(200);
    const spec = JSON.parse(doc.body);
    expect(spec.components.securitySchemes['channelstream-signature']).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-channelstream-secret' });
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/connect', '/subscribe', '/unsubscribe', '/user_state', '/message', '/channel_config', '/info', '/listen', '/disconnect', '/admin/admin.json']));
    expect(spec.components.schemas.ConnectDto.properties.username.description).toBeTruthy();
    const json = await t.app.inject({ method: 'GET', url: '/admin/admin.json', headers: { cookie } });
    expect(json.statusCode).toBe(200);
    const out = await t.app.inject({ method: 'GET', url: '/admin/sign_out', headers: { cookie } });
    expect(out.statusCode).toBe(302);
    expect(String(out.headers['set-cookie'])).toMatch(/channelstream_admin=;/);
  });

  it('refuses a forged session cookie', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/admin', headers: { cookie: `channelstream_admin=boss|${Date.now() + 1e9}` } });
    expect(res.statusCode).toBe(302);
  });

  it('serves admin.json to a signed backend call with server figures', async () => {
    const chan = uniq('chan');
    const user = uniq('user');
    await connect(t, user, [chan], { fresh_user_state: { a: 1 }, state_public_keys: ['a'] });
    await send(t, { channel: chan });
    for (const method of ['GET', 'POST'] as const) {
      const data = await ok(t, method, '/admin/admin.json');
      expect(data).toMatchObject({ engine: ENGINE, nodes: [expect.objectContaining({ connections: expect.any(Number) })], version: expect.any(String), uptime: expect.stringMatching(/^\d+:\d\d:\d\d$/) });
      expect(data.total_unique_messages).toBeGreaterThanOrEqual(1);
      expect(data.total_connections).toBeGreaterThanOrEqual(1);
      expect(data.channels[chan].users).toEqual([user]);
      expect(data.users).toContainEqual({ user, state: { a: 1 }, connections: [expect.any(String)] });
    }
    expect((await api(t, 'GET', '/admin/admin.json', undefined, { signed: false })).status).toBe(403);
  });
});
