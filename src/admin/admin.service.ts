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

@Injectable()
export class AdminService {
  private readonly startedAt = Date.now();

  constructor(
    private readonly engine: Engine,
    private readonly channels: ChannelsService,
    private readonly users: UsersService,
    private readonly settings: Settings,
  ) {}

  /** /admin/admin.json: server figures, every channel and every connected user. */
  async overview() {
    const [stats, info, active] = await Promise.all([
      this.engine.stats(),
      this.channels.describe(undefined, infoOptions(undefined)),
      this.engine.activeUsers(),
    ]);
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
      })),
      uptime: formatUptime(Date.now() - this.startedAt),
      version: VERSION,
      engine: this.engine.name,
      nodes: stats.nodes,
    };
  }
}
