import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isEnabled } from './log-levels';
import { redactUrl } from './logger-options';
import { requestContext } from './request-context';

/**
 * Logs each request once at debug level (method, redacted URL, status,
 * time): never bodies or headers. At debug level, services log per request,
 * so the request id follows the handling (AsyncLocalStorage) onto their
 * lines; above it, that context is not kept: on Node 20 it hooks every
 * promise (~7 µs per publish), and the few lines written then while
 * handling a request (refusals, errors) carry the id from the request.
 */
export function registerRequestLogging(fastify: FastifyInstance): void {
  if (!isEnabled(fastify.log, 'debug')) return;
  fastify.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    requestContext.enterWith({ reqId: request.id });
    done();
  });
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    request.log.debug({ method: request.method, url: redactUrl(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
    done();
  });
}
