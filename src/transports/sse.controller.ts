import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../common/api-error';
import { MSG } from '../common/validation/messages';
import { RequestValidationError } from '../common/validation/request-validation.error';
import { normalizeUuid } from '../common/validation/uuid';
import { isPlainObject } from '../common/validation/validators';
import { Engine } from '../engine/engine';
import { SseSink } from './sse.sink';
import { TransportLifecycle } from './transport-lifecycle.service';
import { MAX_BUFFERED_BYTES } from './ws.gateway';

/** How long EventSource waits before reconnecting (well inside the resume grace period). */
const RETRY_MS = 1000;

@ApiTags('Client API')
@Controller()
export class SseController {
  constructor(
    private readonly engine: Engine,
    private readonly lifecycle: TransportLifecycle,
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
  async stream(@Query() query: unknown, @Headers('last-event-id') lastEventId: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const q = isPlainObject(query) ? query : {};
    const connId = normalizeUuid(q.conn_id);
    if (!connId) throw new RequestValidationError({ conn_id: [q.conn_id === undefined ? MSG.required : MSG.uuid] });
    const resume = this.lifecycle.parseResume(lastEventId || q.since);
    if (!resume.ok) throw new RequestValidationError({ [lastEventId ? 'Last-Event-ID' : 'since']: [resume.message] });
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
    const sink = new SseSink(connId, raw, MAX_BUFFERED_BYTES, resume.positions);
    raw.once('close', () => void this.lifecycle.closed(sink));
    if (!(await this.engine.attach(connId, sink, resume.positions))) sink.close(1000, 'unknown conn_id');
  }
}
