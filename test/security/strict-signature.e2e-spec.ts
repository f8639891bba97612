import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { ChannelstreamApiError, ChannelstreamBackend, StrictRequestSigner } from '../../packages/server-sdk/src/index';
import { RejectionsService } from '../../src/common/rejections.service';
import { api, dropRedisPrefix, ENGINE, engineSettings, itOn, SECRET, sign, startApp, uniq, type TestApp } from '../helpers';

const nowMs = () => Date.now();

/** A strictly signed backend call through app.inject; `tamper` changes the request after signing. */
async function strictCall(
  t: TestApp,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body: unknown,
  options: { secret?: string; at?: number; nonce?: string; tamper?: { path?: string; body?: string; method?: 'GET' | 'POST' | 'PATCH' | 'DELETE' } } = {},
) {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const signer = new StrictRequestSigner(options.secret ?? SECRET, {
    now: () => options.at ?? nowMs(),
    ...(options.nonce && { nonce: () => options.nonce! }),
  });
  const headers = { ...signer.headersFor({ method, path, body: text }), ...(text !== undefined && { 'content-type': 'application/json' }) };
  const res = await t.app.inject({
    method: options.tamper?.method ?? method,
    url: options.tamper?.path ?? path,
    headers,
    payload: options.tamper?.body ?? text,
    remoteAddress: '127.0.0.1',
  });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, headers };
}

