import { Controller, Get, type BeforeApplicationShutdown } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ApiError } from '../common/api-error';
import { Engine } from '../engine/engine';

/** Liveness and readiness for load balancers, Docker HEALTHCHECK and Kubernetes probes. */
@ApiTags('Health')
@Controller()
export class HealthController implements BeforeApplicationShutdown {
  private shuttingDown = false;

  constructor(private readonly engine: Engine) {}

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
  @ApiOperation({ summary: 'Accepting traffic: the engine is reachable and the server is not shutting down' })
  @ApiOkResponse({ description: '{"status": "ready"}' })
  @ApiServiceUnavailableResponse({ description: '{"request": "shutting down"} or {"request": "engine unreachable"}' })
  readyz() {
    if (this.shuttingDown) throw new ApiError(503, { request: 'shutting down' });
    if (!this.engine.isReady()) throw new ApiError(503, { request: 'engine unreachable' });
    return { status: 'ready', engine: this.engine.name };
  }
}
