import { Injectable } from '@nestjs/common';
import { ChannelsService } from '../channels/channels.service';
import { infoOptions } from '../channels/info.dto';
import { Settings } from '../config/settings';
import { Engine } from '../engine/engine';
import { UsersService } from '../users/users.service';
import { VERSION } from '../version';

/** Python's str(timedelta) without microseconds: "2:03:04", "1 day, 0:00:05". */
export function formatUptime(ms: number): string {
  const total = Math.floor(ms / 1000);
  const days = Math.floor(total / 86400);
  const rest = total % 86400;
  const clock = `${Math.floor(rest / 3600)}:${String(Math.floor((rest % 3600) / 60)).padStart(2, '0')}:${String(rest % 60).padStart(2, '0')}`;
  return days > 0 ? `${days} day${days === 1 ? '' : 's'}, ${clock}` : clock;
}

/** Each user's channels (sorted), from the channels' member lists, so users need no lookup of their own. */
function channelsByUser(channels: readonly { name: string; users: readonly string[] }[]): Map<string, string[]> {
  const byUser = new Map<string, string[]>();
  for (const channel of channels) {
    for (const user of channel.users) {
      const list = byUser.get(user);
      if (list) list.push(channel.name);
      else byUser.set(user, [channel.name]);
    }
  }
  for (const list of byUser.values()) list.sort();
  return byUser;
}

@Injectable()
export class AdminService {
  private readonly startedAt = Date.now();

  constructor(
    private readonly engine: Engine,
    private readonly channels: ChannelsService,
    private readonly users: UsersService,
    private readonly settings: Settings,
  ) {}

  /** /admin/admin.json: server figures, every channel and every connected user (with the channels they are in). */
  async overview() {
    const [stats, info, active] = await Promise.all([
      this.engine.stats(),
      this.channels.describe(undefined, infoOptions(undefined)),
      this.engine.activeUsers(),
    ]);
    const channelsOf = channelsByUser(Object.values(info.channels));
    return {
      remembered_user_count: stats.users,
      unique_user_count: stats.activeUsers,
      total_connections: stats.connections,
      total_channels: stats.channels,
      total_messages: stats.deliveredMessages,
      total_unique_messages: stats.uniqueMessages,
      channels: info.channels,
      users: active.map(({ user, connIds }) => ({
        user: user.username,
        state: this.users.publicState(user),
        connections: connIds,
        channels: channelsOf.get(user.username) ?? [],
      })),
      uptime: formatUptime(Date.now() - this.startedAt),
      version: VERSION,
      engine: this.engine.name,
      nodes: stats.nodes,
    };
  }
}
