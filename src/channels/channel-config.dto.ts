import { ApiPropertyOptional } from '@nestjs/swagger';
import { checkObject } from '../common/validation/validate';
import { IsBool, IsInt, IsRecordOf, Omittable } from '../common/validation/validators';
import type { ChannelSettings } from '../engine/types';

/** Channel settings; omitted ones keep their value (or the default for a new channel). */
export class ChannelConfigDto implements Partial<ChannelSettings> {
  @ApiPropertyOptional({ description: 'Send presence (joined/parted) events. Default false.' })
  @Omittable()
  @IsBool()
  notify_presence?: boolean;

  @ApiPropertyOptional({ description: 'Keep the last history_size messages. Default false.' })
  @Omittable()
  @IsBool()
  store_history?: boolean;

  @ApiPropertyOptional({ description: 'How many messages history keeps. Default 10.', minimum: 0 })
  @Omittable()
  @IsInt(0)
  history_size?: number;

  @ApiPropertyOptional({ description: 'Presence events list the users in the channel with their public state. Default false.' })
  @Omittable()
  @IsBool()
  broadcast_presence_with_user_lists?: boolean;

  @ApiPropertyOptional({ description: 'Send user_state_change events when a member changes public state. Default false.' })
  @Omittable()
  @IsBool()
  notify_state?: boolean;

  @ApiPropertyOptional({ description: 'Keep recent events (last 100) for catch-up when a client (re)attaches. Default true.' })
  @Omittable()
  @IsBool()
  store_frames?: boolean;
}

export const CHANNEL_NAME_MAX = 256;

/** Validates one channel's settings (used for the values of channel_configs maps). */
export function checkChannelConfig(value: unknown) {
  const result = checkObject(ChannelConfigDto, value);
  return 'errors' in result ? result.errors : undefined;
}

/** `channel_configs`: {channel name: settings}, applied to channels created by this call. */
export const IsChannelConfigs = () => IsRecordOf(1, CHANNEL_NAME_MAX, checkChannelConfig);

export const CHANNEL_CONFIGS_SCHEMA = {
  type: 'object',
  additionalProperties: { $ref: '#/components/schemas/ChannelConfigDto' },
  description: 'Settings for channels this call creates, as {channel name: settings}; existing channels are not changed.',
} as const;
