import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { MetricsModule } from '../metrics/metrics.module';
import { HeartbeatService } from './heartbeat.service';
import { LongPollController } from './long-poll.controller';
import { SseController } from './sse.controller';
import { TransportLifecycle } from './transport-lifecycle.service';
import { WsGateway } from './ws.gateway';

@Module({
  imports: [ConnectionsModule, MetricsModule],
  controllers: [LongPollController, SseController],
  providers: [WsGateway, HeartbeatService, TransportLifecycle],
})
export class TransportsModule {}
