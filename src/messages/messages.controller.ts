import { Controller, Delete, Patch, Req } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { BackendApi } from '../auth/backend-api.decorator';
import { validateList } from '../common/validation/validate';
import { MessageDeleteDto, MessageDto, MessageEditDto } from './message.dto';
import { MessagesService } from './messages.service';

const LIST_422 =
  'Not a list: {"_schema": ["Invalid input type."]}; bad items keyed by index: {"0": {"user": ["Missing data for required field."]}}; ' +
  'more items than max_messages_per_request, or an item over max_message_size';

/** PATCH and DELETE /message; POST /message (the hot path) is a plain Fastify route: see publish.route.ts. */
@ApiTags('API')
@ApiExtraModels(MessageDto)
@Controller('message')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Patch()
  @BackendApi()
  @ApiOperation({ summary: 'Edit stored messages (history, catch-up frames) and emit message:edit' })
  @ApiBody({ type: [MessageEditDto] })
  @ApiOkResponse({ description: 'The edits, with edited set.' })
  @ApiUnprocessableEntityResponse({ description: LIST_422 })
  edit(@Req() request: FastifyRequest) {
    this.messages.limits.checkList(request, request.body);
    const items = validateList(MessageEditDto, request.body, { allowUnknown: true });
    this.messages.limits.checkSizes(request, items);
    return this.messages.edit(items);
  }

  @Delete()
  @BackendApi()
  @ApiOperation({ summary: 'Delete stored messages and emit message:delete' })
  @ApiBody({ type: [MessageDeleteDto] })
  @ApiOkResponse({ description: 'The deletions.' })
  @ApiUnprocessableEntityResponse({ description: LIST_422 })
  remove(@Req() request: FastifyRequest) {
    this.messages.limits.checkList(request, request.body);
    return this.messages.delete(validateList(MessageDeleteDto, request.body));
  }
}
