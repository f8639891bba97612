import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Settings } from '../config/settings';
import { OriginPolicy } from './origin-policy';

const ALLOW_HEADERS =
  'Content-Type, Depth, User-Agent, X-File-Size, X-Requested-With, If-Modified-Since, X-File-Name, Cache-Control, Pragma, Origin, Connection, Referer, Cookie';

/**
 * CORS as the original sends it (preflight answered on any path), but an
 * allow_cors list (exact origins or patterns, see OriginPolicy) is matched
 * against the Origin header and only a match is echoed; and the
 * enforce_https check (406).
 */
export function registerHttpPolicy(fastify: FastifyInstance, settings: Settings): void {
  // max_body_size on every route registered from here on (all of them: Nest adds its routes at init): 413 beyond it
  fastify.addHook('onRoute', (route) => {
    route.bodyLimit ??= settings.max_body_size;
  });
  const origins = new OriginPolicy(settings.allow_cors);
  const anyOrigin = origins.any;
  // a callback-style hook: no promise per request on the hot path
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const origin = request.headers.origin;
    if (anyOrigin) reply.header('access-control-allow-origin', '*');
    else if (origin && origins.allows(origin)) reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    reply
      .header('xdomainrequestallowed', '1')
      .header('access-control-allow-methods', 'GET, POST, OPTIONS, PUT, DELETE, PATCH')
      .header('access-control-allow-headers', ALLOW_HEADERS)
      .header('access-control-max-age', '86400');
    if (request.method === 'OPTIONS') return void reply.code(200).type('text/plain; charset=utf-8').send('');
    if (settings.enforce_https && !isHttps(request)) {
      return void reply.code(406).type('application/json; charset=utf-8').send(JSON.stringify({ request: 'SSL is required' }));
    }
    done();
  });
}

export const isHttps = (request: FastifyRequest): boolean =>
  request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
