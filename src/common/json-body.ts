import type { FastifyInstance, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body as received (text), kept for strict signatures, which sign its SHA-256; null without a body. */
    rawBodyText: string | null;
  }
}

/** The body text a request came with ('' when it had none). */
export const rawBodyOf = (request: FastifyRequest): string => request.rawBodyText ?? '';

/**
 * JSON bodies: an empty body means "no body" (not an error), and a body
 * sent without a JSON content type is still read as JSON, as the original
 * (which ignored the content type) did. Prototype-poisoning keys are refused.
 */
export function registerJsonBodies(fastify: FastifyInstance): void {
  const parse = (request: FastifyRequest, body: string | Buffer, done: (err: Error | null, value?: unknown) => void) => {
    const text = body.toString();
    request.rawBodyText = text;
    if (text.trim().length === 0) return done(null, undefined);
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (err) {
      done(Object.assign(new SyntaxError(`Invalid JSON: ${(err as Error).message}`), { statusCode: 422 }));
    }
  };
  fastify.decorateRequest('rawBodyText', null);
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string' }, parse);
  fastify.addContentTypeParser('*', { parseAs: 'string' }, parse);
}
