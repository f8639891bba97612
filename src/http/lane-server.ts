import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** A side lane: the requests it claims, and how it answers them. */
export interface Lane {
  claims(request: IncomingMessage): boolean;
  handle: RequestHandler;
}

/** Fastify's defaults for the server it would have made itself (Fastify applies none of them to a factory's server). */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

/**
 * The application's HTTP server (as Fastify's serverFactory), with room for
 * one side lane: a request the lane claims skips the Nest application's
 * Fastify instance (Nest's adapter hooks, its middleware runner, plugins
 * only pages need) and goes to a lean Fastify instance that serves just
 * that route. Every other request, and every request before a lane is
 * opened or after it is closed, goes to the application as usual.
 */
export class LaneServer {
  private lane: Lane | undefined;

  readonly factory = (appHandler: RequestHandler, options: Record<string, unknown>): Server => {
    const server = createServer((request, response) => {
      const lane = this.lane;
      if (lane && lane.claims(request)) lane.handle(request, response);
      else appHandler(request, response);
    });
    server.keepAliveTimeout = typeof options.keepAliveTimeout === 'number' ? options.keepAliveTimeout : KEEP_ALIVE_TIMEOUT_MS;
    if (typeof options.requestTimeout === 'number') server.requestTimeout = options.requestTimeout;
    if (typeof options.connectionTimeout === 'number') server.setTimeout(options.connectionTimeout);
    return server;
  };

  open(lane: Lane): void {
    this.lane = lane;
  }

  close(): void {
    this.lane = undefined;
  }
}
