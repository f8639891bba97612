import type { FastifyInstance, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';

/**
 * JSON bodies: an empty body means "no body" (not an error), and a body
 * sent without a JSON content type is still read as JSON, as the original
 * (which ignored the content type) did. Prototype-poisoning keys are refused.
 */
export function registerJsonBodies(fastify: FastifyInstance): void {
  const parse = (_request: FastifyRequest, body: string | Buffer, done: (err: Error | null, value?: unknown) => void) => {
    const text = body.toString();
    if (text.trim().length === 0) return done(null, undefined);
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (err) {
      done(Object.assign(new SyntaxError(`Invalid JSON: ${(err as Error).message}`), { statusCode: 422 }));
    }
  };
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string' }, parse);
  fastify.addContentTypeParser('*', { parseAs: 'string' }, parse);
}
