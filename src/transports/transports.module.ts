import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { HeartbeatService } from './heartbeat.service';
import { LongPollController } from './long-poll.controller';
import { WsGateway } from './ws.gateway';

@Module({
  imports: [ConnectionsModule],
  controllers: [LongPollController],
  providers: [WsGateway, HeartbeatService],
})
export class TransportsModule {}
