import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { ConnectionsModule } from '../connections/connections.module';
import { MessagesModule } from '../messages/messages.module';
import { UsersModule } from '../users/users.module';
import { ClientBundle } from './client-bundle';
import { DemoApiController } from './demo-api.controller';
import { DemoPageController } from './demo-page.controller';
import { DemoService } from './demo.service';

/** The demo chat at /demo; AppModule imports it only when the `demo` setting is on. */
@Module({
  imports: [ConnectionsModule, MessagesModule, UsersModule, ChannelsModule],
  controllers: [DemoPageController, DemoApiController],
  providers: [DemoService, ClientBundle],
})
export class DemoModule {}
