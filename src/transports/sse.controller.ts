import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../common/api-error';
import { ClientAddress } from '../common/client-address';
import { OriginGuard } from '../common/origin-guard';
import { RateLimits, tooManyRequests } from '../common/rate-limiter';
import { REJECTION, RejectionsService } from '../common/rejections.service';
import { RequestValidationError } from '../common/validation/request-validation.error';
import { normalizeUuid } from '../common/validation/uuid';
import { isPlainObject } from '../common/validation/validators';
import { Settings } from '../config/settings';
import { Engine } from '../engine/engine';
import { connIdProblem } from './client-query';
import { SseSink } from './sse.sink';
import { TransportLifecycle } from './transport-lifecycle.service';

/** How long EventSource waits before reconnecting (well inside the resume grace period). */
const RETRY_MS = 1000;

@ApiTags('Client API')
@Controller()
export class SseController {
  constructor(
    private readonly engine: Engine,
    private readonly lifecycle: TransportLifecycle,
    private readonly settings: Settings,
    private readonly origins: OriginGuard,
    private readonly rates: RateLimits,
    private readonly addresses: ClientAddress,
    private readonly rejections: RejectionsService,
  ) {}

  @Get('sse')
  @ApiOperation({
    summary: 'Server-Sent Events transport (no signature)',
    description:
      'text/event-stream: one event per SSE message (data = the event JSON with offset and epoch), the SSE id is a position ' +
      'token, heartbeats are comments. Reconnecting with Last-Event-ID (browsers do it by themselves) or ?since= resumes ' +
      'exactly where the stream left off, or sends a recovery event.',
  })
  @ApiProduces('text/event-stream')
  @ApiQuery({ name: 'conn_id', format: 'uuid', required: true })
  @ApiQuery({ name: 'since', required: false, description: 'Position token to resume from (Last-Event-ID wins when both are given).' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Sent by EventSource on reconnect: the id of the last event received.' })
  @ApiOkResponse({ description: 'An endless text/event-stream.' })
  @ApiUnauthorizedResponse({ description: 'Unknown conn_id.' })
  @ApiUnprocessableEntityResponse({ description: 'conn_id missing or not a UUID; since / Last-Event-ID not a position token.' })
  @ApiForbiddenResponse({ description: 'Origin not in allow_cors.' })
  @ApiTooManyRequestsResponse({ description: 'The client address opened more than connect_rate transports per second.' })
  async stream(
    @Query() query: unknown,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    this.origins.check(request.headers.origin, request.headers.host);
    const q = isPlainObject(query) ? query : {};
    const connId = normalizeUuid(q.conn_id);
    if (!connId) throw new RequestValidationError({ conn_id: [connIdProblem(q.conn_id)] });
    const resume = this.lifecycle.parseResume(lastEventId || q.since);
    if (!resume.ok) throw new RequestValidationError({ [lastEventId ? 'Last-Event-ID' : 'since']: [resume.message] });
    const decision = this.rates.connect(this.addresses.of(request));
    if (!decision.ok) throw tooManyRequests(decision, 'connections from this address (connect_rate)');
    if (!(await this.engine.getConnection(connId))) throw new ApiError(401, { conn_id: ['Unknown connection'] });

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    raw.write(`retry: ${RETRY_MS}\n\n`);
    const sink = new SseSink(connId, raw, this.settings.max_buffered_bytes, resume.positions, () => this.rejections.count(REJECTION.slowConsumer));
    raw.once('close', () => void this.lifecycle.closed(sink));
    if (!(await this.engine.attach(connId, sink, resume.positions))) sink.close(1000, 'unknown conn_id');
  }
}
