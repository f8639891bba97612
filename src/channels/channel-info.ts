import { formatTimestamp } from '../common/validation/timestamp';
import type { ChannelRecord, ChannelSettings, ChannelView, StoredEvent, UserState } from '../engine/types';

/** One channel as channels_info describes it. */
export interface ChannelInfo {
  uuid: string;
  name: string;
  long_name: string | null;
  settings: ChannelSettings;
  history: StoredEvent[];
  last_active: string;
  total_connections: number;
  total_users: number;
  users: string[];
}

export interface ChannelsInfo {
  channels: Record<string, ChannelInfo>;
  users: { user: string; state: UserState }[];
}

export function channelInfo(view: ChannelView, includeUsers: boolean): ChannelInfo {
  const c: ChannelRecord = view.channel;
  return {
    uuid: c.uuid,
    name: c.name,
    long_name: c.longName,
    settings: { ...c.settings },
    history: view.history,
    last_active: formatTimestamp(c.lastActive),
    total_connections: view.totalConnections,
    total_users: view.totalUsers,
    users: includeUsers ? view.users : [],
  };
}
