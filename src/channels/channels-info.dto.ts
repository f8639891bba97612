import { ApiProperty } from '@nestjs/swagger';
import { ChannelConfigDto } from './channel-config.dto';

/** Response shapes, for the API explorer. */
export class ChannelInfoDto {
  @ApiProperty({ format: 'uuid', description: 'Channel id, made when the channel was created.' }) uuid!: string;
  @ApiProperty({ description: 'Channel name.' }) name!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Display name (always null, as in the original).' }) long_name!: string | null;
  @ApiProperty({ type: ChannelConfigDto, description: 'Current settings.' }) settings!: ChannelConfigDto;
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Stored messages (with their delivery fields).' })
  history!: object[];
  @ApiProperty({ format: 'date-time', description: 'Last publish, join or leave (UTC).' }) last_active!: string;
  @ApiProperty({ description: 'Connections subscribed.' }) total_connections!: number;
  @ApiProperty({ description: 'Distinct users subscribed.' }) total_users!: number;
  @ApiProperty({ type: [String], description: 'Usernames in the channel (empty when users are not included).' }) users!: string[];
}

export class UserEntryDto {
  @ApiProperty({ description: 'Username.' }) user!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Full or public state.' }) state!: object;
}

export class ChannelsInfoDto {
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/ChannelInfoDto' }, description: 'Channel name -> channel info.' })
  channels!: Record<string, ChannelInfoDto>;
  @ApiProperty({ type: [UserEntryDto], description: 'Users of the listed channels with their state.' }) users!: UserEntryDto[];
}
