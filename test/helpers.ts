import 'reflect-metadata';
import type { LogLevel } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { createApp } from '../src/app.setup';
import { TimestampSigner } from '../src/auth/timestamp-signer';
import { Settings } from '../src/config/settings';
import { Engine } from '../src/engine/engine';
import type { SettingValues } from '../src/config/settings-schema';

export const SECRET = 'test-secret';
const QUIET: LogLevel[] = ['fatal'];

/** The engine the e2e suite runs against: memory (npm test) or redis (npm run test:redis). */
export const ENGINE = (process.env.TEST_ENGINE ?? 'memory') as 'memory' | 'redis';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
/** `it` for behaviour only one engine has (reported as skipped on the other, never silently). */
export const itOn = (engine: typeof ENGINE) => (ENGINE === engine ? it : it.skip);

/** Settings for the engine under test; each app gets its own Redis key prefix unless one is given. */
export function engineSettings(prefix = `cstest:${randomUUID().slice(0, 8)}:`): Partial<SettingValues> {
  return ENGINE === 'redis' ? { engine: 'redis', redis_url: REDIS_URL, redis_prefix: prefix } : {};
}

/** Deletes every key under a prefix (tests share one Redis). */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface TestApp {
  app: NestFastifyApplication;
  settings: Settings;
  /** Base URL when started with listen: true. */
  url: string;
  close(): Promise<void>;
}

/** Boots the real application (the same createApp main.ts uses), optionally listening on a free port. */
export async function startApp(overrides: Partial<SettingValues> = {}, listen = false): Promise<TestApp> {
  const settings = Settings.load({ overrides: { secret: SECRET, cookie_secret: 'cookie-test-secret', ...engineSettings(), ...overrides } });
  const app = await createApp(settings, QUIET);
  let url = '';
  if (listen) {
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  } else {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  }
  const close = async () => {
    await app.close();
    if (settings.engine === 'redis' && !overrides.redis_prefix) await dropRedisPrefix(settings.redis_prefix);
  };
  return { app, settings, url, close };
}

export function sign(value = 'channelstream', secret = SECRET, at = Math.floor(Date.now() / 1000)): string {
  return new TimestampSigner(secret).sign(value, at);
}

export interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: any;
  text: string;
}

/** A backend call: signed, JSON body. */
export async function api(
  t: TestApp,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'OPTIONS',
  url: string,
  body?: unknown,
  options: { signed?: boolean; headers?: Record<string, string>; remoteAddress?: string; raw?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(options.signed === false ? {} : { 'x-channelstream-secret': sign() }), ...options.headers };
  let payload: string | undefined = options.raw;
  if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await t.app.inject({ method, url, headers, payload, remoteAddress: options.remoteAddress ?? '127.0.0.1' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    parsed = undefined;
  }
  return { status: res.statusCode, headers: res.headers, body: parsed, text: res.body };
}

export async function ok(t: TestApp, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<any> {
  const res = await api(t, method, url, body);
  if (res.status !== 200) throw new Error(`${method} ${url} -> ${res.status} ${res.text}`);
  return res.body;
}

export const uniq = (prefix = 'u') => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A free loopback port (for servers the tests start as separate processes). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Waits until the server has attached a transport to the connection (attach is asynchronous on Redis). */
export async function attached(t: TestApp, connId: string): Promise<void> {
  const engine = t.app.get(Engine);
  for (let i = 0; i < 200 && !engine.sinkOf(connId); i++) await new Promise((r) => setTimeout(r, 10));
  if (!engine.sinkOf(connId)) throw new Error(`connection ${connId} never attached`);
}

/** Waits until the server has seen the connection's transport end. */
export async function detached(t: TestApp, connId: string): Promise<void> {
  const engine = t.app.get(Engine);
  for (let i = 0; i < 200 && engine.sinkOf(connId); i++) await new Promise((r) => setTimeout(r, 10));
  if (engine.sinkOf(connId)) throw new Error(`connection ${connId} still has a transport`);
}

export async function connect(t: TestApp, username = uniq('user'), channels: string[] = [], extra: object = {}) {
  return ok(t, 'POST', '/connect', { username, channels, ...extra });
}

export async function send(t: TestApp, message: Record<string, unknown>) {
  const [accepted] = await ok(t, 'POST', '/message', [{ user: 'sender', message: { text: uniq('t') }, ...message }]);
  return accepted;
}

/** A WebSocket client that queues every event it receives (heartbeats counted apart). */
export class WsClient {
  readonly events: any[] = [];
  readonly frames: string[] = [];
  heartbeats = 0;
  closeCode?: number;
  private waiters: (() => void)[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;

  constructor(readonly socket: WebSocket) {
    this.opened = new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code) => {
        this.closeCode = code;
        resolve(code);
        this.wake();
      }),
    );
    socket.on('message', (data) => {
      const text = data.toString();
      this.frames.push(text);
      const list = JSON.parse(text) as unknown[];
      if (!Array.isArray(list)) throw new Error(`frame is not a list: ${text}`);
      if (list.length === 0) this.heartbeats++;
      this.events.push(...list);
      this.wake();
    });
  }

  static async open(t: TestApp, query: string): Promise<WsClient> {
    const client = new WsClient(new WebSocket(`${t.url.replace(/^http/, 'ws')}/ws${query}`));
    await client.opened;
    return client;
  }

  static connectTo(t: TestApp, connId: string): Promise<WsClient> {
    return WsClient.open(t, `?conn_id=${connId}`);
  }

  /** Resolves once `predicate` holds, or fails after `ms`. */
  async until(predicate: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 20);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async nextEvents(count: number, ms = 5000): Promise<any[]> {
    await this.until(() => this.events.length >= count, ms, `${count} events`);
    return this.events.splice(0, count);
  }

  /** Proves nothing else arrived: a private sentinel message must be the next event. */
  async expectOnlySentinel(t: TestApp, username: string): Promise<void> {
    const tag = uniq('sentinel');
    await ok(t, 'POST', '/message', [{ user: 'bot', pm_users: [username], message: { sentinel: tag } }]);
    const [event] = await this.nextEvents(1);
    expect(event.message).toEqual({ sentinel: tag });
  }

  close(): void {
    this.socket.close();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
