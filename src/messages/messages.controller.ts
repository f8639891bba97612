import { Body, Controller, Delete, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { BackendApi } from '../auth/backend-api.decorator';
import { ListBodyPipe } from '../common/validation/body.pipe';
import { MessageDeleteDto, MessageDto, MessageEditDto } from './message.dto';
import { MessagesService } from './messages.service';

const LIST_422 = 'Not a list: {"_schema": ["Invalid input type."]}; bad items keyed by index: {"0": {"user": ["Missing data for required field."]}}';

@ApiTags('API')
@Controller('message')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Post()
  @HttpCode(200)
  @BackendApi()
  @ApiOperation({
    summary: 'Publish messages to channels and/or users',
    description: 'Each item goes to a channel (less exclude_users, only pm_users when given) or, without a channel, privately to pm_users. Items with neither are dropped. Extra keys are kept and delivered.',
  })
  @ApiBody({ type: [MessageDto] })
  @ApiOkResponse({ description: 'The accepted messages with uuid, timestamp, edited and delivery defaults filled in.' })
  @ApiUnprocessableEntityResponse({ description: LIST_422 })
  publish(@Body(new ListBodyPipe(MessageDto, { allowUnknown: true })) items: MessageDto[]) {
    return this.messages.publish(items);
  }

  @Patch()
  @BackendApi()
  @ApiOperation({ summary: 'Edit stored messages (history, catch-up frames) and emit message:edit' })
  @ApiBody({ type: [MessageEditDto] })
  @ApiOkResponse({ description: 'The edits, with edited set.' })
  @ApiUnprocessableEntityResponse({ description: LIST_422 })
  edit(@Body(new ListBodyPipe(MessageEditDto, { allowUnknown: true })) items: MessageEditDto[]) {
    return this.messages.edit(items);
  }

  @Delete()
  @BackendApi()
  @ApiOperation({ summary: 'Delete stored messages and emit message:delete' })
  @ApiBody({ type: [MessageDeleteDto] })
  @ApiOkResponse({ description: 'The deletions.' })
  @ApiUnprocessableEntityResponse({ description: LIST_422 })
  remove(@Body(new ListBodyPipe(MessageDeleteDto)) items: MessageDeleteDto[]) {
    return this.messages.delete(items);
  }
}
