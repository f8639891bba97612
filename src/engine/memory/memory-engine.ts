import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Engine, type OpenedConnection, type PublishPolicy, type RemovedConnection, type StoredEventPatch } from '../engine';
import { streamCatchup } from '../catchup';
import { isIdle, releaseSink, takeSink } from '../transport-slot';
import { OutboundEvent } from '../outbound-event';
import { isVisibleTo } from '../routing';
import { BoundedLog } from './bounded-log';
import type { Sink } from '../sink';
import {
  CHANNEL_FRAMES_KEPT,
  DEFAULT_CHANNEL_SETTINGS,
  USER_FRAMES_KEPT,
  type ChannelRecord,
  type ChannelSettings,
  type ChannelView,
  type ConnectionRecord,
  type MembershipChange,
  type StoredEvent,
  type UserRecord,
} from '../types';
import type { Positions } from '../positions';
import {
  flatMembers,
  LogicalClock,
  newEpoch,
  pushBounded,
  type Frame,
  type MemoryChannel,
  type MemoryConnection,
  type MemoryUser,
} from './memory-state';

/** Every piece of state in this process's memory: the default engine, needing nothing else. */
export interface MemoryEngineOptions {
  /** Most events replayed to recover one stream; beyond it the client is told it cannot recover. */
  recoveryMaxEvents: number;
}

/** Strict-signature nonces remembered at most (about 2 minutes of 8,000 signed calls per second). */
const MAX_NONCES = 1_000_000;

export class MemoryEngine extends Engine {
  readonly name = 'memory';
  private readonly node = `${hostname()}:${process.pid}`;

  isReady(): boolean {
    return true;
  }

  private readonly users = new Map<string, MemoryUser>();
  private readonly channels = new Map<string, MemoryChannel>();
  private readonly connections = new Map<string, MemoryConnection>();
  private readonly clock = new LogicalClock();
  private uniqueMessages = 0;
  private deliveredMessages = 0;

  constructor(private readonly options: MemoryEngineOptions = { recoveryMaxEvents: CHANNEL_FRAMES_KEPT }) {
    super();
  }

  // ---------------------------------------------------------------- users

  async updateUser(
    username: string,
    update: (current: UserRecord | undefined) => UserRecord | undefined,
  ): Promise<UserRecord | undefined> {
    const entry = this.users.get(username);
    const next = update(entry?.record);
    if (!next) return entry?.record;
    if (entry) entry.record = next;
    else this.users.set(username, { record: next, connections: new Set(), frames: new BoundedLog(USER_FRAMES_KEPT), epoch: newEpoch(), offset: 0 });
    return next;
  }

  async getUser(username: string): Promise<UserRecord | undefined> {
    return this.users.get(username)?.record;
  }

  async getUsers(usernames: readonly string[]): Promise<UserRecord[]> {
    const found: UserRecord[] = [];
    for (const name of usernames) {
      const entry = this.users.get(name);
      if (entry) found.push(entry.record);
    }
    return found;
  }

  async activeUsers(): Promise<{ user: UserRecord; connIds: string[] }[]> {
    const found: { user: UserRecord; connIds: string[] }[] = [];
    for (const entry of this.users.values()) {
      if (entry.connections.size > 0) found.push({ user: entry.record, connIds: [...entry.connections].map((c) => c.connId) });
    }
    return found;
  }

  async userChannels(username: string): Promise<ChannelRecord[]> {
    const user = this.users.get(username);
    if (!user) return [];
    const names = new Set<string>();
    for (const conn of user.connections) for (const name of conn.channels) names.add(name);
    return [...names].sort().map((name) => this.channels.get(name)!.record);
  }

  // ------------------------------------------------------------- channels

  async configureChannels(configs: Record<string, Partial<ChannelSettings>>): Promise<ChannelRecord[]> {
    return Object.entries(configs).map(([name, settings]) => {
      const existing = this.channels.get(name);
      if (!existing) return this.createChannel(name, settings).record;
      existing.record = { ...existing.record, settings: { ...existing.record.settings, ...settings } };
      this.trimHistory(existing);
      return existing.record;
    });
  }