describe('signature_mode = strict', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(
      { signature_mode: 'strict', previous_secret: 'old-secret', previous_secret_expires: new Date(Date.now() + 3600_000).toISOString() },
      true,
    );
  });
  afterAll(() => t.close());
  const counts = () => t.app.get(RejectionsService).snapshot();

  it('accepts a good signature on every backend endpoint kind (plain route, Nest routes, GET without a body)', async () => {
    const user = uniq();
    expect((await strictCall(t, 'POST', '/connect', { username: user, channels: ['s'] })).status).toBe(200);
    expect((await strictCall(t, 'POST', '/message', [{ user, channel: 's', message: { text: 'hi' } }])).status).toBe(200);
    expect((await strictCall(t, 'GET', '/info', undefined)).status).toBe(200);
    expect((await strictCall(t, 'POST', '/info?x=1', { info: { channels: ['s'] } })).status).toBe(200);
    expect((await strictCall(t, 'GET', '/admin/admin.json', undefined)).status).toBe(200);
  });

  it('refuses a tampered body with 401 bad-signature, and the message is not published', async () => {
    const channel = uniq('c');
    await strictCall(t, 'POST', '/channel_config', { [channel]: { store_history: true } });
    const res = await strictCall(t, 'POST', '/message', [{ user: 'u', channel, message: { amount: 1 } }], {
      tamper: { body: JSON.stringify([{ user: 'u', channel, message: { amount: 1000 } }]) },
    });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ request: 'Bad Signature', reason: 'bad-signature' });
    const info = await strictCall(t, 'POST', '/info', { info: { channels: [channel] } });
    expect(info.body.channels[channel].history).toEqual([]);
  });

  it('refuses a signature made for another path or method with 401', async () => {
    const wrongPath = await strictCall(t, 'POST', '/subscribe', { username: uniq() }, { tamper: { path: '/connect' } });
    expect(wrongPath.status).toBe(401);
    const wrongMethod = await strictCall(t, 'DELETE', '/message', [], { tamper: { method: 'PATCH' } });
    expect(wrongMethod.status).toBe(401);
    const wrongQuery = await strictCall(t, 'POST', '/subscribe?conn_id=a', { channels: ['x'] }, { tamper: { path: '/subscribe?conn_id=b' } });
    expect(wrongQuery.status).toBe(401);
  });

  it('refuses a replayed nonce with 401 replayed, even with a fresh signature', async () => {
    const nonce = `replay-${uniq()}-nonce`;
    expect((await strictCall(t, 'POST', '/connect', { username: uniq() }, { nonce })).status).toBe(200);
    const again = await strictCall(t, 'POST', '/connect', { username: uniq() }, { nonce });
    expect(again.status).toBe(401);
    expect(again.body).toEqual({ request: 'Bad Signature', reason: 'replayed' });
    expect(counts().signature_replayed).toBe(1);
  });

  it('refuses a timestamp older or newer than signature_max_age with 401 expired', async () => {
    const old = await strictCall(t, 'POST', '/connect', { username: uniq() }, { at: nowMs() - 61_000 });
    expect(old.body).toEqual({ request: 'Bad Signature', reason: 'expired' });
    const future = await strictCall(t, 'POST', '/connect', { username: uniq() }, { at: nowMs() + 61_000 });
    expect(future.status).toBe(401);
    expect((await strictCall(t, 'POST', '/connect', { username: uniq() }, { at: nowMs() - 50_000 })).status).toBe(200);
  });

  it('accepts the previous secret while it has not expired (key rotation), and refuses any other', async () => {
    expect((await strictCall(t, 'POST', '/connect', { username: uniq() }, { secret: 'old-secret' })).status).toBe(200);
    expect((await strictCall(t, 'POST', '/connect', { username: uniq() }, { secret: 'other-secret' })).status).toBe(401);
  });

  it('refuses the legacy token (403 missing signature) and malformed strict headers (401)', async () => {
    const legacy = await api(t, 'POST', '/connect', { username: uniq() }, { headers: { 'x-channelstream-secret': sign() } });
    expect(legacy.status).toBe(403);
    expect(legacy.body).toEqual({ request: 'Missing signature' });
    const malformed = await api(t, 'POST', '/connect', { username: uniq() }, {
      signed: false,
      headers: { 'x-channelstream-signature': 'v1=abc', 'x-channelstream-timestamp': '1', 'x-channelstream-nonce': 'n' },
    });
    expect(malformed.status).toBe(401);
    expect(malformed.body.reason).toBe('malformed');
  });

  it('works through the Node SDK with signatureMode: strict', async () => {
    const sdk = new ChannelstreamBackend({ url: t.url, secret: SECRET, signatureMode: 'strict' });
    const { conn_id } = await sdk.connect({ username: uniq(), channels: ['sdk'] });
    expect(conn_id).toMatch(/^[0-9a-f-]{36}$/);
    await expect(sdk.publish([{ user: 'x', channel: 'sdk', message: { a: 1 } }])).resolves.toHaveLength(1);
    const wrong = new ChannelstreamBackend({ url: t.url, secret: 'nope', signatureMode: 'strict' });
    await expect(wrong.info()).rejects.toBeInstanceOf(ChannelstreamApiError);
  });

  const pythonReady = spawnSync('python3', ['-c', 'import requests'], { stdio: 'ignore' }).status === 0;
  (pythonReady ? it : it.skip)("works with the README's Python snippet", async () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /```python\n((?:(?!```)[\s\S])*def strict_headers(?:(?!```)[\s\S])*)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const script = `${block!.replaceAll('http://127.0.0.1:8000', t.url).replaceAll('"secret"', JSON.stringify(SECRET))}\nprint("STATUS", resp.status_code)\n`;
    const { stdout } = await promisify(execFile)('python3', ['-c', script], { timeout: 15_000 });
    expect(stdout).toContain('STATUS 200');
  });
});

describe('signature_mode = strict with an expired previous secret', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ signature_mode: 'strict', previous_secret: 'old-secret', previous_secret_expires: new Date(Date.now() - 1000).toISOString() });
  });
  afterAll(() => t.close());

  it('refuses the previous secret once it expired, and takes the current one', async () => {
    expect((await strictCall(t, 'POST', '/connect', { username: uniq() }, { secret: 'old-secret' })).status).toBe(401);
    expect((await strictCall(t, 'POST', '/connect', { username: uniq() })).status).toBe(200);
  });
});

describe('legacy mode with a rotated key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ previous_secret: 'old-secret', previous_secret_expires: new Date(Date.now() + 3600_000).toISOString() });
  });
  afterAll(() => t.close());

  it('accepts tokens of the current and the previous secret, not of another', async () => {
    for (const [secret, status] of [[SECRET, 200], ['old-secret', 200], ['other', 401]] as const) {
      const res = await api(t, 'POST', '/connect', { username: uniq() }, { signed: false, headers: { 'x-channelstream-secret': sign('channelstream', secret) } });
      expect(res.status).toBe(status);
    }
  });
});

describe('signature_mode = strict on two nodes sharing one Redis', () => {
  const prefix = `csstrict:${uniq('p')}:`;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    if (ENGINE !== 'redis') return;
    a = await startApp({ signature_mode: 'strict', ...engineSettings(prefix) });
    b = await startApp({ signature_mode: 'strict', ...engineSettings(prefix) });
  });
  afterAll(async () => {
    if (ENGINE !== 'redis') return;
    await a.close();
    await b.close();
    await dropRedisPrefix(prefix);
  });

  itOn('redis')('refuses on one node a request already accepted by the other (the nonce is shared)', async () => {
    const nonce = `shared-${uniq()}-nonce`;
    expect((await strictCall(a, 'POST', '/connect', { username: uniq() }, { nonce })).status).toBe(200);
    const replay = await strictCall(b, 'POST', '/connect', { username: uniq() }, { nonce });
    expect(replay.body).toEqual({ request: 'Bad Signature', reason: 'replayed' });
  });
});
