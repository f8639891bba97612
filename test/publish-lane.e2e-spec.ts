import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, sign, startApp, uniq, type TestApp } from './helpers';

/**
 * POST /message over the network is served by the publish lane (a lean
 * Fastify instance beside the application); app.inject reaches the same
 * route on the application instance. Both must answer alike, bad inputs
 * included.
 */
describe('POST /message over the network (publish lane)', () => {
  let t: TestApp;
  const channel = uniq('lane');

  beforeAll(async () => {
    t = await startApp({ max_body_size: 2048, max_messages_per_request: 3, allow_cors: ['https://app.example'] }, true);
    await api(t, 'POST', '/channel_config', { [channel]: { store_history: true } });
  });
  afterAll(() => t.close());

  async function overNetwork(raw: string | undefined, headers: Record<string, string>) {
    const res = await fetch(`${t.url}/message`, { method: 'POST', headers, body: raw });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, body, headers: Object.fromEntries(res.headers) };
  }

  // generated fields differ between two publishes of the same item
  const stable = (body: unknown) =>
    Array.isArray(body) ? body.map((m: Record<string, unknown>) => ({ ...m, uuid: typeof m.uuid, timestamp: typeof m.timestamp })) : body;

  const signed = () => ({ 'x-channelstream-secret': sign(), 'content-type': 'application/json' });
  const cases: [string, () => { raw?: string; headers: Record<string, string> }][] = [
    ['a message', () => ({ raw: JSON.stringify([{ user: 'u', channel, message: { text: 'hi' }, extra_key: 1 }]), headers: signed() })],
    ['a private message', () => ({ raw: JSON.stringify([{ user: 'u', pm_users: ['p'], message: {} }]), headers: signed() })],
    ['no signature', () => ({ raw: '[]', headers: { 'content-type': 'application/json' } })],
    ['a forged signature', () => ({ raw: '[]', headers: { 'x-channelstream-secret': 'channelstream.AAAAAA.forged', 'content-type': 'application/json' } })],
    ['a signature in the query string', () => ({ raw: '[]', headers: { 'content-type': 'application/json' } })],
    ['broken JSON', () => ({ raw: '[{"user": ', headers: signed() })],
    ['an item without user', () => ({ raw: JSON.stringify([{ channel, message: {} }]), headers: signed() })],
    ['a non-object message', () => ({ raw: JSON.stringify([{ user: 'u', channel, message: 'text' }]), headers: signed() })],
    ['too many items', () => ({ raw: JSON.stringify(Array.from({ length: 4 }, () => ({ user: 'u', channel, message: {} }))), headers: signed() })],
    ['a body over max_body_size', () => ({ raw: JSON.stringify([{ user: 'u', channel, message: { pad: 'x'.repeat(4096) } }]), headers: signed() })],
    ['an object, not a list', () => ({ raw: JSON.stringify({ user: 'u', channel, message: {} }), headers: signed() })],
    ['a prototype-poisoning key', () => ({ raw: '[{"user": "u", "channel": "c", "message": {"__proto__": {"x": 1}}}]', headers: signed() })],
    ['text/plain JSON', () => ({ raw: JSON.stringify([{ user: 'u', channel, message: {} }]), headers: { ...signed(), 'content-type': 'text/plain' } })],
  ];

  it.each(cases)('answers %s as the application does', async (name, make) => {
    const { raw, headers } = make();
    const query = name === 'a signature in the query string' ? `?secret=${encodeURIComponent(sign())}` : '';
    const viaLane = query
      ? await fetch(`${t.url}/message${query}`, { method: 'POST', headers, body: raw }).then(async (r) => ({ status: r.status, body: JSON.parse(await r.text()) }))
      : await overNetwork(raw, headers);
    const viaApp = await t.app.inject({ method: 'POST', url: `/message${query}`, headers, payload: raw });
    expect({ status: viaLane.status, body: stable(viaLane.body) }).toEqual({ status: viaApp.statusCode, body: stable(JSON.parse(viaApp.body)) });
    expect(viaLane.status).toBeLessThan(500);
  });

  it('sends the CORS headers, echoing an allowed origin only', async () => {
    const allowed = await overNetwork('[]', { ...signed(), origin: 'https://app.example' });
    expect(allowed.headers).toMatchObject({ 'access-control-allow-origin': 'https://app.example', vary: 'Origin', 'content-type': 'application/json; charset=utf-8' });
    const other = await overNetwork('[]', { ...signed(), origin: 'https://evil.example' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    // a backend's call (no Origin) gets them too, as from the original, which sends them on every answer
    const backend = await overNetwork('[]', signed());
    expect(backend.headers).toMatchObject({ xdomainrequestallowed: '1', 'access-control-allow-methods': 'GET, POST, OPTIONS, PUT, DELETE, PATCH', 'access-control-max-age': '86400' });
  });

  it('is counted in the HTTP metrics under its route, refusals included', async () => {
    const count = async (status: number) => {
      const text = (await api(t, 'GET', '/metrics')).text;
      const line = text.split('\n').find((l) => l.startsWith('channelstream_http_requests_total{') && l.includes('route="/message"') && l.includes(`status="${status}"`));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    const [ok, refused] = [await count(200), await count(403)];
    await overNetwork('[]', signed());
    await overNetwork('[]', { 'content-type': 'application/json' });
    expect([await count(200), await count(403)]).toEqual([ok + 1, refused + 1]);
  });

  it('counts and times the answers given before its route runs (a body too large, broken JSON)', async () => {
    const metric = async (prefix: string, status?: number) => {
      const text = (await api(t, 'GET', '/metrics')).text;
      const line = text.split('\n').find((l) => l.startsWith(prefix) && l.includes('route="/message"') && (status === undefined || l.includes(`status="${status}"`)));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    const before = [await metric('channelstream_http_requests_total{', 413), await metric('channelstream_http_requests_total{', 422), await metric('channelstream_http_request_duration_seconds_count{')];
    const tooLarge = await overNetwork(JSON.stringify([{ user: 'u', channel, message: { pad: 'x'.repeat(4096) } }]), signed());
    const broken = await overNetwork('[{"user": ', signed());
    expect([tooLarge.status, broken.status]).toEqual([413, 422]);
    // the policy headers are on them too
    expect(tooLarge.headers).toMatchObject({ xdomainrequestallowed: '1', 'access-control-max-age': '86400' });
    const after = [await metric('channelstream_http_requests_total{', 413), await metric('channelstream_http_requests_total{', 422), await metric('channelstream_http_request_duration_seconds_count{')];
    expect(after).toEqual([before[0] + 1, before[1] + 1, before[2] + 2]);
  });

  it('answers the common publish (its item echoed, src/messages/publish-answer.ts) as JSON with every default filled in', async () => {
    const raw = `[ {"user": "u", "channel": "${channel}", "message": {"text": "caf\\u00e9 😀", "n": 1.5E3}, "extra_key": [1]} ]`;
    const res = await overNetwork(raw, signed());
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const [accepted] = res.body as Array<Record<string, unknown>>;
    expect(accepted).toEqual({
      user: 'u',
      channel,
      message: { text: 'café 😀', n: 1500 },
      extra_key: [1],
      pm_users: [],
      exclude_users: [],
      no_history: false,
      uuid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/),
      edited: null,
    });
  });

  it('delivers what it accepts (the lane publishes through the same engine)', async () => {
    const res = await overNetwork(JSON.stringify([{ user: 'u', channel, message: { text: 'kept' } }]), signed());
    expect(res.status).toBe(200);
    const info = await api(t, 'POST', '/info', { info: { channels: [channel], include_history: true } });
    expect(info.body.channels[channel].history.map((m: { message: unknown }) => m.message)).toContainEqual({ text: 'kept' });
  });
});

describe('POST /message over the network with enforce_https', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ enforce_https: true, allow_cors: ['https://app.example'] }, true);
  });
  afterAll(() => t.close());

  const publish = (headers: Record<string, string>) =>
    fetch(`${t.url}/message`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '[]' });

  it('refuses plain HTTP with 406 before the signature, with the policy headers, as the application does', async () => {
    const res = await publish({ origin: 'https://app.example' });
    expect(res.status).toBe(406);
    expect(await res.json()).toEqual({ request: 'SSL is required' });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const viaApp = await t.app.inject({ method: 'POST', url: '/message', headers: { 'content-type': 'application/json' }, payload: '[]' });
    expect([viaApp.statusCode, JSON.parse(viaApp.body)]).toEqual([406, { request: 'SSL is required' }]);
  });

  it('serves a request forwarded as HTTPS', async () => {
    const res = await publish({ 'x-forwarded-proto': 'https', 'x-channelstream-secret': sign() });
    expect([res.status, await res.json()]).toEqual([200, []]);
  });
});
