import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { CHANNEL_NAME_MAX } from '../channels/channel-config.dto';
import { IsBool, IsObject, IsStr, IsStringList, IsTimestamp, IsUuidString, Required } from '../common/validation/validators';

const USERNAME_MAX = 512;

/** Who receives a message, edit or deletion. */
export class DeliveryDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: CHANNEL_NAME_MAX, description: 'Channel to deliver to; without it, pm_users get a private message.' })
  @IsOptional()
  @IsStr(1, CHANNEL_NAME_MAX)
  channel?: string | null;

  @ApiPropertyOptional({ type: [String], description: 'Only these users receive it (in the channel, or privately when no channel).' })
  @IsOptional()
  @IsStringList(1, USERNAME_MAX)
  pm_users?: string[];

  @ApiPropertyOptional({ type: [String], description: 'These users never receive it (wins over pm_users).' })
  @IsOptional()
  @IsStringList(1, USERNAME_MAX)
  exclude_users?: string[];

  @ApiPropertyOptional({ description: 'Deliver but do not store in history. Default false.' })
  @IsOptional()
  @IsBool()
  no_history?: boolean;
}

/** POST /message item; keys not declared here are kept and delivered as they are. */
export class MessageDto extends DeliveryDto {
  @ApiProperty({ description: 'Sender.', minLength: 1, maxLength: USERNAME_MAX })
  @Required()
  @IsStr(1, USERNAME_MAX)
  user!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The payload.', example: { text: 'hello' } })
  @IsOptional()
  @IsObject()
  message?: Record<string, unknown>;

  @ApiPropertyOptional({ format: 'uuid', description: 'Message id; generated when omitted.' })
  @IsOptional()
  @IsUuidString()
  uuid?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'ISO 8601 (UTC when no zone); now when omitted.' })
  @IsOptional()
  @IsTimestamp()
  timestamp?: string;
}

/** PATCH /message item: changes a stored message and emits message:edit. */
export class MessageEditDto extends DeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'The message to edit.' })
  @Required()
  @IsUuidString()
  uuid!: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: USERNAME_MAX })
  @IsOptional()
  @IsStr(1, USERNAME_MAX)
  user?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The new payload.' })
  @IsOptional()
  @IsObject()
  message?: Record<string, unknown>;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  timestamp?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When it was edited; now when omitted.' })
  @IsOptional()
  @IsTimestamp()
  edited?: string;
}

/** DELETE /message item: removes a stored message and emits message:delete. */
export class MessageDeleteDto extends DeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'The message to delete.' })
  @Required()
  @IsUuidString()
  uuid!: string;
}
