import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LoadSamplerService } from '../src/admin/load-sampler.service';
import { PanelAssets } from '../src/admin/panel-assets';
import { api, connect, ENGINE, ok, SECRET, send, startApp, uniq, type TestApp } from './helpers';

const COOKIE_SECRET = 'cookie-secret-for-admin-tests';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';

describe('Admin and API explorer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ admin_user: 'boss', admin_secret: 'hunter2', cookie_secret: COOKIE_SECRET });
  });
  afterAll(() => t.close());

  const signIn = async (username: string, password: string, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
    t.app.inject({
      method: 'POST',
      url: '/admin/sign_in',
      headers: { 'content-type': FORM, ...headers },
      payload: form({ username, password }),
      remoteAddress,
    });

  const sessionCookie = async (headers: Record<string, string> = {}) => {
    const res = await signIn('boss', 'hunter2', headers);
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
      expect(data.users).toContainEqual({ user, state: { a: 1 }, connections: [expect.any(String)], channels: [chan] });
    }
    expect((await api(t, 'GET', '/admin/admin.json', undefined, { signed: false })).status).toBe(403);
  });

  describe('panel', () => {
    it('serves the panel shell with strict security headers, navigation, the API explorer link and a sign-out form', async () => {
      const cookie = await sessionCookie();
      const res = await t.app.inject({ method: 'GET', url: '/admin', headers: { cookie } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toContain('<script type="module" src="/admin/assets/panel.js">');
      expect(res.body).toContain('href="/api-explorer"');
      expect(res.body).toMatch(/<form method="post" action="\/admin\/sign_out"[\s\S]*name="csrf_token" value="[\w-]{43}"/);
      expect(res.body).not.toMatch(/<script>|https?:\/\//); // no inline code, nothing from the internet
    });

    it('serves its scripts only to a signed-in admin, the stylesheet to anyone, with ETags', async () => {
      const cookie = await sessionCookie();
      expect((await t.app.inject({ method: 'GET', url: '/admin/assets/panel.js' })).statusCode).toBe(401);
      const script = await t.app.inject({ method: 'GET', url: '/admin/assets/panel.js', headers: { cookie } });
      expect(script.statusCode).toBe(200);
      expect(script.headers['content-type']).toMatch(/^text\/javascript/);
      const css = await t.app.inject({ method: 'GET', url: '/admin/assets/admin.css' });
      expect(css.statusCode).toBe(200);
      expect(css.headers['content-type']).toMatch(/^text\/css/);
      const again = await t.app.inject({ method: 'GET', url: '/admin/assets/admin.css', headers: { 'if-none-match': String(css.headers.etag) } });
      expect(again.statusCode).toBe(304);
      for (const url of ['/admin/assets/nope.js', '/admin/assets/..%2Fadmin.controller.ts', '/admin/assets/%2e%2e%2fadmin.css']) {
        expect((await t.app.inject({ method: 'GET', url, headers: { cookie } })).statusCode).toBe(404);
      }
    });

    it('never sends a configured secret to the browser', async () => {
      const cookie = await sessionCookie();
      await connect(t, uniq('user'), [uniq('chan')]);
      await t.app.get(LoadSamplerService).sample();
      const urls = [
        '/admin',
        '/admin/sign_in',
        '/admin/sign_in?signed_out=1',
        '/admin/admin.json',
        '/admin/load.json',
        ...t.app.get(PanelAssets).names().map((name) => `/admin/assets/${name}`),
      ];
      const bodies = await Promise.all(urls.map(async (url) => (await t.app.inject({ method: 'GET', url, headers: { cookie } })).body));
      bodies.push((await signIn('boss', 'wrong-password', {}, '10.9.9.9')).body);
      bodies.push((await t.app.inject({ method: 'GET', url: '/admin/sign_out', headers: { 'sec-fetch-site': 'cross-site' } })).body);
      for (const body of bodies) {
        for (const secret of [SECRET, 'hunter2', COOKIE_SECRET]) expect(body).not.toContain(secret);
      }
    });

    it('reports the load of the last minutes in load.json (admin session or signature)', async () => {
      const cookie = await sessionCookie();
      const sampler = t.app.get(LoadSamplerService);
      await sampler.sample();
      await send(t, { channel: uniq('chan') });
      await sampler.sample(Date.now() + 1000);
      const res = await t.app.inject({ method: 'GET', url: '/admin/load.json', headers: { cookie } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const load = JSON.parse(res.body);
      expect(load).toMatchObject({ now: expect.any(Number), interval_ms: 2000 });
      expect(load.points.at(-1)).toEqual({ at: expect.any(Number), connections: expect.any(Number), messages_per_second: expect.any(Number), delivered_per_second: expect.any(Number) });
      const later = await ok(t, 'GET', `/admin/load.json?since=${load.points.at(-1).at}`);
      expect(later.points).toEqual([]);
      expect((await api(t, 'GET', '/admin/load.json', undefined, { signed: false })).status).toBe(403);
    });
  });

  describe('sign-in security', () => {
    it('refuses a sign-in form posted from another site with a clear 403 page', async () => {
      for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }] as Record<string, string>[]) {
        const res = await signIn('boss', 'hunter2', headers);
        expect(res.statusCode).toBe(403);
        expect(res.body).toContain('Sign-in refused: the form was sent from another site');
        expect(res.headers['set-cookie']).toBeUndefined();
      }
    });

    it('accepts a sign-in from its own page', async () => {
      const res = await signIn('boss', 'hunter2', { origin: 'http://localhost:80', host: 'localhost:80', 'sec-fetch-site': 'same-origin' });
      expect(res.statusCode).toBe(302);
    });

    it('marks the cookie Secure behind an HTTPS proxy', async () => {
      const res = await signIn('boss', 'hunter2', { 'x-forwarded-proto': 'https' });
      expect(String(res.headers['set-cookie'])).toMatch(/; Secure/i);
      expect(String((await signIn('boss', 'hunter2')).headers['set-cookie'])).not.toMatch(/; Secure/i);
    });

    it('keeps the user name after a failed sign-in, never the password', async () => {
      const res = await signIn('boss<b>', 'not-it', {}, '10.9.9.8');
      expect(res.statusCode).toBe(401);
      expect(res.body).toContain('value="boss&lt;b&gt;"');
      expect(res.body).not.toContain('not-it');
    });

    it('doubles the delay on repeated failures from one address and refuses attempts in between (429)', async () => {
      const address = '10.9.9.7';
      await signIn('boss', 'wrong', {}, address); // 0.5 s
      const started = Date.now();
      const second = signIn('boss', 'wrong', {}, address); // held 1 s
      await new Promise((resolve) => setTimeout(resolve, 100));
      const meanwhile = await signIn('boss', 'hunter2', {}, address);
      expect(meanwhile.statusCode).toBe(429);
      expect(Number(meanwhile.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(meanwhile.body).toContain('Too many failed sign-ins');
      expect(meanwhile.headers['set-cookie']).toBeUndefined();
      expect((await second).statusCode).toBe(401);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      // another address is not slowed down
      expect((await signIn('boss', 'hunter2', {}, '10.9.9.6')).statusCode).toBe(302);
      // once the answer is due, the right password works and clears the count
      expect((await signIn('boss', 'hunter2', {}, address)).statusCode).toBe(302);
      const afterReset = Date.now();
      await signIn('boss', 'wrong', {}, address);
      expect(Date.now() - afterReset).toBeLessThan(900);
    });

    it('sends a signed-in admin from the sign-in page to the panel, and says when they signed out', async () => {
      const cookie = await sessionCookie();
      const res = await t.app.inject({ method: 'GET', url: '/admin/sign_in', headers: { cookie } });
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/admin');
      const notice = await t.app.inject({ method: 'GET', url: '/admin/sign_in?signed_out=1' });
      expect(notice.body).toContain('You are signed out.');
    });
  });

  describe('sign-out security', () => {
    const tokenOf = async (cookie: string) => {
      const panel = await t.app.inject({ method: 'GET', url: '/admin', headers: { cookie } });
      return /name="csrf_token" value="([^"]+)"/.exec(panel.body)![1];
    };
    const signOut = (cookie: string, fields: Record<string, string>, headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/admin/sign_out', headers: { cookie, 'content-type': FORM, ...headers }, payload: form(fields) });
    const stillSignedIn = async (cookie: string) => (await t.app.inject({ method: 'GET', url: '/admin', headers: { cookie } })).statusCode === 200;
    const sameOrigin = { origin: 'http://localhost:80', host: 'localhost:80', 'sec-fetch-site': 'same-origin' };

    it('signs out through the panel form (same origin, with its token)', async () => {
      const cookie = await sessionCookie();
      const res = await signOut(cookie, { csrf_token: await tokenOf(cookie) }, sameOrigin);
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/admin/sign_in?signed_out=1');
      expect(String(res.headers['set-cookie'])).toMatch(/channelstream_admin=;/);
    });

    it('refuses a sign-out posted from another site', async () => {
      const cookie = await sessionCookie();
      const res = await signOut(cookie, { csrf_token: await tokenOf(cookie) }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('Sign-out refused');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(await stillSignedIn(cookie)).toBe(true);
    });

    it('refuses a browser sign-out without the token of this session', async () => {
      const cookie = await sessionCookie();
      await new Promise((resolve) => setTimeout(resolve, 5)); // another expiry: another session
      const other = await sessionCookie();
      expect(other).not.toBe(cookie);
      for (const fields of [{}, { csrf_token: 'forged' }, { csrf_token: await tokenOf(other) }] as Record<string, string>[]) {
        expect((await signOut(cookie, fields, sameOrigin)).statusCode).toBe(403);
      }
      expect(await stillSignedIn(cookie)).toBe(true);
    });

    it('only offers a confirmation page for a sign-out link on another site', async () => {
      const cookie = await sessionCookie();
      const res = await t.app.inject({ method: 'GET', url: '/admin/sign_out', headers: { cookie, 'sec-fetch-site': 'cross-site' } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('href="/admin/sign_out"');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(await stillSignedIn(cookie)).toBe(true);
    });

    it('locks the panel, admin.json and the API explorer once signed out', async () => {
      const cookie = await sessionCookie();
      await signOut(cookie, { csrf_token: await tokenOf(cookie) }, sameOrigin);
      // the browser has dropped the cookie; a copy kept elsewhere would still verify until it expires
      for (const url of ['/admin', '/api-explorer']) {
        const res = await t.app.inject({ method: 'GET', url });
        expect(res.statusCode).toBe(302);
        expect(res.headers.location).toBe('/admin/sign_in');
      }
      expect((await api(t, 'GET', '/admin/admin.json', undefined, { signed: false })).status).toBe(403);
      expect((await t.app.inject({ method: 'GET', url: '/admin/assets/panel.js' })).statusCode).toBe(401);
    });
  });
});
