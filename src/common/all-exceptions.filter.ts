import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { aboutRequest } from '../logging/request-context';
import { errorResponse } from './error-response';
import { countRefusal } from './refusal-counting';
import { RejectionsService } from './rejections.service';

/** The one place errors become HTTP answers (see errorResponse). */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly rejections: RejectionsService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, headers } = errorResponse(exception);
    if (status >= 500) {
      const request = host.switchToHttp().getRequest<FastifyRequest>();
      this.logger.error(aboutRequest(request, exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)));
    } else countRefusal(this.rejections, exception);
    if (reply.sent || reply.raw.headersSent) return;
    if (headers) reply.headers(headers);
    reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
  }
}
