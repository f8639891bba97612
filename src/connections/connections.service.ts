import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ChannelsInfo } from '../channels/channel-info';
import { ChannelsService } from '../channels/channels.service';
import type { InfoOptions } from '../channels/info.dto';
import { REJECTION, RejectionsService } from '../common/rejections.service';
import { RequestValidationError } from '../common/validation/request-validation.error';
import { Settings } from '../config/settings';
import { Engine } from '../engine/engine';
import type { ChannelSettings, ConnectionRecord, UserState } from '../engine/types';
import { UsersService } from '../users/users.service';
import { WS_CLOSE } from '../engine/close-codes';

export interface ConnectCommand {
  username: string;
  connId?: string;
  channels: string[];
  freshState?: UserState;
  stateUpdate?: UserState;
  publicKeys?: string[];
  channelConfigs: Record<string, Partial<ChannelSettings>>;
  info: InfoOptions;
}

export interface ConnectResult {
  conn_id: string;
  username: string;
  state: UserState;
  public_state: UserState;
  channels: string[];
  channels_info: ChannelsInfo;
}

export interface MembershipResult {
  channels: string[];
  channels_info: ChannelsInfo;
  changed: string[];
}

@Injectable()
export class ConnectionsService {
  private readonly logger = new Logger(ConnectionsService.name);

  constructor(
    private readonly engine: Engine,
    private readonly users: UsersService,
    private readonly channels: ChannelsService,
    private readonly settings: Settings,
    private readonly rejections: RejectionsService,
  ) {}

  /** /connect: user (created or updated), connection (created or re-used), channels joined. */
  async connect(command: ConnectCommand): Promise<ConnectResult> {
    // a refused connect must change nothing, so the conn_id is checked before the user is touched
    const existing = command.connId ? await this.engine.getConnection(command.connId) : undefined;
    if (existing && existing.username !== command.username) throw RequestValidationError.field('conn_id', 'Connection belongs to another user');
    this.checkChannelCount(existing?.channels ?? [], command.channels);
    if (!existing) await this.checkConnectionCount(command.username);
    const { user } = await this.users.upsertOnConnect(command.username, {
      fresh: command.freshState,
      update: command.stateUpdate,
      publicKeys: command.publicKeys,
    });
    const connId = command.connId ?? randomUUID();
    const opened = await this.engine.openConnection(connId, user.username);
    if (!opened) throw RequestValidationError.field('conn_id', 'Connection belongs to another user');
    for (const channel of uniqueSorted(command.channels)) {
      await this.channels.join(connId, channel, command.channelConfigs[channel]);
    }
    const connection = await this.requireConnection(connId);
    this.logger.debug(`connected ${user.username} as ${connId}${opened.created ? '' : ' (re-used)'}`);
    return {
      conn_id: connId,
      username: user.username,
      state: user.state,
      public_state: this.users.publicState(user),
      channels: connection.channels,
      channels_info: await this.channels.describe(connection.channels, command.info),
    };
  }

  async subscribe(
    connId: string,
    channels: string[],
    configs: Record<string, Partial<ChannelSettings>>,
    info: InfoOptions,
  ): Promise<MembershipResult> {
    const connection = await this.requireConnection(connId);
    this.checkChannelCount(connection.channels, channels);
    const joined: string[] = [];
    for (const channel of uniqueSorted(channels)) {
      const change = await this.channels.join(connId, channel, configs[channel]);
      if (change?.changed) joined.push(channel);
    }
    return this.membership(connId, joined, info);
  }

  async unsubscribe(connId: string, channels: string[], info: InfoOptions): Promise<MembershipResult> {
    await this.requireConnection(connId);
    const left: string[] = [];
    for (const channel of uniqueSorted(channels)) {
      const change = await this.channels.leave(connId, channel);
      if (change?.changed) left.push(channel);
    }
    return this.membership(connId, left, info);
  }

  /** /disconnect: drops the connection now; false when it was not known. */
  async disconnect(connId: string): Promise<boolean> {
    return this.expire(connId, WS_CLOSE.disconnected, 'disconnected');
  }

  /** Removes a connection: its user parts from channels where it was their last one, and its transport closes. */
  async expire(connId: string, closeCode: number = WS_CLOSE.expired, reason = 'expired'): Promise<boolean> {
    const removed = await this.engine.removeConnection(connId, closeCode, reason);
    if (!removed) return false;
    for (const channel of removed.partedChannels) {
      await this.channels.announce(channel, removed.connection.username, 'parted');
    }
    this.logger.debug(`connection ${connId} of ${removed.connection.username} removed: ${reason}`);
    return true;
  }

  /** max_channels_per_connection: the channels it has and those asked for, together. */
  private checkChannelCount(current: readonly string[], added: readonly string[]): void {
    const max = this.settings.max_channels_per_connection;
    if (current.length + added.length <= max) return;
    const total = new Set([...current, ...added]).size;
    if (total <= max) return;
    this.rejections.count(REJECTION.tooManyChannels);
    throw RequestValidationError.field('channels', `At most ${max} channels per connection (max_channels_per_connection); this would make ${total}.`);
  }

  /** max_connections_per_user, before a new connection is opened. */
  private async checkConnectionCount(username: string): Promise<void> {
    const max = this.settings.max_connections_per_user;
    const count = await this.engine.userConnectionCount(username);
    if (count < max) return;
    this.rejections.count(REJECTION.tooManyConnections);
    throw RequestValidationError.field('username', `User already has ${count} connections; at most ${max} (max_connections_per_user). Disconnect one first.`);
  }

  private async membership(connId: string, changed: string[], info: InfoOptions): Promise<MembershipResult> {
    const connection = await this.requireConnection(connId);
    return {
      channels: connection.channels,
      channels_info: await this.channels.describe(connection.channels, info),
      changed,
    };
  }

  private async requireConnection(connId: string): Promise<ConnectionRecord> {
    const connection = await this.engine.getConnection(connId);
    if (!connection) throw RequestValidationError.field('conn_id', 'Unknown connection');
    return connection;
  }
}

function uniqueSorted(names: readonly string[]): string[] {
  return [...new Set(names)].sort();
}
