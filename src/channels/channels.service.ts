import { Injectable } from '@nestjs/common';
import { Engine, FRAMES_ONLY } from '../engine/engine';
import type { ChannelRecord, ChannelSettings, MembershipChange } from '../engine/types';
import { UsersService } from '../users/users.service';
import { channelInfo, type ChannelsInfo } from './channel-info';
import type { InfoOptions } from './info.dto';
import { presenceEvent, type PresenceAction } from './presence';

@Injectable()
export class ChannelsService {
  constructor(
    private readonly engine: Engine,
    private readonly users: UsersService,
  ) {}

  /** /channel_config: creates or reconfigures channels (only the given settings change). */
  async configure(configs: Record<string, Partial<ChannelSettings>>): Promise<ChannelsInfo> {
    const channels = await this.engine.configureChannels(configs);
    return this.describe(
      channels.map((c) => c.name),
      { includeHistory: false, includeUsers: false, excludeChannels: [], returnPublicState: false },
    );
  }

  /** channels_info for the named channels (all when undefined). */
  async describe(names: readonly string[] | undefined, options: InfoOptions): Promise<ChannelsInfo> {
    const excluded = new Set(options.excludeChannels);
    const views = (await this.engine.channelViews(names, options.includeHistory, options.includeUsers)).filter((v) => !excluded.has(v.channel.name));
    const info: ChannelsInfo = { channels: {}, users: [] };
    const listed = new Set<string>();
    for (const view of views) {
      info.channels[view.channel.name] = channelInfo(view, options.includeUsers);
      if (options.includeUsers) for (const user of view.users) listed.add(user);
    }
    info.users = await this.users.describeUsers([...listed].sort(), options.returnPublicState);
    return info;
  }

  /** Adds a connection to a channel (created with `settingsForNew` if missing); announces the user's first join. */
  async join(connId: string, channel: string, settingsForNew?: Partial<ChannelSettings>): Promise<MembershipChange | undefined> {
    const change = await this.engine.join(connId, channel, settingsForNew);
    if (change?.changed && change.userBoundary) {
      const conn = await this.engine.getConnection(connId);
      if (conn) await this.announce(change.channel, conn.username, 'joined');
    }
    return change;
  }

  /** Removes a connection from a channel; announces when the user's last connection left. */
  async leave(connId: string, channel: string): Promise<MembershipChange | undefined> {
    const conn = await this.engine.getConnection(connId);
    const change = await this.engine.leave(connId, channel);
    if (conn && change?.changed && change.userBoundary) await this.announce(change.channel, conn.username, 'parted');
    return change;
  }

  /** Sends a presence event when the channel wants them. */
  async announce(channel: ChannelRecord, username: string, action: PresenceAction): Promise<void> {
    if (!channel.settings.notify_presence) return;
    let members: { user: string; state: Record<string, unknown> }[] = [];
    if (channel.settings.broadcast_presence_with_user_lists) {
      const [view] = await this.engine.channelViews([channel.name], false);
      members = await this.users.describeUsers(view?.users ?? [], true);
    }
    let state = null;
    if (action === 'joined') {
      const [user] = await this.users.getUsers([username]);
      state = user ? this.users.publicState(user) : {};
    }
    const event = presenceEvent(channel.name, username, action, state, members as never);
    await this.engine.publishToChannel(channel.name, event, FRAMES_ONLY);
  }
}