  async channelViews(names: readonly string[] | undefined, includeHistory: boolean, includeUsers = true): Promise<ChannelView[]> {
    const entries = names === undefined ? [...this.channels.values()] : names.map((n) => this.channels.get(n));
    const views: ChannelView[] = [];
    for (const entry of entries) {
      if (!entry) continue;
      views.push({
        channel: entry.record,
        users: includeUsers ? [...entry.members.keys()].sort() : [],
        totalUsers: entry.members.size,
        totalConnections: entry.connectionCount,
        history: includeHistory ? entry.history : [],
      });
    }
    return views;
  }

  // ---------------------------------------------------------- connections

  async openConnection(connId: string, username: string): Promise<OpenedConnection | undefined> {
    const existing = this.connections.get(connId);
    if (existing) {
      if (existing.user.record.username !== username) return undefined;
      existing.lastActive = this.clock.mark();
      return { connection: this.connectionRecord(existing), created: false };
    }
    const user = this.users.get(username);
    if (!user) throw new Error(`openConnection: user ${username} does not exist`);
    const conn: MemoryConnection = { connId, user, channels: new Set(), lastActive: this.clock.mark() };
    this.connections.set(connId, conn);
    user.connections.add(conn);
    return { connection: this.connectionRecord(conn), created: true };
  }

  async getConnection(connId: string): Promise<ConnectionRecord | undefined> {
    const conn = this.connections.get(connId);
    return conn && this.connectionRecord(conn);
  }

  async join(
    connId: string,
    channelName: string,
    settingsForNew: Partial<ChannelSettings> | undefined,
  ): Promise<MembershipChange | undefined> {
    const conn = this.connections.get(connId);
    if (!conn) return undefined;
    const channel = this.channels.get(channelName) ?? this.createChannel(channelName, settingsForNew);
    this.touchChannel(channel);
    if (conn.channels.has(channelName)) return { changed: false, userBoundary: false, channel: channel.record };
    const username = conn.user.record.username;
    let userConns = channel.members.get(username);
    const first = !userConns;
    if (!userConns) channel.members.set(username, (userConns = new Set()));
    userConns.add(conn);
    channel.recipients = null;
    channel.connectionCount++;
    conn.channels.add(channelName);
    return { changed: true, userBoundary: first, channel: channel.record };
  }

  async leave(connId: string, channelName: string): Promise<MembershipChange | undefined> {
    const conn = this.connections.get(connId);
    const channel = this.channels.get(channelName);
    if (!conn || !channel) return undefined;
    if (!conn.channels.has(channelName)) return { changed: false, userBoundary: false, channel: channel.record };
    const last = this.removeMember(channel, conn);
    conn.channels.delete(channelName);
    return { changed: true, userBoundary: last, channel: channel.record };
  }

  async removeConnection(connId: string, closeCode: number, closeReason: string): Promise<RemovedConnection | undefined> {
    const conn = this.connections.get(connId);
    if (!conn) return undefined;
    const partedChannels: ChannelRecord[] = [];
    for (const name of [...conn.channels].sort()) {
      const channel = this.channels.get(name)!;
      if (this.removeMember(channel, conn)) partedChannels.push(channel.record);
    }
    const record = this.connectionRecord(conn);
    conn.channels.clear();
    this.connections.delete(connId);
    conn.user.connections.delete(conn);
    conn.user.record = { ...conn.user.record, lastActive: Date.now() };
    const sink = conn.sink;
    conn.sink = undefined;
    sink?.close(closeCode, closeReason);
    return { connection: record, partedChannels };
  }

  async idleConnections(before: number, detachedBefore = before): Promise<string[]> {
    const idle: string[] = [];
    for (const conn of this.connections.values()) {
      if (isIdle(conn, before, detachedBefore)) idle.push(conn.connId);
    }
    return idle;
  }

  async forgetIdleUsers(before: number): Promise<number> {
    let removed = 0;
    for (const [name, user] of this.users) {
      if (user.connections.size === 0 && user.record.lastActive < before) {
        this.users.delete(name);
        removed++;
      }
    }
    return removed;
  }

  async forgetIdleChannels(before: number): Promise<number> {
    let removed = 0;
    for (const [name, channel] of this.channels) {
      if (channel.connectionCount === 0 && channel.record.lastActive < before) {
        this.channels.delete(name);
        removed++;
      }
    }
    return removed;
  }

  // --------------------------------------------------------------- events

