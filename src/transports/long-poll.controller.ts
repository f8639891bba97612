import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
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
import { connIdProblem, wantsPositions } from './client-query';
import { LongPollSink } from './long-poll.sink';
import { TransportLifecycle } from './transport-lifecycle.service';

/** A JSONP callback must be a plain (optionally dotted) JavaScript identifier: nothing else is echoed back. */
const SAFE_CALLBACK = /^[A-Za-z_$][\w$]{0,127}(\.[A-Za-z_$][\w$]{0,127}){0,7}$/;

@ApiTags('Client API')
@Controller()
export class LongPollController {
  constructor(
    private readonly engine: Engine,
    private readonly settings: Settings,
    private readonly lifecycle: TransportLifecycle,
    private readonly origins: OriginGuard,
    private readonly rates: RateLimits,
    private readonly addresses: ClientAddress,
    private readonly rejections: RejectionsService,
  ) {}

  @Get('listen')
  @ApiOperation({
    summary: 'Long polling (no signature)',
    description: 'Answers as soon as events arrive (after a 0.25 s batch window) or after wake_connections_after seconds with []. The first poll of a connection replays catch-up events.',
  })
  @ApiQuery({ name: 'conn_id', format: 'uuid', required: true })
  @ApiQuery({ name: 'callback', required: false, description: 'JSONP: wraps the answer as callback(...); a JavaScript identifier.' })
  @ApiQuery({ name: 'since', required: false, description: 'Resume: a position token (see the README); replays exactly the missed events, or sends a recovery event.' })
  @ApiQuery({ name: 'positions', required: false, description: 'true: events carry offset and epoch of their stream.' })
  @ApiOkResponse({ description: 'A JSON list of events.' })
  @ApiUnauthorizedResponse({ description: 'Unknown conn_id.' })
  @ApiUnprocessableEntityResponse({ description: 'conn_id missing or not a UUID; callback not an identifier.' })
  @ApiForbiddenResponse({ description: 'Origin not in allow_cors.' })
  @ApiTooManyRequestsResponse({ description: 'A first poll while the client address opened more than connect_rate transports per second.' })
  async listen(@Query() query: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    this.origins.check(request.headers.origin, request.headers.host);
    const { connId, callback, since, positions } = parseListenQuery(query);
    const resume = this.lifecycle.parseResume(since);
    if (!resume.ok) throw new RequestValidationError({ since: [resume.message] });
    let sink = this.engine.sinkOf(connId);
    if (sink instanceof LongPollSink && !sink.isClosed) {
      this.engine.touch(connId);
    } else {
      // the first poll of a connection (or the first after another transport) catches up; it counts as a new transport
      const decision = this.rates.connect(this.addresses.of(request));
      if (!decision.ok) throw tooManyRequests(decision, 'connections from this address (connect_rate)');
      sink = new LongPollSink(connId, positions || resume.positions !== undefined, {
        maxBufferedBytes: this.settings.max_buffered_bytes,
        onOverflow: () => this.rejections.count(REJECTION.slowConsumer),
      });
      if (!(await this.engine.attach(connId, sink, resume.positions))) throw new ApiError(401, { conn_id: ['Unknown connection'] });
    }
    const poll = sink as LongPollSink;
    reply.raw.once('close', () => {
      if (!reply.raw.writableEnded) poll.abandon();
    });
    const items = await poll.wait(this.settings.wake_connections_after * 1000);
    this.engine.touch(connId);
    const json = `[${items.join(',')}]`;
    if (reply.raw.destroyed) return;
    if (callback) {
      reply.header('content-type', 'application/javascript; charset=utf-8').header('x-content-type-options', 'nosniff');
      reply.send(`${callback}(${json})`);
    } else {
      reply.header('content-type', 'application/json; charset=utf-8').send(json);
    }
  }

  @Get('ws')
  @ApiOperation({
    summary: 'WebSocket transport: GET /ws?conn_id= with an Upgrade header',
    description: 'Server frames are JSON lists of events; [] is a heartbeat (about every 5 s). Close codes: see the README.',
  })
  @ApiQuery({ name: 'conn_id', format: 'uuid', required: true })
  @ApiQuery({ name: 'since', required: false, description: 'Resume: a position token; replays exactly the missed events, or sends a recovery event.' })
  @ApiQuery({ name: 'positions', required: false, description: 'true: events carry offset and epoch of their stream.' })
  websocketWithoutUpgrade(): never {
    throw new ApiError(426, { request: 'WebSocket upgrade required' });
  }
}

function parseListenQuery(query: unknown): { connId: string; callback?: string; since?: unknown; positions: boolean } {
  const q = isPlainObject(query) ? query : {};
  const errors: Record<string, string[]> = {};
  const connId = normalizeUuid(q.conn_id);
  if (!connId) errors.conn_id = [connIdProblem(q.conn_id)];
  const callback = q.callback;
  if (callback !== undefined && (typeof callback !== 'string' || !SAFE_CALLBACK.test(callback))) {
    errors.callback = ['Must be a JavaScript identifier (letters, digits, _, $ and dots).'];
  }
  if (Object.keys(errors).length) throw new RequestValidationError(errors);
  return { connId: connId!, callback: callback as string | undefined, since: q.since, positions: wantsPositions(q.positions) };
}
