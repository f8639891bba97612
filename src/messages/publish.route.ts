import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SignatureGuard } from '../auth/signature.guard';
import { errorResponse } from '../common/error-response';
import { rawBodyOf } from '../common/json-body';
import { validateList } from '../common/validation/validate';
import type { MessageLimits } from './message-limits';
import { MessageDto } from './message.dto';
import { fastMessageList } from './message-schema';
import type { MessagesService } from './messages.service';
import { publishAnswer } from './publish-answer';

/**
 * What an instance does around each publish answer besides the route
 * itself: nothing on the application's instance, whose hooks add the policy
 * headers and count answers; all of it on the publish lane, which has no
 * hooks (see publish-lane.ts).
 */
export interface PublishAnswers {
  /** Before anything else: prepares the answer; true when the request has been answered already (a refusal). */
  open(request: FastifyRequest, reply: FastifyReply): boolean;
  /** Just before an answer is sent, its status set. */
  close(request: FastifyRequest, reply: FastifyReply): void;
  /** A publish that failed (5xx). */
  failed(request: FastifyRequest, error: unknown): void;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** The route's path, also its label in the HTTP metrics (the application's hook labels answers by route template). */
export const PUBLISH_ROUTE = '/message';

/** The application's instance: its hooks do the work, its request logger names the request. */
export const HOOKED_ANSWERS: PublishAnswers = {
  open: () => false,
  close: () => undefined,
  failed: (request, error) => request.log.error({ err: error }, 'publish failed'),
};

/**
 * POST /message as a plain Fastify route: publishing is the hot path, and
 * Nest's router, guard and pipe layers cost more than the publish itself.
 * It does what the Nest route did: the signature check, the limits (items
 * per call, publish rate, item size), the same 422 body for a bad list
 * (class-validator words it), the same answer. It is documented in the
 * OpenAPI document by publishOperation().
 */
export function registerPublishRoute(fastify: FastifyInstance, guard: SignatureGuard, messages: MessagesService, answers = HOOKED_ANSWERS): void {
  const limits = messages.limits;
  fastify.post(PUBLISH_ROUTE, async (request, reply) => {
    if (answers.open(request, reply)) return reply;
    try {
      const pending = guard.check(request); // a promise only in strict signature mode
      if (pending) await pending;
      limits.checkList(request, request.body);
      const parsed = fastMessageList(request.body); // the body's items as they are, when the schema takes them
      const items = parsed ?? validateList(MessageDto, request.body, { allowUnknown: true });
      limits.checkSizes(request, items);
      const accepted = await messages.publish(items);
      answers.close(request, reply);
      reply.type(JSON_TYPE);
      return publishAnswer(accepted, items, rawBodyOf(request), parsed !== undefined);
    } catch (error) {
      return answerPublishError(request, reply, error, limits, answers);
    }
  });
}

/** The application's answer to an error (errorResponse), counted as a refusal or reported as a failure. */
export function answerPublishError(request: FastifyRequest, reply: FastifyReply, error: unknown, limits: MessageLimits, answers: PublishAnswers): FastifyReply {
  const { status, body, headers } = errorResponse(error);
  if (status < 500) limits.countRefusal(error);
  else answers.failed(request, error);
  if (headers) reply.headers(headers);
  reply.code(status);
  answers.close(request, reply);
  return reply.type(JSON_TYPE).send(JSON.stringify(body));
}
