import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { BackendApi } from '../auth/backend-api.decorator';
import { infoOptions } from '../channels/info.dto';
import { BodyPipe } from '../common/validation/body.pipe';
import { MSG } from '../common/validation/messages';
import { RequestValidationError } from '../common/validation/request-validation.error';
import { validateObject } from '../common/validation/validate';
import { isPlainObject } from '../common/validation/validators';
import {
  ConnectDto,
  ConnectResponseDto,
  DisconnectDto,
  SubscribeDto,
  SubscribeResponseDto,
  UnsubscribeResponseDto,
} from './connection.dto';
import { ConnectionsService, type ConnectResult } from './connections.service';

/** A body merged with ?conn_id= (the body wins), as the original reads conn_id. */
function withQueryConnId(body: unknown, query: unknown): Record<string, unknown> {
  if (body !== undefined && body !== null && !isPlainObject(body)) throw new RequestValidationError({ _schema: [MSG.invalidInput] });
  const fromQuery = isPlainObject(query) ? query.conn_id : undefined;
  return { ...(fromQuery !== undefined && { conn_id: fromQuery }), ...(body as object | undefined) };
}

@ApiTags('API')
@Controller()
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Post('connect')
  @HttpCode(200)
  @BackendApi()
  @ApiOperation({ summary: 'Connect a user: returns the conn_id its client listens with' })
  @ApiOkResponse({ type: ConnectResponseDto })
  @ApiUnprocessableEntityResponse({ description: 'Invalid body: {"username": ["Missing data for required field."]}' })
  async connect(@Body(new BodyPipe(ConnectDto)) body: ConnectDto): Promise<ConnectResult> {
    return this.connections.connect({
      username: body.username,
      connId: body.conn_id,
      channels: body.channels ?? [],
      freshState: body.fresh_user_state,
      stateUpdate: body.user_state,
      publicKeys: body.state_public_keys,
      channelConfigs: body.channel_configs ?? {},
      info: infoOptions(body.info),
    });
  }

  @Post('subscribe')
  @HttpCode(200)
  @BackendApi()
  @ApiOperation({ summary: 'Subscribe a connection to more channels' })
  @ApiBody({ type: SubscribeDto })
  @ApiOkResponse({ type: SubscribeResponseDto })
  @ApiUnprocessableEntityResponse({ description: 'Invalid body, or {"conn_id": ["Unknown connection"]}' })
  async subscribe(@Req() request: FastifyRequest): Promise<SubscribeResponseDto> {
    const body = validateObject(SubscribeDto, withQueryConnId(request.body, request.query));
    const result = await this.connections.subscribe(body.conn_id, body.channels, body.channel_configs ?? {}, infoOptions(body.info));
    return { channels: result.channels, channels_info: result.channels_info, subscribed_to: result.changed };
  }

  @Post('unsubscribe')
  @HttpCode(200)
  @BackendApi()
  @ApiOperation({ summary: 'Unsubscribe a connection from channels' })
  @ApiBody({ type: SubscribeDto })
  @ApiOkResponse({ type: UnsubscribeResponseDto })
  @ApiUnprocessableEntityResponse({ description: 'Invalid body, or {"conn_id": ["Unknown connection"]}' })
  async unsubscribe(@Req() request: FastifyRequest): Promise<UnsubscribeResponseDto> {
    const body = validateObject(SubscribeDto, withQueryConnId(request.body, request.query));
    const result = await this.connections.unsubscribe(body.conn_id, body.channels, infoOptions(body.info));
    return { channels: result.channels, channels_info: result.channels_info, unsubscribed_from: result.changed };
  }

  @Get('disconnect')
  @ApiTags('Client API')
  @ApiOperation({ summary: 'Drop a connection (called by clients; no signature)' })
  @ApiQuery({ name: 'conn_id', format: 'uuid', required: true })
  @ApiOkResponse({ type: Boolean, description: 'true when the connection existed' })
  @ApiUnprocessableEntityResponse({ description: '{"conn_id": ["Field may not be null."]} or ["Not a valid UUID."]' })
  async disconnectGet(@Query() query: unknown): Promise<boolean> {
    const { conn_id } = validateObject(DisconnectDto, { conn_id: isPlainObject(query) ? (query.conn_id ?? null) : null });
    return this.connections.disconnect(conn_id);
  }

  @Post('disconnect')
  @HttpCode(200)
  @ApiTags('Client API')
  @ApiOperation({ summary: 'Drop a connection (called by clients; no signature)' })
  @ApiBody({ type: DisconnectDto, required: false })
  @ApiOkResponse({ type: Boolean, description: 'true when the connection existed' })
  async disconnectPost(@Req() request: FastifyRequest): Promise<boolean> {
    const merged = withQueryConnId(request.body, request.query);
    const { conn_id } = validateObject(DisconnectDto, { conn_id: merged.conn_id ?? null });
    return this.connections.disconnect(conn_id);
  }
}
