import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminOrSignatureGuard } from '../auth/admin.guard';
import { SIGNATURE_SCHEME } from '../auth/backend-api.decorator';
import { MetricsService } from './metrics.service';

/** /metrics on the main port: for a signed-in admin or a signed backend call, never open to the world. */
@ApiTags('Health')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('metrics')
  @UseGuards(AdminOrSignatureGuard)
  @ApiSecurity(SIGNATURE_SCHEME)
  @ApiOperation({ summary: 'Prometheus metrics (admin session or signature; or metrics_port for a private listener)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format.' })
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    reply.type(contentType).send(body);
  }
}
