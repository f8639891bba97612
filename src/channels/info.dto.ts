import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import { IsBool, IsObject, IsStringList, Required } from '../common/validation/validators';
import { CHANNEL_NAME_MAX } from './channel-config.dto';

/** How much channels_info tells. */
export class InfoOptionsDto {
  @ApiPropertyOptional({ type: [String], description: 'Channels to describe (/info only); all when omitted.' })
  @IsOptional()
  @IsStringList(1, CHANNEL_NAME_MAX)
  channels?: string[];

  @ApiPropertyOptional({ description: 'Include stored history. Default true.' })
  @IsOptional()
  @IsBool()
  include_history?: boolean;

  @ApiPropertyOptional({ description: 'Include user lists and their state. Default true.' })
  @IsOptional()
  @IsBool()
  include_users?: boolean;

  @ApiPropertyOptional({ description: 'Accepted for compatibility; has no effect (as in the original).' })
  @IsOptional()
  @IsBool()
  include_connections?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'Channels to leave out.' })
  @IsOptional()
  @IsStringList(1, CHANNEL_NAME_MAX)
  exclude_channels?: string[];

  @ApiPropertyOptional({ description: 'List only public state keys of users. Default false (full state).' })
  @IsOptional()
  @IsBool()
  return_public_state?: boolean;
}

export class InfoBodyDto {
  @ApiProperty({ type: InfoOptionsDto, description: 'What to report.' })
  @Required()
  @IsObject()
  @ValidateNested()
  @Type(() => InfoOptionsDto)
  info!: InfoOptionsDto;
}

export interface InfoOptions {
  includeHistory: boolean;
  includeUsers: boolean;
  excludeChannels: string[];
  returnPublicState: boolean;
}

export function infoOptions(dto: InfoOptionsDto | undefined): InfoOptions {
  return {
    includeHistory: dto?.include_history ?? true,
    includeUsers: dto?.include_users ?? true,
    excludeChannels: dto?.exclude_channels ?? [],
    returnPublicState: dto?.return_public_state ?? false,
  };
}
