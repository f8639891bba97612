import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { UsersModule } from '../users/users.module';
import { ConnectionsController } from './connections.controller';
import { ConnectionsService } from './connections.service';
import { LivenessService } from './liveness.service';

@Module({
  imports: [UsersModule, ChannelsModule],
  controllers: [ConnectionsController],
  providers: [ConnectionsService, LivenessService],
  exports: [ConnectionsService],
})
export class ConnectionsModule {}
