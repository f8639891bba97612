import type { FastifyInstance } from 'fastify';
import type { SignatureGuard } from '../auth/signature.guard';
import { errorResponse } from '../common/error-response';
import { validateList } from '../common/validation/validate';
import { MessageDto } from './message.dto';
import { fastMessageList } from './message-schema';
import type { MessagesService } from './messages.service';

/**
 * POST /message as a plain Fastify route: publishing is the hot path, and
 * Nest's router, guard and pipe layers cost more than the publish itself.
 * It does what the Nest route did: the signature check, the same 422 body
 * for a bad list (class-validator words it), the same answer. It is
 * documented in the OpenAPI document by publishOperation().
 */
export function registerPublishRoute(fastify: FastifyInstance, guard: SignatureGuard, messages: MessagesService): void {
  fastify.post('/message', async (request, reply) => {
    try {
      guard.check(request);
      const items = fastMessageList(request.body) ?? validateList(MessageDto, request.body, { allowUnknown: true });
      return await messages.publish(items);
    } catch (error) {
      const { status, body } = errorResponse(error);
      return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
    }
  });
}
