import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import { CHANNEL_CONFIGS_SCHEMA, CHANNEL_NAME_MAX, IsChannelConfigs } from '../channels/channel-config.dto';
import { ChannelsInfoDto } from '../channels/channels-info.dto';
import { InfoOptionsDto } from '../channels/info.dto';
import { IsObject, IsStateMap, IsStr, IsStringList, IsUuidString, Required } from '../common/validation/validators';
import type { ChannelSettings, UserState } from '../engine/types';
import { STATE_MAP_SCHEMA } from '../users/user-state.dto';

const USERNAME_MAX = 512;

class ChannelsInfoOptions {
  @ApiPropertyOptional({ type: InfoOptionsDto, description: 'How much channels_info tells.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => InfoOptionsDto)
  info?: InfoOptionsDto;

  @ApiPropertyOptional(CHANNEL_CONFIGS_SCHEMA)
  @IsOptional()
  @IsChannelConfigs()
  channel_configs?: Record<string, Partial<ChannelSettings>>;
}

export class ConnectDto extends ChannelsInfoOptions {
  @ApiProperty({ description: 'The user this connection belongs to.', minLength: 1, maxLength: USERNAME_MAX })
  @Required()
  @IsStr(1, USERNAME_MAX)
  username!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Connection id; generated when omitted. Re-using a live one of the same user re-uses that connection.' })
  @IsOptional()
  @IsUuidString()
  conn_id?: string;

  @ApiPropertyOptional({ type: [String], description: 'Channels to subscribe to (created on first use).' })
  @IsOptional()
  @IsStringList(1, CHANNEL_NAME_MAX)
  channels?: string[];

  @ApiPropertyOptional({ ...STATE_MAP_SCHEMA, description: 'State for a user the server does not know yet.' })
  @IsOptional()
  @IsStateMap()
  fresh_user_state?: UserState;

  @ApiPropertyOptional({ ...STATE_MAP_SCHEMA, description: 'Keys to set on the user state (others are kept).' })
  @IsOptional()
  @IsStateMap()
  user_state?: UserState;

  @ApiPropertyOptional({ type: [String], description: 'State keys other users may see; kept as they are when omitted.' })
  @IsOptional()
  @IsStringList(1, 256)
  state_public_keys?: string[];
}

export class SubscribeDto extends ChannelsInfoOptions {
  @ApiProperty({ format: 'uuid', description: 'A live connection (may also be given as ?conn_id=).' })
  @Required()
  @IsUuidString()
  conn_id!: string;

  @ApiProperty({ type: [String], minItems: 1, description: 'Channels to (un)subscribe.' })
  @Required()
  @IsStringList(1, CHANNEL_NAME_MAX, 1)
  channels!: string[];
}

export class DisconnectDto {
  @ApiProperty({ format: 'uuid', description: 'The connection to drop (may also be given as ?conn_id=).' })
  @Required()
  @IsUuidString()
  conn_id!: string;
}

export class ConnectResponseDto {
  @ApiProperty({ format: 'uuid', description: 'The id the client listens with (/ws, /listen).' }) conn_id!: string;
  @ApiProperty({ description: 'The user.' }) username!: string;
  @ApiProperty({ ...STATE_MAP_SCHEMA, description: 'Full user state.' }) state!: UserState;
  @ApiProperty({ ...STATE_MAP_SCHEMA, description: 'What others see.' }) public_state!: UserState;
  @ApiProperty({ type: [String], description: "The connection's channels, sorted." }) channels!: string[];
  @ApiProperty({ type: ChannelsInfoDto, description: "The connection's channels, as `info` asks." }) channels_info!: ChannelsInfoDto;
}

export class SubscribeResponseDto {
  @ApiProperty({ type: [String], description: "All the connection's channels, sorted." }) channels!: string[];
  @ApiProperty({ type: ChannelsInfoDto, description: "The connection's channels, as `info` asks." }) channels_info!: ChannelsInfoDto;
  @ApiProperty({ type: [String], description: 'Channels newly joined, sorted.' }) subscribed_to!: string[];
}

export class UnsubscribeResponseDto {
  @ApiProperty({ type: [String], description: "All the connection's channels, sorted." }) channels!: string[];
  @ApiProperty({ type: ChannelsInfoDto, description: "The connection's channels, as `info` asks." }) channels_info!: ChannelsInfoDto;
  @ApiProperty({ type: [String], description: 'Channels left, sorted.' }) unsubscribed_from!: string[];
}