  async publishToChannel(channelName: string, event: StoredEvent, policy: PublishPolicy): Promise<boolean> {
    const isMessage = event.type === 'message';
    if (isMessage) this.uniqueMessages++;
    const channel = this.channels.get(channelName);
    if (!channel) return false;
    const settings = channel.record.settings;
    const historySize = policy.historySize(settings, event);
    if (historySize > 0) pushBounded(channel.history, event, historySize);
    const at = this.clock.mark();
    const offset = ++channel.offset;
    if (policy.keepFrame(settings)) channel.frames.push({ at, offset, event });
    this.touchChannel(channel);

    const outbound = new OutboundEvent(event, false, { epoch: channel.epoch, offset });
    // isVisibleTo checks the same lengths, but the flat list has no username at hand: it is looked up only to filter
    const filtered = event.pm_users.length > 0 || event.exclude_users.length > 0;
    let delivered = 0;
    for (const conn of (channel.recipients ??= flatMembers(channel))) {
      if (filtered && !isVisibleTo(event, conn.user.record.username)) continue;
      if (this.deliver(conn, outbound, at)) delivered++;
    }
    if (isMessage) this.deliveredMessages += delivered;
    return true;
  }

  async publishToUsers(usernames: readonly string[], event: StoredEvent): Promise<void> {
    const isMessage = event.type === 'message';
    if (isMessage) this.uniqueMessages++;
    const shared = new OutboundEvent(event);
    const at = this.clock.mark();
    let delivered = 0;
    for (const name of new Set(usernames)) {
      const user = this.users.get(name);
      if (!user) continue;
      const offset = ++user.offset;
      user.frames.push({ at, offset, event });
      const outbound = shared.at({ epoch: user.epoch, offset });
      for (const conn of user.connections) if (this.deliver(conn, outbound, at)) delivered++;
    }
    if (isMessage) this.deliveredMessages += delivered;
  }

  async editStored(target: string | readonly string[], uuid: string, patch: StoredEventPatch): Promise<void> {
    for (const list of this.storedLists(target)) {
      const found = list.find((e) => e.uuid === uuid && e.type === 'message');
      if (found) Object.assign(found, patch);
    }
  }

  async deleteStored(target: string | readonly string[], uuid: string): Promise<void> {
    if (typeof target === 'string') {
      const channel = this.channels.get(target);
      if (!channel) return;
      removeFirst(channel.history, (e) => e.uuid === uuid);
      markDeleted(channel.frames, uuid);
      return;
    }
    for (const name of target) {
      const user = this.users.get(name);
      if (user) markDeleted(user.frames, uuid);
    }
  }

  // ----------------------------------------------------------- transports

  async attach(connId: string, sink: Sink, resume?: Positions): Promise<boolean> {
    const conn = this.connections.get(connId);
    if (!conn) return false;
    takeSink(conn, sink);
    this.announceAttach(sink);
    for (const event of this.catchup(conn, resume)) sink.deliver(event);
    conn.lastActive = this.clock.mark();
    return true;
  }

  detach(connId: string, sink: Sink): boolean {
    return releaseSink(this.connections.get(connId), sink, this.clock.mark());
  }

  sinkOf(connId: string): Sink | undefined {
    return this.connections.get(connId)?.sink;
  }

  touch(connId: string): void {
    const conn = this.connections.get(connId);
    if (conn) conn.lastActive = this.clock.mark();
  }

  *localSinks(): Iterable<Sink> {
    for (const conn of this.connections.values()) if (conn.sink) yield conn.sink;
  }

  // ------------------------------------------------------------- security

  /** Nonce -> expiry (epoch ms), in insertion order: with one TTL for all, the oldest expire first. */
  private readonly nonces = new Map<string, number>();

  async rememberNonce(nonce: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    for (const [old, expires] of this.nonces) {
      if (expires > now) break;
      this.nonces.delete(old);
    }
    const known = this.nonces.get(nonce);
    if (known !== undefined && known > now) return false;
    if (this.nonces.size >= MAX_NONCES) return false; // full of live nonces: refuse rather than forget one
    this.nonces.delete(nonce);
    this.nonces.set(nonce, now + ttlMs);
    return true;
  }

  async userConnectionCount(username: string): Promise<number> {
    return this.users.get(username)?.connections.size ?? 0;
  }

