import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse, getSchemaPath } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { BackendApi } from '../auth/backend-api.decorator';
import { validateObject } from '../common/validation/validate';
import { RequestValidationError } from '../common/validation/request-validation.error';
import { ChannelConfigDto, checkChannelConfig, CHANNEL_NAME_MAX } from './channel-config.dto';
import type { ChannelsInfo } from './channel-info';
import { ChannelsService } from './channels.service';
import { ChannelInfoDto, ChannelsInfoDto } from './channels-info.dto';
import { InfoBodyDto, infoOptions } from './info.dto';
import { isPlainObject } from '../common/validation/validators';
import { MSG } from '../common/validation/messages';
import type { ChannelSettings } from '../engine/types';

@ApiTags('API')
@ApiExtraModels(ChannelConfigDto, ChannelInfoDto)
@Controller()
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Post('channel_config')
  @HttpCode(200)
  @BackendApi()
  @ApiOperation({ summary: 'Create or reconfigure channels', description: 'Only the settings given change; a new channel starts from the defaults.' })
  @ApiBody({ schema: { type: 'object', additionalProperties: { $ref: getSchemaPath(ChannelConfigDto) } }, description: '{channel name: settings}' })
  @ApiOkResponse({ type: ChannelsInfoDto, description: 'The channels, without history and user lists.' })
  @ApiUnprocessableEntityResponse({ description: 'Invalid settings: {"history_size": ["Must be greater than or equal to 0."]}' })
  async configure(@Body() body: unknown): Promise<ChannelsInfo> {
    return this.channels.configure(parseChannelConfigs(body));
  }

  @Get('info')
  @BackendApi()
  @ApiOperation({ summary: 'Every channel with history, users and full user state' })
  @ApiOkResponse({ type: ChannelsInfoDto })
  async infoAll(): Promise<ChannelsInfo> {
    return this.channels.describe(undefined, infoOptions(undefined));
  }

  @Post('info')
  @HttpCode(200)
  @BackendApi()
  @ApiOperation({ summary: 'Channel information', description: 'No body: everything. With {"info": {...}}: the chosen channels and details.' })
  @ApiBody({ type: InfoBodyDto, required: false })
  @ApiOkResponse({ type: ChannelsInfoDto })
  @ApiUnprocessableEntityResponse({ description: '{"info": ["Missing data for required field."]}' })
  async info(@Req() request: FastifyRequest): Promise<ChannelsInfo> {
    if (request.body === undefined || request.body === null) return this.infoAll();
    const { info } = validateObject(InfoBodyDto, request.body);
    return this.channels.describe(info.channels, infoOptions(info));
  }
}

/** {name: settings}; errors are reported flat (as the original does), for the first bad channel. */
function parseChannelConfigs(body: unknown): Record<string, Partial<ChannelSettings>> {
  if (!isPlainObject(body)) throw new RequestValidationError({ _schema: [MSG.invalidInput] });
  const configs: Record<string, Partial<ChannelSettings>> = {};
  for (const [name, settings] of Object.entries(body)) {
    if (name.length < 1 || name.length > CHANNEL_NAME_MAX) throw RequestValidationError.field('_schema', `Channel name length must be between 1 and ${CHANNEL_NAME_MAX}.`);
    const errors = checkChannelConfig(settings);
    if (errors) throw new RequestValidationError(errors);
    configs[name] = settings as Partial<ChannelSettings>;
  }
  return configs;
}
