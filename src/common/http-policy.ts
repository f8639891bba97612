import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Settings } from '../config/settings';
import { OriginPolicy } from './origin-policy';

const ALLOW_HEADERS =
  'Content-Type, Depth, User-Agent, X-File-Size, X-Requested-With, If-Modified-Since, X-File-Name, Cache-Control, Pragma, Origin, Connection, Referer, Cookie';

/** The CORS headers the original sends on every answer, whatever the origin. */
const ALWAYS = {
  xdomainrequestallowed: '1',
  'access-control-allow-methods': 'GET, POST, OPTIONS, PUT, DELETE, PATCH',
  'access-control-allow-headers': ALLOW_HEADERS,
  'access-control-max-age': '86400',
} as const;

type Headers = Readonly<Record<string, string>>;

/**
 * CORS as the original sends it (on every answer, preflight answered on any
 * path), but an allow_cors list (exact origins or patterns, see
 * OriginPolicy) is matched against the Origin header and only a match is
 * echoed; and the enforce_https check (406). The application applies it in
 * hooks (registerHttpPolicy); the publish lane calls it itself.
 */
export class HttpPolicy {
  private readonly origins: OriginPolicy;
  /** Built once: most answers get one of these two objects. */
  private readonly anyOrigin: Headers = { 'access-control-allow-origin': '*', ...ALWAYS };
  private readonly unlisted: Headers = ALWAYS;

  constructor(private readonly settings: Settings) {
    this.origins = new OriginPolicy(settings.allow_cors);
  }

  /** The CORS headers of an answer to a request with this Origin header. */
  headersFor(origin: string | undefined): Headers {
    if (this.origins.any) return this.anyOrigin;
    if (!origin || !this.origins.allows(origin)) return this.unlisted;
    return { 'access-control-allow-origin': origin, vary: 'Origin', ...ALWAYS };
  }

  /** Sends the 406 of enforce_https to a plain-HTTP request and says so; false when the request may go on. */
  refusedPlainHttp(request: FastifyRequest, reply: FastifyReply): boolean {
    if (!this.settings.enforce_https || isHttps(request)) return false;
    reply.code(406).type('application/json; charset=utf-8').send(JSON.stringify({ request: 'SSL is required' }));
    return true;
  }
}

/** HttpPolicy on every route of an instance, in hooks; max_body_size on every route. */
export function registerHttpPolicy(fastify: FastifyInstance, settings: Settings): void {
  // max_body_size on every route registered from here on (all of them: Nest adds its routes at init): 413 beyond it
  fastify.addHook('onRoute', (route) => {
    route.bodyLimit ??= settings.max_body_size;
  });
  const policy = new HttpPolicy(settings);
  // a callback-style hook: no promise per request on the hot path
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    reply.headers(policy.headersFor(request.headers.origin));
    if (request.method === 'OPTIONS') return void reply.code(200).type('text/plain; charset=utf-8').send('');
    if (policy.refusedPlainHttp(request, reply)) return;
    done();
  });
}

export const isHttps = (request: FastifyRequest): boolean =>
  request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
