import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SignatureGuard } from '../auth/signature.guard';
import { errorResponse } from '../common/error-response';
import { validateList } from '../common/validation/validate';
import type { MessageLimits } from './message-limits';
import { MessageDto } from './message.dto';
import { fastMessageList } from './message-schema';
import type { MessagesService } from './messages.service';

/**
 * POST /message as a plain Fastify route: publishing is the hot path, and
 * Nest's router, guard and pipe layers cost more than the publish itself.
 * It does what the Nest route did: the signature check, the limits (items
 * per call, publish rate, item size), the same 422 body for a bad list
 * (class-validator words it), the same answer. It is documented in the
 * OpenAPI document by publishOperation().
 */
export function registerPublishRoute(fastify: FastifyInstance, guard: SignatureGuard, messages: MessagesService): void {
  const limits = messages.limits;
  fastify.post('/message', async (request, reply) => {
    try {
      const pending = guard.check(request); // a promise only in strict signature mode
      if (pending) await pending;
      limits.checkList(request, request.body);
      const items = fastMessageList(request.body) ?? validateList(MessageDto, request.body, { allowUnknown: true });
      limits.checkSizes(request, items);
      return await messages.publish(items);
    } catch (error) {
      return answerPublishError(request, reply, error, limits);
    }
  });
}

/** The application's answer to an error (errorResponse), counted as a refusal or logged as a failure. */
export function answerPublishError(request: FastifyRequest, reply: FastifyReply, error: unknown, limits: MessageLimits): FastifyReply {
  const { status, body, headers } = errorResponse(error);
  if (status < 500) limits.countRefusal(error);
  else request.log.error({ err: error }, 'publish failed');
  if (headers) reply.headers(headers);
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}
