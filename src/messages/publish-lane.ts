import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { SignatureGuard } from '../auth/signature.guard';
import { HttpPolicy } from '../common/http-policy';
import { registerJsonBodies } from '../common/json-body';
import type { Settings } from '../config/settings';
import type { Lane } from '../http/lane-server';
import type { MetricsService } from '../metrics/metrics.service';
import type { MessagesService } from './messages.service';
import { answerPublishError, PUBLISH_ROUTE, registerPublishRoute, type PublishAnswers } from './publish.route';

export interface PublishLaneDeps {
  settings: Settings;
  logger: FastifyBaseLogger;
  guard: SignatureGuard;
  messages: MessagesService;
  metrics: MetricsService;
}

/** POST /message, with or without a query string (legacy backends may sign through ?secret=). */
export const isPublish = (request: IncomingMessage): boolean =>
  request.method === 'POST' && (request.url === '/message' || request.url?.startsWith('/message?') === true);

/**
 * POST /message on a lean Fastify instance of its own (see LaneServer): the
 * same route, CORS and https policy, JSON bodies and body limit, metrics and
 * answers as the application's, without the Nest adapter's per-request
 * hooks, the page plugins (cookies, forms, the API explorer's gate) and
 * Fastify's per-request logger. It has no hooks either: the policy headers,
 * the https refusal and the metrics are the route's own calls (laneAnswers),
 * and refusals and failures are logged with the request's id, as the
 * application logs them. Measured under callgrind (main thread, per
 * publish), the logger and the two hooks cost ~42,000 instructions of
 * ~184,000; the headers and the metrics, now set and counted by the route,
 * are ~25,000 of that.
 */
export async function openPublishLane(deps: PublishLaneDeps): Promise<{ lane: Lane; instance: FastifyInstance }> {
  let requests = 0;
  const instance = Fastify({
    logger: false,
    bodyLimit: deps.settings.max_body_size,
    requestIdHeader: 'x-request-id',
    genReqId: () => `pub-${(++requests).toString(36)}`, // apart from the application's own req-N ids
    trustProxy: false,
  });
  const answers = laneAnswers(new HttpPolicy(deps.settings), deps.metrics, deps.logger);
  registerJsonBodies(instance);
  registerPublishRoute(instance, deps.guard, deps.messages, answers);
  // errors raised before the route runs (a body too large or not JSON) get the application's answers
  instance.setErrorHandler((error, request, reply) =>
    answers.open(request, reply) ? reply : answerPublishError(request, reply, error, deps.messages.limits, answers),
  );
  await instance.ready();
  const handle: Lane['handle'] = (request, response) => {
    (request as Arrived)[ARRIVED] = performance.now();
    instance.routing(request, response);
  };
  return { instance, lane: { claims: isPublish, handle } };
}

/** When the lane took a request, for its latency: a property of the request, not an entry per request in a WeakMap beside it. */
const ARRIVED = Symbol('arrived');
type Arrived = IncomingMessage & { [ARRIVED]?: number };

/** What the application's hooks do for its routes, done by the lane's route around each answer. */
function laneAnswers(policy: HttpPolicy, metrics: MetricsService, logger: FastifyBaseLogger): PublishAnswers {
  const answers = metrics.routeAnswers('POST', PUBLISH_ROUTE); // the lane claims POST only (isPublish)
  const count = (request: { raw: Arrived }, status: number) => {
    const arrived = request.raw[ARRIVED];
    answers.count(status, arrived === undefined ? 0 : (performance.now() - arrived) / 1000);
  };
  return {
    open(request, reply) {
      reply.headers(policy.headersFor(request.headers.origin));
      if (!policy.refusedPlainHttp(request, reply)) return false;
      count(request, reply.statusCode);
      return true;
    },
    close: (request, reply) => count(request, reply.statusCode),
    failed: (request, error) => logger.error({ reqId: request.id, err: error }, 'publish failed'),
  };
}
