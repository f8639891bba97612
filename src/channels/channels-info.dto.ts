import { ApiProperty } from '@nestjs/swagger';
import { ChannelConfigDto } from './channel-config.dto';

/** Response shapes, for the API explorer. */
export class ChannelInfoDto {
  @ApiProperty({ format: 'uuid' }) uuid!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) long_name!: string | null;
  @ApiProperty({ type: ChannelConfigDto }) settings!: ChannelConfigDto;
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Stored messages (with their delivery fields).' })
  history!: object[];
  @ApiProperty({ format: 'date-time' }) last_active!: string;
  @ApiProperty() total_connections!: number;
  @ApiProperty() total_users!: number;
  @ApiProperty({ type: [String], description: 'Usernames in the channel (empty when users are not included).' }) users!: string[];
}

export class UserEntryDto {
  @ApiProperty() user!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Full or public state.' }) state!: object;
}

export class ChannelsInfoDto {
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/ChannelInfoDto' } })
  channels!: Record<string, ChannelInfoDto>;
  @ApiProperty({ type: [UserEntryDto] }) users!: UserEntryDto[];
}
