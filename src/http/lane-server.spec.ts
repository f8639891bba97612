import { describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LaneServer } from './lane-server';

/** A server from the factory, answering "app" or "lane" by who handled the request. */
async function serve(lanes: LaneServer, options: Record<string, unknown> = {}) {
  const server = lanes.factory((_req: IncomingMessage, res: ServerResponse) => void res.end('app'), { keepAliveTimeout: 72_000, ...options });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const hit = async (method: string, path: string) => (await fetch(`${url}${path}`, { method })).text();
  return { server, hit, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const publishLane = {
  claims: (req: IncomingMessage) => req.method === 'POST' && req.url === '/message',
  handle: (_req: IncomingMessage, res: ServerResponse) => void res.end('lane'),
};

describe(LaneServer.name, () => {
  it('sends everything to the application until a lane is open', async () => {
    const { hit, close } = await serve(new LaneServer());
    expect(await hit('POST', '/message')).toBe('app');
    await close();
  });

  it('sends the requests an open lane claims to it, and only those', async () => {
    const lanes = new LaneServer();
    const { hit, close } = await serve(lanes);
    lanes.open(publishLane);
    expect(await hit('POST', '/message')).toBe('lane');
    expect(await hit('GET', '/message')).toBe('app');
    expect(await hit('POST', '/connect')).toBe('app');
    lanes.close();
    expect(await hit('POST', '/message')).toBe('app');
    await close();
  });

  it("applies Fastify's server timeouts, which Fastify leaves to a factory", async () => {
    const { server, close } = await serve(new LaneServer(), { keepAliveTimeout: 5000, requestTimeout: 7000, connectionTimeout: 9000 });
    expect(server.keepAliveTimeout).toBe(5000);
    expect(server.requestTimeout).toBe(7000);
    expect(server.timeout).toBe(9000);
    await close();
  });
});
