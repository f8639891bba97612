import { Injectable } from '@nestjs/common';
import { ChannelsService } from '../channels/channels.service';
import type { InfoOptions } from '../channels/info.dto';
import { RequestValidationError } from '../common/validation/request-validation.error';
import { ConnectionsService } from '../connections/connections.service';
import { Engine } from '../engine/engine';
import type { StoredEvent, UserState } from '../engine/types';
import { MessagesService } from '../messages/messages.service';
import { UsersService } from '../users/users.service';
import { DEMO_CHANNEL_SETTINGS, demoName, type DemoStatus } from './demo-names';
import type { DemoDeleteDto, DemoEditDto, DemoJoinDto, DemoSayDto } from './demo.dto';

/** A chat message as the demo page shows it. */
export interface DemoMessage {
  uuid: string;
  user?: string;
  timestamp?: string;
  message?: unknown;
  edited?: unknown;
}

export interface DemoSession {
  conn_id: string;
  /** Full names (with the demo prefix), as events carry them. */
  user: string;
  channel: string;
  history: DemoMessage[];
  users: { user: string; state: UserState }[];
}

const WITH_HISTORY: InfoOptions = { includeHistory: true, includeUsers: true, excludeChannels: [], returnPublicState: true };

/**
 * The demo's backend: what a real app's backend does through the signed
 * REST API, done here through the server's own services for visitors who
 * hold no secret. It only ever touches demo-prefixed users and channels,
 * and a visitor may only change their own messages and state.
 */
@Injectable()
export class DemoService {
  constructor(
    private readonly engine: Engine,
    private readonly connections: ConnectionsService,
    private readonly messages: MessagesService,
    private readonly users: UsersService,
    private readonly channels: ChannelsService,
  ) {}

  async join(dto: DemoJoinDto): Promise<DemoSession> {
    const user = demoName(dto.username);
    const channel = demoName(dto.channel);
    const result = await this.connections.connect({
      username: user,
      connId: dto.conn_id,
      channels: [channel],
      stateUpdate: { status: 'online' },
      publicKeys: ['status'],
      channelConfigs: { [channel]: DEMO_CHANNEL_SETTINGS },
      info: WITH_HISTORY,
    });
    const info = result.channels_info.channels[channel];
    return {
      conn_id: result.conn_id,
      user,
      channel,
      history: (info?.history ?? []).map(shown),
      users: result.channels_info.users,
    };
  }

  async say(dto: DemoSayDto): Promise<DemoMessage> {
    const { user, channel } = await this.member(dto.conn_id, dto.channel);
    const [accepted] = await this.messages.publish([{ user, channel, message: { text: dto.text } }]);
    return shown(accepted as unknown as StoredEvent);
  }

  async edit(dto: DemoEditDto): Promise<{ uuid: string; edited: string }> {
    const { user, channel } = await this.member(dto.conn_id, dto.channel);
    await this.requireOwnMessage(channel, user, dto.uuid);
    const [edit] = await this.messages.edit([{ uuid: dto.uuid, channel, message: { text: dto.text } }]);
    return { uuid: dto.uuid, edited: edit!.edited };
  }

  async delete(dto: DemoDeleteDto): Promise<{ uuid: string }> {
    const { user, channel } = await this.member(dto.conn_id, dto.channel);
    await this.requireOwnMessage(channel, user, dto.uuid);
    await this.messages.delete([{ uuid: dto.uuid, channel }]);
    return { uuid: dto.uuid };
  }

  async setStatus(connId: string, status: DemoStatus): Promise<{ state: UserState }> {
    const { username } = await this.connection(connId);
    const { user } = await this.users.setState(username, { update: { status }, publicKeys: ['status'] });
    return { state: user.state };
  }

  private async connection(connId: string) {
    const connection = await this.engine.getConnection(connId);
    if (!connection) throw RequestValidationError.field('conn_id', 'Unknown connection: join again');
    return connection;
  }

  /** The visitor's user, in a demo channel their connection has joined. */
  private async member(connId: string, shortChannel: string): Promise<{ user: string; channel: string }> {
    const connection = await this.connection(connId);
    const channel = demoName(shortChannel);
    if (!connection.channels.includes(channel)) throw RequestValidationError.field('channel', 'Not joined: join this channel first');
    return { user: connection.username, channel };
  }

  /** Only the author may change a message, and only while the channel history still holds it. */
  private async requireOwnMessage(channel: string, user: string, uuid: string): Promise<void> {
    const info = await this.channels.describe([channel], { ...WITH_HISTORY, includeUsers: false });
    const stored = info.channels[channel]?.history.find((m) => m.uuid === uuid);
    if (!stored) throw RequestValidationError.field('uuid', 'Unknown message (only the channel history can be changed)');
    if (stored.user !== user) throw RequestValidationError.field('uuid', 'Not your message');
  }
}

/** A stored message without its delivery fields. */
function shown(m: StoredEvent): DemoMessage {
  return { uuid: m.uuid, user: m.user, timestamp: m.timestamp, message: m.message, edited: m.edited ?? null };
}
