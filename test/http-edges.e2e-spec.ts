import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, ENGINE, startApp, uniq, type TestApp } from './helpers';

describe('HTTP edges: bad bodies, CORS, health', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ allow_cors: ['https://app.example.com'] });
  });
  afterAll(() => t.close());

  it.each([
    ['malformed JSON', '{"username": ', 'application/json'],
    ['a prototype-poisoning key', '{"username": "u", "__proto__": {"x": 1}}', 'application/json'],
    ['JSON sent as text/plain that is not JSON', 'username=u', 'text/plain'],
  ])('answers 422 with a JSON body for %s', async (_, raw, type) => {
    const res = await api(t, 'POST', '/connect', undefined, { raw, headers: { 'content-type': type } });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body)).toEqual(['_schema']);
  });

  it('reads a JSON body sent without a JSON content type, as the original did', async () => {
    const res = await api(t, 'POST', '/connect', undefined, { raw: JSON.stringify({ username: uniq() }), headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(200);
  });

  it('treats an empty JSON body as no body', async () => {
    const res = await api(t, 'POST', '/connect', undefined, { raw: '', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ username: ['Missing data for required field.'] });
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await api(t, 'POST', '/message', [{ user: 'u', channel: 'c', message: { big: 'x'.repeat(1_100_000) } }]);
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ request: 'Request body is too large' });
  });

  it('answers 404 with a JSON body for unknown routes and GET /connect', async () => {
    for (const url of ['/nope', '/connect']) {
      const res = await api(t, 'GET', url);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/json/);
    }
  });

  it('answers CORS preflight on any path and matches allow_cors exactly', async () => {
    const pre = await t.app.inject({ method: 'OPTIONS', url: '/anything/at/all', headers: { origin: 'https://app.example.com' } });
    expect(pre.statusCode).toBe(200);
    expect(pre.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(pre.headers['access-control-allow-methods']).toContain('PATCH');
    const lookalike = await t.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://app.example.com.evil.io' } });
    expect(lookalike.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('reports health and readiness', async () => {
    expect((await api(t, 'GET', '/healthz', undefined, { signed: false })).body).toEqual({ status: 'ok' });
    expect((await api(t, 'GET', '/readyz', undefined, { signed: false })).body).toEqual({ status: 'ready', engine: ENGINE });
  });
});

describe('enforce_https', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ enforce_https: true });
  });
  afterAll(() => t.close());

  it('answers 406 to plain HTTP and serves requests forwarded as HTTPS', async () => {
    expect((await api(t, 'GET', '/healthz')).status).toBe(406);
    expect((await api(t, 'GET', '/healthz', undefined, { headers: { 'x-forwarded-proto': 'https' } })).status).toBe(200);
  });
});