  async stats() {
    let activeUsers = 0;
    for (const user of this.users.values()) if (user.connections.size > 0) activeUsers++;
    return {
      connections: this.connections.size,
      users: this.users.size,
      activeUsers,
      channels: this.channels.size,
      uniqueMessages: this.uniqueMessages,
      deliveredMessages: this.deliveredMessages,
      nodes: [{ node: this.node, connections: this.connections.size, seen: Date.now() }],
    };
  }

  // -------------------------------------------------------------- helpers

  private createChannel(name: string, settings: Partial<ChannelSettings> | undefined): MemoryChannel {
    const channel: MemoryChannel = {
      record: {
        name,
        uuid: randomUUID(),
        longName: null,
        settings: { ...DEFAULT_CHANNEL_SETTINGS, ...settings },
        lastActive: Date.now(),
      },
      members: new Map(),
      recipients: null,
      connectionCount: 0,
      history: [],
      frames: new BoundedLog(CHANNEL_FRAMES_KEPT),
      epoch: newEpoch(),
      offset: 0,
    };
    this.channels.set(name, channel);
    return channel;
  }

  private touchChannel(channel: MemoryChannel): void {
    channel.record.lastActive = Date.now();
  }

  private trimHistory(channel: MemoryChannel): void {
    const { store_history, history_size } = channel.record.settings;
    const keep = store_history ? history_size : channel.history.length;
    if (channel.history.length > keep) channel.history.splice(0, channel.history.length - keep);
  }

  /** Removes a connection from a channel's members; true when it was the user's last one there. */
  private removeMember(channel: MemoryChannel, conn: MemoryConnection): boolean {
    const username = conn.user.record.username;
    const conns = channel.members.get(username);
    if (!conns?.delete(conn)) return false;
    channel.recipients = null;
    channel.connectionCount--;
    this.touchChannel(channel);
    if (conns.size > 0) return false;
    channel.members.delete(username);
    return true;
  }

  private deliver(conn: MemoryConnection, event: OutboundEvent, at: number): boolean {
    const sink = conn.sink;
    if (!sink) return false;
    sink.deliver(event);
    if (sink.kind !== 'long-poll') conn.lastActive = at; // written to a live transport
    return true;
  }

  /**
   * What a (re)attaching transport missed: per stream, exactly the frames
   * after the client's position (or a recovery event when that cannot be),
   * else the frames newer than the connection's last activity; in time order.
   */
  private catchup(conn: MemoryConnection, resume: Positions | undefined): OutboundEvent[] {
    const username = conn.user.record.username;
    const common = { username, since: conn.lastActive, maxEvents: this.options.recoveryMaxEvents, mark: () => this.clock.mark() };
    const found = [...conn.channels].flatMap((name) => {
      const channel = this.channels.get(name)!;
      const current = { epoch: channel.epoch, offset: channel.offset };
      return streamCatchup({ ...common, stream: name, current, frames: channel.frames.toArray(), from: resume?.channels[name] });
    });
    const user = conn.user;
    found.push(...streamCatchup({ ...common, stream: null, current: { epoch: user.epoch, offset: user.offset }, frames: user.frames.toArray(), from: resume?.user }));
    return found.sort((a, b) => a.at - b.at).map((f) => f.event);
  }

  private *storedLists(target: string | readonly string[]): Iterable<StoredEvent[]> {
    if (typeof target === 'string') {
      const channel = this.channels.get(target);
      if (!channel) return;
      yield channel.history;
      yield channel.frames.toArray().map((f) => f.event);
      return;
    }
    for (const name of target) {
      const user = this.users.get(name);
      if (user) yield user.frames.toArray().map((f) => f.event);
    }
  }

  private connectionRecord(conn: MemoryConnection): ConnectionRecord {
    return {
      connId: conn.connId,
      username: conn.user.record.username,
      channels: [...conn.channels].sort(),
      lastActive: conn.lastActive,
    };
  }
}

function markDeleted(frames: BoundedLog<Frame>, uuid: string): void {
  const frame = frames.find((f) => !f.deleted && f.event.uuid === uuid && f.event.type === 'message');
  if (frame) frame.deleted = true;
}

function removeFirst<T>(list: T[], predicate: (item: T) => boolean): void {
  const index = list.findIndex(predicate);
  if (index >= 0) list.splice(index, 1);
}
