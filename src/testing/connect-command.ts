// Exists because the service specs connect users with the same defaults and only spell out what a test is about.
import type { InfoOptions } from '../channels/info.dto';
import type { ConnectCommand } from '../connections/connections.service';

/** channels_info options for specs: users included, no history, no public-state filtering. */
export const INFO: InfoOptions = { includeHistory: false, includeUsers: true, excludeChannels: [], returnPublicState: false };

/** A ConnectCommand with no channels, no channel configs and INFO, overridden by `fields`. */
export function connectCommand(fields: Partial<ConnectCommand> & { username: string }): ConnectCommand {
  return { channels: [], channelConfigs: {}, info: INFO, ...fields };
}
