import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { StrictRequestSigner } from '../../packages/server-sdk/src/index';
import { createApp } from '../../src/app.setup';
import { TimestampSigner } from '../../src/auth/timestamp-signer';
import { Settings } from '../../src/config/settings';
import type { LogLevel } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

const SECRET = 'sup3r-secret-value-4711';
const ADMIN_SECRET = 'adm1n-secret-value-4712';
const BODY_MARKER = 'message-body-marker-4713';

/** Boots the app at info level with every log line captured (pino's stream, whatever the format). */
async function bootCapturing(overrides: object, levels: LogLevel[] = ['log', 'warn', 'error', 'fatal']): Promise<{ app: NestFastifyApplication; lines: string[] }> {
  process.env.CHANNELSTREAM_LOG_FORMAT = 'json'; // no pretty-printing worker thread: lines go through the stream below
  const settings = Settings.load({ overrides: { secret: SECRET, admin_secret: ADMIN_SECRET, cookie_secret: 'c'.repeat(32), ...overrides } });
  const app = await createApp(settings, levels);
  const lines: string[] = [];
  const log = app.getHttpAdapter().getInstance().log as unknown as Record<symbol, { write(chunk: string): void }>;
  log[pino.symbols.streamSym] = { write: (chunk: string) => void lines.push(String(chunk)) };
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, lines };
}

describe('Logs at info level', () => {
  const runs: { mode: string; lines: string[]; tokens: string[] }[] = [];
  let apps: NestFastifyApplication[] = [];

  beforeAll(async () => {
    for (const mode of ['legacy', 'strict'] as const) {
      const { app, lines } = await bootCapturing({ signature_mode: mode });
      apps.push(app);
      const tokens: string[] = [];
      const body = JSON.stringify([{ user: 'u', channel: 'c', message: { text: BODY_MARKER } }]);
      const strict = new StrictRequestSigner(SECRET).headersFor({ method: 'POST', path: '/message', body });
      tokens.push(strict['x-channelstream-signature']!);
      const legacy = new TimestampSigner(SECRET).sign('channelstream', Math.floor(Date.now() / 1000));
      tokens.push(legacy);
      const headersList = [{ 'x-channelstream-secret': legacy }, strict, { 'x-channelstream-secret': 'forged.token.value-4714' }];
      for (const headers of headersList) {
        await app.inject({ method: 'POST', url: '/message', headers: { ...headers, 'content-type': 'application/json' }, payload: body });
        await app.inject({ method: 'POST', url: `/connect?secret=${encodeURIComponent(legacy)}`, headers: { 'content-type': 'application/json' }, payload: { username: BODY_MARKER } });
        await app.inject({ method: 'POST', url: '/message', headers, remoteAddress: '203.0.113.1', payload: body });
      }
      await app.inject({ method: 'POST', url: '/admin/sign_in', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `username=admin&password=${ADMIN_SECRET}` });
      runs.push({ mode, lines, tokens: [...tokens, 'forged.token.value-4714'] });
    }
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    apps = [];
    delete process.env.CHANNELSTREAM_LOG_FORMAT;
  });

  it('captured the refusals (so the check below is not vacuous)', () => {
    for (const run of runs) expect(run.lines.join('\n')).toContain('refused');
  });

  it('never hold a secret, a signature or token, or a message body', () => {
    for (const run of runs) {
      const text = run.lines.join('\n');
      for (const needle of [SECRET, ADMIN_SECRET, BODY_MARKER, ...run.tokens, ...run.tokens.map(encodeURIComponent)]) {
        expect({ mode: run.mode, leaked: text.includes(needle) ? needle : undefined }).toEqual({ mode: run.mode, leaked: undefined });
      }
    }
  });
});

describe('Request ids on log lines', () => {
  const parsed = (lines: string[]) => lines.map((l) => JSON.parse(l) as { msg?: string; reqId?: string; level: number });

  it('at info level, a refusal written while handling a request names its id (x-request-id honoured)', async () => {
    const { app, lines } = await bootCapturing({});
    try {
      await app.inject({ method: 'POST', url: '/message', headers: { 'x-channelstream-secret': 'forged.token.value', 'x-request-id': 'trace-4715' }, payload: [] });
      const refusal = parsed(lines).find((l) => l.msg?.includes('refused'));
      expect(refusal).toMatchObject({ reqId: 'trace-4715', msg: expect.stringContaining('bad-signature signature') });
    } finally {
      await app.close();
    }
  });

  it('at debug level, a service line written while handling a request carries its id', async () => {
    const { app, lines } = await bootCapturing({ log_level: 'debug' }, ['log', 'warn', 'error', 'fatal', 'debug', 'verbose']);
    try {
      const legacy = new TimestampSigner(SECRET).sign('channelstream', Math.floor(Date.now() / 1000));
      await app.inject({ method: 'POST', url: '/connect', headers: { 'x-channelstream-secret': legacy, 'x-request-id': 'trace-4716' }, payload: { username: 'debugged' } });
      const connected = parsed(lines).find((l) => l.msg?.startsWith('connected debugged'));
      expect(connected).toMatchObject({ reqId: 'trace-4716' });
    } finally {
      await app.close();
    }
  });

  it('at debug level, a publish over the network is logged as every request is (it takes the application, not the lane)', async () => {
    const { app, lines } = await bootCapturing({ log_level: 'debug' }, ['log', 'warn', 'error', 'fatal', 'debug', 'verbose']);
    try {
      await app.listen(0, '127.0.0.1');
      const legacy = new TimestampSigner(SECRET).sign('channelstream', Math.floor(Date.now() / 1000));
      const res = await fetch(`${await app.getUrl()}/message`, { method: 'POST', headers: { 'x-channelstream-secret': legacy, 'x-request-id': 'trace-4717', 'content-type': 'application/json' }, body: '[]' });
      expect(res.status).toBe(200);
      expect(parsed(lines).find((l) => l.msg === 'request' && l.reqId === 'trace-4717')).toMatchObject({ url: '/message', status: 200 });
    } finally {
      await app.close();
    }
  });
});
