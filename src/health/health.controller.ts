import { Controller, Get, type BeforeApplicationShutdown } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ApiError } from '../common/api-error';

/** Liveness and readiness for load balancers, Docker HEALTHCHECK and Kubernetes probes. */
@ApiTags('Health')
@Controller()
export class HealthController implements BeforeApplicationShutdown {
  private shuttingDown = false;

  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }

  @Get('healthz')
  @ApiOperation({ summary: 'The process is alive' })
  @ApiOkResponse({ description: '{"status": "ok"}' })
  healthz() {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOperation({ summary: 'Accepting traffic (not while shutting down)' })
  @ApiOkResponse({ description: '{"status": "ready"}' })
  @ApiServiceUnavailableResponse({ description: '{"request": "shutting down"}' })
  readyz() {
    if (this.shuttingDown) throw new ApiError(503, { request: 'shutting down' });
    return { status: 'ready' };
  }
}
