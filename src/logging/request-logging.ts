import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isEnabled } from './log-levels';
import { redactUrl } from './logger-options';
import { requestContext } from './request-context';

/**
 * Gives every request's log lines its id, and logs each request once at
 * debug level (method, redacted URL, status, time): never bodies or headers.
 */
export function registerRequestLogging(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    requestContext.enterWith({ reqId: request.id });
    done();
  });
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (isEnabled(request.log, 'debug')) {
      request.log.debug({ method: request.method, url: redactUrl(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
    }
    done();
  });
}
