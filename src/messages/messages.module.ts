import { Module } from '@nestjs/common';
import { MessagesController } from './messages.controller';
import { MessageLimits } from './message-limits';
import { MessagesService } from './messages.service';

@Module({
  controllers: [MessagesController],
  providers: [MessagesService, MessageLimits],
  exports: [MessagesService],
})
export class MessagesModule {}
