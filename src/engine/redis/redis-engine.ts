import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { streamCatchup, type CatchupWindow, type StoredFrame } from '../catchup';
import { WS_CLOSE } from '../close-codes';
import { isIdle, releaseSink, takeSink } from '../transport-slot';
import { Engine, type OpenedConnection, type PublishPolicy, type RemovedConnection, type StoredEventPatch } from '../engine';
import { EngineUnavailableError } from '../engine-errors';
import { LogicalClock, newEpoch } from '../memory/memory-state';
import type { Positions } from '../positions';
import { OutboundEvent } from '../outbound-event';
import type { Sink } from '../sink';
import {
  CHANNEL_FRAMES_KEPT,
  DEFAULT_CHANNEL_SETTINGS,
  USER_FRAMES_KEPT,
  type ChannelRecord,
  type ChannelSettings,
  type ChannelView,
  type ConnectionRecord,
  type EngineStats,
  type MembershipChange,
  type NodeStats,
  type StoredEvent,
  type UserRecord,
} from '../types';
import { LocalHub, USER_STREAM, type LocalConnection } from './local-hub';
import { RedisKeys } from './redis-keys';
import * as scripts from './redis-scripts';

export interface RedisEngineOptions {
  url: string;
  prefix: string;
  /** Seconds without activity before a connection expires; also bounds how long a dead node's connections live. */
  gcConnsAfter: number;
  /** Seconds channel frames are kept without new events. */
  framesTtl: number;
  /** Most events replayed to recover one stream. */
  recoveryMaxEvents: number;
}

/** A stored frame: {at, offset, event}, tombstoned (deleted) when its message was deleted. */
type Frame = StoredFrame;

/** What pub/sub carries: the frame plus its stream's epoch. */
interface Published extends Frame {
  epoch?: string;
}

type Control =
  | { op: 'join' | 'leave'; connId: string; channel: string; at: number }
  | { op: 'remove'; connId: string; code: number; reason: string }
  | { op: 'moved'; connId: string };

const USER_TTL_MS = 24 * 3600 * 1000;
const MAINTENANCE_EVERY_MS = 2000;
const CAS_RETRIES = 20;

type ScriptName = keyof typeof scripts;
type Reply = (string | number | null)[] | number | null;

/**
 * State in Redis, fan-out over Redis pub/sub: any number of nodes sharing one
 * Redis behave as one server. Each node subscribes only to the channel and
 * user topics its own connections need and filters pm_users/exclude_users
 * locally. Multi-step changes are Lua scripts. A node that dies stops
 * refreshing its heartbeat key; another node then expires its connections.
 */
export class RedisEngine extends Engine implements OnModuleInit, OnApplicationShutdown {
  readonly name = 'redis';
  readonly nodeId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  private readonly logger = new Logger(RedisEngine.name);
  private readonly keys: RedisKeys;
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly clock = new LogicalClock();
  private readonly hub: LocalHub;
  private readonly topics = new Map<string, Promise<unknown>>();
  private maintenance?: NodeJS.Timeout;
  private deliveredFlushed = 0;
  private stopped = false;
  private readonly calls = { calls: 0, errors: 0, seconds: 0 };

  constructor(private readonly options: RedisEngineOptions) {
    super();
    this.keys = new RedisKeys(options.prefix);
    const common = { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1, retryStrategy: (n: number) => Math.min(n * 200, 2000) };
    // commands fail at once while Redis is down (answered 503) instead of queueing and hanging requests
    this.redis = new Redis(options.url, { ...common, enableOfflineQueue: false, commandTimeout: 3000 });
    this.subscriber = new Redis(options.url, { ...common, autoResubscribe: true });
    for (const [name, lua] of Object.entries(scripts)) this.redis.defineCommand(name, { numberOfKeys: name === 'LIST_CAS' ? 1 : 0, lua });
    for (const client of [this.redis, this.subscriber]) client.on('error', (err) => this.logger.warn(`redis: ${err.message}`));
    this.redis.on('ready', () => void this.reannounce());
    this.subscriber.on('messageBuffer', (topic: Buffer, payload: Buffer) => this.onMessage(topic.toString(), payload.toString()));
    this.hub = new LocalHub({
      subscribeChannel: (ch) => void this.subscribe(this.keys.channelTopic(ch)),
      unsubscribeChannel: (ch) => void this.unsubscribe(this.keys.channelTopic(ch)),
      subscribeUser: (u) => void this.subscribe(this.keys.userTopic(u)),
      unsubscribeUser: (u) => void this.unsubscribe(this.keys.userTopic(u)),
    });
  }

  async onModuleInit(): Promise<void> {
    await Promise.allSettled([this.redis.connect(), this.subscriber.connect()]);
    await this.subscribe(this.keys.nodeTopic(this.nodeId));
    this.maintenance = setInterval(() => void this.maintain(), MAINTENANCE_EVERY_MS).unref();
    if (this.isReady()) await this.maintain();
    else this.logger.error(`redis at ${redactUrl(this.options.url)} is not reachable; retrying`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.maintenance);
    try {
      // dropping the heartbeat key lets another node expire what is left of ours right away
      if (this.isReady()) await this.redis.del(this.keys.node(this.nodeId));
    } catch {
      // best effort: the key expires by itself otherwise
    }
    this.redis.disconnect();
    this.subscriber.disconnect();
  }

  isReady(): boolean {
    return this.redis.status === 'ready' && this.subscriber.status === 'ready';
  }

  // ---------------------------------------------------------------- users

  async updateUser(username: string, update: (current: UserRecord | undefined) => UserRecord | undefined): Promise<UserRecord | undefined> {
    const key = this.keys.user(username);
    for (let attempt = 0; attempt < CAS_RETRIES; attempt++) {
      const raw = await this.call(() => this.redis.hget(key, 'record'));
      const current = raw ? (JSON.parse(raw) as UserRecord) : undefined;
      const next = update(current);
      if (!next) return current;
      const json = JSON.stringify(next);
      if ((await this.run('CAS_USER', this.keys.prefix, username, raw ?? '', json, USER_TTL_MS, newEpoch())) === 1) return next;
    }
    throw new EngineUnavailableError(`user ${username} changed concurrently too often`);
  }

  async getUser(username: string): Promise<UserRecord | undefined> {
    return (await this.getUsers([username]))[0];
  }

  async getUsers(usernames: readonly string[]): Promise<UserRecord[]> {
    if (usernames.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const name of usernames) pipeline.hget(this.keys.user(name), 'record');
    const results = await this.exec(pipeline);
    return results.filter((r): r is string => typeof r === 'string').map((r) => JSON.parse(r) as UserRecord);
  }

  async activeUsers(): Promise<{ user: UserRecord; connIds: string[] }[]> {
    const names = await this.call(() => this.redis.smembers(this.keys.activeUsers));
    const users = await this.getUsers(names);
    const pipeline = this.redis.pipeline();
    for (const user of users) pipeline.smembers(this.keys.userConnections(user.username));
    const conns = await this.exec(pipeline);
    return users.map((user, i) => ({ user, connIds: conns[i] as string[] }));
  }

  async userChannels(username: string): Promise<ChannelRecord[]> {
    const connIds = await this.call(() => this.redis.smembers(this.keys.userConnections(username)));
    if (connIds.length === 0) return [];
    const names = await this.call(() => this.redis.sunion(...connIds.map((id) => this.keys.connectionChannels(id))));
    return (await this.channelRecords(names.sort())).filter((c): c is ChannelRecord => c !== undefined);
  }

  // ------------------------------------------------------------- channels

  async configureChannels(configs: Record<string, Partial<ChannelSettings>>): Promise<ChannelRecord[]> {
    const records: ChannelRecord[] = [];
    for (const [name, settings] of Object.entries(configs)) {
      const reply = (await this.run(
        'CONFIGURE_CHANNEL',
        this.keys.prefix,
        name,
        JSON.stringify(settings),
        JSON.stringify(DEFAULT_CHANNEL_SETTINGS),
        randomUUID(),
        Date.now(),
        newEpoch(),
      )) as string[];
      records.push(channelRecord(name, reply[0], reply[1], reply[2]));
    }
    return records;
  }

  async channelViews(names: readonly string[] | undefined, includeHistory: boolean, includeUsers = true): Promise<ChannelView[]> {
    const list = names ?? (await this.call(() => this.redis.smembers(this.keys.channels)));
    if (list.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const name of list) {
      pipeline.hmget(this.keys.channel(name), 'uuid', 'settings', 'lastActive');
      pipeline.hgetall(this.keys.channelMembers(name));
      if (includeHistory) pipeline.lrange(this.keys.channelHistory(name), 0, -1);
    }
    const results = await this.exec(pipeline);
    const step = includeHistory ? 3 : 2;
    const views: ChannelView[] = [];
    list.forEach((name, i) => {
      const [uuid, settings, lastActive] = results[i * step] as (string | null)[];
      if (!uuid || !settings) return;
      const members = results[i * step + 1] as Record<string, string>;
      const history = includeHistory ? (results[i * step + 2] as string[]).map((h) => JSON.parse(h) as StoredEvent) : [];
      views.push({
        channel: channelRecord(name, uuid, settings, lastActive),
        users: includeUsers ? Object.keys(members).sort() : [],
        totalUsers: Object.keys(members).length,
        totalConnections: Object.values(members).reduce((sum, n) => sum + Number(n), 0),
        history,
      });
    });
    return views;
  }

  // ---------------------------------------------------------- connections

  async openConnection(connId: string, username: string): Promise<OpenedConnection | undefined> {
    const now = this.clock.mark();
    const [status, owner] = (await this.run('OPEN_CONNECTION', this.keys.prefix, connId, username, this.nodeId, now)) as [number, string];
    if (status === -1) return undefined;
    if (status === -2) throw new Error(`openConnection: user ${username} does not exist`);
    if (status === 1) this.hub.adopt(connId, username, [], now);
    else if (owner === this.nodeId) this.touch(connId);
    const connection = await this.getConnection(connId);
    return connection && { connection, created: status === 1 };
  }

  async getConnection(connId: string): Promise<ConnectionRecord | undefined> {
    const pipeline = this.redis.pipeline();
    pipeline.hmget(this.keys.connection(connId), 'user', 'lastActive');
    pipeline.smembers(this.keys.connectionChannels(connId));
    const [[user, lastActive], channels] = (await this.exec(pipeline)) as [(string | null)[], string[]];
    if (!user) return undefined;
    const local = this.hub.get(connId);
    return { connId, username: user, channels: channels.sort(), lastActive: local?.lastActive ?? Number(lastActive) };
  }

  async join(connId: string, channel: string, settingsForNew: Partial<ChannelSettings> | undefined): Promise<MembershipChange | undefined> {
    const settings = JSON.stringify({ ...DEFAULT_CHANNEL_SETTINGS, ...settingsForNew });
    const now = this.clock.mark();
    const reply = (await this.run('JOIN', this.keys.prefix, connId, channel, settings, randomUUID(), now, newEpoch())) as Reply;
    if (!Array.isArray(reply)) return undefined;
    const [changed, boundary, uuid, settingsJson, owner, , lastActive] = reply as [number, number, string, string, string, string, string];
    if (changed === 1) await this.membershipChanged(owner, { op: 'join', connId, channel, at: now });
    return { changed: changed === 1, userBoundary: boundary === 1, channel: channelRecord(channel, uuid, settingsJson, lastActive) };
  }

  async leave(connId: string, channel: string): Promise<MembershipChange | undefined> {
    const now = this.clock.mark();
    const reply = (await this.run('LEAVE', this.keys.prefix, connId, channel, now)) as Reply;
    if (!Array.isArray(reply)) return undefined;
    const [changed, boundary, uuid, settingsJson, owner, , lastActive] = reply as [number, number, string, string, string, string, string];
    if (changed === 1) await this.membershipChanged(owner, { op: 'leave', connId, channel, at: now });
    return { changed: changed === 1, userBoundary: boundary === 1, channel: channelRecord(channel, uuid, settingsJson, lastActive) };
  }

  async removeConnection(connId: string, closeCode: number, closeReason: string): Promise<RemovedConnection | undefined> {
    const reply = (await this.run('REMOVE_CONNECTION', this.keys.prefix, connId, Date.now(), USER_TTL_MS)) as Reply;
    if (!Array.isArray(reply)) {
      this.closeLocal(connId, closeCode, closeReason); // Redis forgot it already: release the transport here too
      return undefined;
    }
    const [username, owner, lastActive, ...parted] = reply as string[];
    const local = this.hub.get(connId);
    const record: ConnectionRecord = { connId, username, channels: [], lastActive: local?.lastActive ?? Number(lastActive) };
    if (owner === this.nodeId || local) this.closeLocal(connId, closeCode, closeReason);
    if (owner !== this.nodeId) await this.control(owner, { op: 'remove', connId, code: closeCode, reason: closeReason });
    const partedChannels = (await this.channelRecords(parted)).filter((c): c is ChannelRecord => c !== undefined);
    return { connection: record, partedChannels };
  }

  async idleConnections(before: number, detachedBefore = before): Promise<string[]> {
    const idle: string[] = [];
    for (const conn of this.hub.connections.values()) {
      if (isIdle(conn, before, detachedBefore)) idle.push(conn.connId);
    }
    return idle.concat(await this.orphanedConnections());
  }

  async forgetIdleUsers(): Promise<number> {
    // users expire through their TTL (a day after their last connection); drop the names left in the index
    let removed = 0;
    for (const name of await this.call(() => this.redis.smembers(this.keys.users))) {
      if ((await this.call(() => this.redis.exists(this.keys.user(name)))) === 0) {
        await this.call(() => this.redis.srem(this.keys.users, name));
        removed++;
      }
    }
    return removed;
  }

  async forgetIdleChannels(before: number): Promise<number> {
    let removed = 0;
    for (const name of await this.call(() => this.redis.smembers(this.keys.channels))) {
      removed += (await this.run('FORGET_CHANNEL', this.keys.prefix, name, before)) as number;
    }
    return removed;
  }

  // --------------------------------------------------------------- events

  async publishToChannel(channel: string, event: StoredEvent, policy: PublishPolicy): Promise<boolean> {
    const isMessage = event.type === 'message';
    const settingsJson = await this.call(() => this.redis.hget(this.keys.channel(channel), 'settings'));
    if (!settingsJson) {
      if (isMessage) await this.call(() => this.redis.hincrby(this.keys.stats, 'unique', 1));
      return false;
    }
    const settings = JSON.parse(settingsJson) as ChannelSettings;
    const offset = await this.run(
      'PUBLISH_CHANNEL',
      this.keys.prefix,
      channel,
      JSON.stringify(event),
      policy.historySize(settings, event),
      policy.keepFrame(settings) ? '1' : '0',
      CHANNEL_FRAMES_KEPT,
      this.options.framesTtl * 1000,
      Date.now(),
      this.clock.mark(),
      isMessage ? '1' : '0',
      newEpoch(),
    );
    return Number(offset) > 0;
  }

  async publishToUsers(usernames: readonly string[], event: StoredEvent): Promise<void> {
    const users = [...new Set(usernames)];
    await this.run(
      'PUBLISH_USERS',
      this.keys.prefix,
      JSON.stringify(event),
      USER_FRAMES_KEPT,
      USER_TTL_MS,
      this.clock.mark(),
      event.type === 'message' ? '1' : '0',
      newEpoch(),
      ...users,
    );
  }

  async editStored(target: string | readonly string[], uuid: string, patch: StoredEventPatch): Promise<void> {
    for (const { key, framed } of this.storedLists(target)) {
      await this.casListItem(key, (item) => {
        const frame = framed ? (JSON.parse(item) as Frame) : undefined;
        const event = frame ? frame.event : (JSON.parse(item) as StoredEvent);
        if (event.uuid !== uuid || event.type !== 'message') return undefined;
        Object.assign(event, patch);
        return JSON.stringify(frame ?? event);
      });
    }
  }

  /** Removes the message from history; in frames it becomes a tombstone, keeping its offset so recovery sees no gap. */
  async deleteStored(target: string | readonly string[], uuid: string): Promise<void> {
    for (const { key, framed } of this.storedLists(target)) {
      if (framed) {
        await this.casListItem(key, (item) => {
          const frame = JSON.parse(item) as Frame;
          if (frame.deleted || frame.event.uuid !== uuid || frame.event.type !== 'message') return undefined;
          return JSON.stringify({ ...frame, deleted: true });
        });
        continue;
      }
      const items = await this.call(() => this.redis.lrange(key, 0, -1));
      const found = items.find((item) => (JSON.parse(item) as StoredEvent).uuid === uuid);
      if (found) await this.call(() => this.redis.lrem(key, 1, found));
    }
  }

  // ----------------------------------------------------------- transports

  async attach(connId: string, sink: Sink, resume?: Positions): Promise<boolean> {
    // what is published from now on reaches an attached client: live, even when the catch-up read finds it
    const attachedAt = this.clock.mark();
    const reply = (await this.run('ATTACH', this.keys.prefix, connId, this.nodeId)) as Reply;
    if (!Array.isArray(reply)) return false;
    const [username, previousOwner, lastActive, ...channels] = reply as string[];
    if (previousOwner !== this.nodeId) await this.control(previousOwner, { op: 'moved', connId });
    const known = this.hub.get(connId);
    const since = known?.lastActive ?? Number(lastActive);
    const conn = this.hub.adopt(connId, username, channels, since);
    takeSink(conn, sink);
    this.announceAttach(sink);
    await this.catchUp(conn, { since, liveAfter: attachedAt }, [...conn.channels], true, resume);
    conn.lastActive = this.clock.mark();
    return true;
  }

  detach(connId: string, sink: Sink): boolean {
    return releaseSink(this.hub.get(connId), sink, this.clock.mark());
  }

  sinkOf(connId: string): Sink | undefined {
    return this.hub.get(connId)?.sink;
  }

  touch(connId: string): void {
    const conn = this.hub.get(connId);
    if (conn) conn.lastActive = this.clock.mark();
  }

  *localSinks(): Iterable<Sink> {
    for (const conn of this.hub.connections.values()) if (conn.sink) yield conn.sink;
  }

  // ------------------------------------------------------------- security

  async rememberNonce(nonce: string, ttlMs: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(ttlMs));
    return (await this.call(() => this.redis.set(`${this.keys.prefix}nonce:${nonce}`, '1', 'PX', ttl, 'NX'))) === 'OK';
  }

  async userConnectionCount(username: string): Promise<number> {
    return this.call(() => this.redis.scard(this.keys.userConnections(username)));
  }

  async stats(): Promise<EngineStats> {
    await this.flushDelivered();
    const pipeline = this.redis.pipeline();
    pipeline.scard(this.keys.users);
    pipeline.scard(this.keys.activeUsers);
    pipeline.scard(this.keys.channels);
    pipeline.hgetall(this.keys.stats);
    pipeline.smembers(this.keys.nodes);
    const [users, active, channels, counters, nodeIds] = (await this.exec(pipeline)) as [number, number, number, Record<string, string>, string[]];
    const nodes: NodeStats[] = [];
    if (nodeIds.length) {
      const raw = await this.call(() => this.redis.mget(...nodeIds.map((id) => this.keys.node(id))));
      raw.forEach((r, i) => r && nodes.push({ node: nodeIds[i], ...(JSON.parse(r) as Omit<NodeStats, 'node'>) }));
    }
    return {
      connections: Number(counters.connections ?? 0),
      users,
      activeUsers: active,
      channels,
      uniqueMessages: Number(counters.unique ?? 0),
      deliveredMessages: Number(counters.delivered ?? 0),
      nodes: nodes.sort((a, b) => a.node.localeCompare(b.node)),
    };
  }

  // --------------------------------------------------------------- fan-out

  private onMessage(topic: string, payload: string): void {
    try {
      if (topic === this.keys.nodeTopic(this.nodeId)) return void this.onControl(JSON.parse(payload) as Control);
      const { at, offset, epoch, event } = JSON.parse(payload) as Published;
      const position = epoch !== undefined ? { epoch, offset } : undefined;
      const channelPrefix = this.keys.channelTopic('');
      const userPrefix = this.keys.userTopic('');
      if (topic.startsWith(channelPrefix)) this.hub.deliverToChannel(topic.slice(channelPrefix.length), event, at, position);
      else if (topic.startsWith(userPrefix)) this.hub.deliverToUser(topic.slice(userPrefix.length), event, at, position);
    } catch (err) {
      this.logger.error(`bad message on ${topic}: ${(err as Error).message}`);
    }
  }

  private onControl(control: Control): void {
    const conn = this.hub.get(control.connId);
    if (!conn) return;
    switch (control.op) {
      case 'join':
        if (conn.channels.has(control.channel)) return;
        this.hub.join(conn, control.channel);
        // events published before this node's subscription took effect are read back from the frames
        void this.catchUp(conn, { since: control.at, liveAfter: control.at }, [control.channel], false).catch((err: Error) => this.logger.warn(`backfill failed: ${err.message}`));
        return;
      case 'leave':
        return this.hub.leave(conn, control.channel);
      case 'remove':
        return this.closeLocal(control.connId, control.code, control.reason);
      case 'moved':
        return this.closeLocal(control.connId, WS_CLOSE.replaced, 'moved to another node');
    }
  }

  /** Membership changed in Redis: the owner node updates its index (and topic subscriptions). */
  private async membershipChanged(owner: string, change: Extract<Control, { op: 'join' | 'leave' }>): Promise<void> {
    const conn = owner === this.nodeId ? this.hub.get(change.connId) : undefined;
    if (owner !== this.nodeId) return this.control(owner, change);
    if (!conn) return;
    if (change.op === 'leave') return this.hub.leave(conn, change.channel);
    this.hub.join(conn, change.channel);
    await this.topics.get(this.keys.channelTopic(change.channel));
  }

  /**
   * Replays what the connection missed before any live event, holding live
   * events meanwhile so there is no gap and no duplicate: per stream, exactly
   * the frames after the client's `resume` position (or a recovery event
   * when that cannot be), else the frames newer than `since`. Frames stamped
   * after `liveAfter` reached an attached client: they are read back (pub/sub
   * may not have had the topic yet) but sent as live events.
   */
  private async catchUp(conn: LocalConnection, window: CatchupWindow, channels: string[], includeUser: boolean, resume?: Positions): Promise<void> {
    conn.pending ??= [];
    try {
      await Promise.all([...channels.map((c) => this.keys.channelTopic(c)), this.keys.userTopic(conn.username)].map((t) => this.topics.get(t)));
      const pipeline = this.redis.pipeline();
      for (const channel of channels) {
        pipeline.lrange(this.keys.channelFrames(channel), 0, -1);
        pipeline.hmget(this.keys.channel(channel), 'epoch', 'offset');
      }
      if (includeUser) {
        pipeline.lrange(this.keys.userFrames(conn.username), 0, -1);
        pipeline.hmget(this.keys.user(conn.username), 'epoch', 'offset');
      }
      const results = await this.exec(pipeline);
      // each stream's frames and where it stands, read once: for the replay and for the live events that follow
      const streams = [...channels, ...(includeUser ? [null] : [])].map((stream, i) => {
        const [epoch, offset] = results[i * 2 + 1] as (string | null)[];
        return { stream, epoch, offset: Number(offset ?? 0), frames: results[i * 2] as string[] };
      });
      const found: { at: number; event: OutboundEvent }[] = [];
      for (const { stream, epoch, offset, frames } of streams) {
        found.push(
          ...streamCatchup({
            stream,
            username: conn.username,
            current: { epoch: epoch ?? '', offset },
            frames: frames.map((item) => JSON.parse(item) as Frame),
            ...window,
            from: stream === null ? resume?.user : resume?.channels[stream],
            maxEvents: this.options.recoveryMaxEvents,
            mark: () => this.clock.mark(),
          }),
        );
      }
      found.sort((a, b) => a.at - b.at);
      const replayed = new Set(found.map((f) => f.event.event.uuid));
      const live = conn.pending;
      conn.pending = null;
      for (const f of found) this.hub.deliver(conn, f.event, f.at, true);
      for (const item of live ?? []) if (!replayed.has(item.event.event.uuid)) this.hub.deliver(conn, item.event, item.at);
      // pub/sub may still bring events the read above held (published just before it): remember where it stood
      for (const { stream, epoch, offset } of streams) {
        if (epoch !== null) (conn.caughtUpTo ??= new Map()).set(stream ?? USER_STREAM, { epoch, offset });
      }
    } finally {
      if (conn.pending) {
        const live = conn.pending;
        conn.pending = null;
        for (const item of live) this.hub.deliver(conn, item.event, item.at);
      }
    }
  }

  private closeLocal(connId: string, code: number, reason: string): void {
    this.hub.drop(connId)?.close(code, reason);
  }

  private async control(node: string, message: Control): Promise<void> {
    await this.call(() => this.redis.publish(this.keys.nodeTopic(node), JSON.stringify(message)));
  }

  private subscribe(topic: string): Promise<unknown> {
    let pending = this.topics.get(topic);
    if (!pending) {
      pending = this.subscriber.subscribe(topic).catch((err: Error) => this.logger.warn(`subscribe ${topic}: ${err.message}`));
      this.topics.set(topic, pending);
    }
    return pending;
  }

  private unsubscribe(topic: string): void {
    if (!this.topics.delete(topic)) return;
    this.subscriber.unsubscribe(topic).catch((err: Error) => this.logger.warn(`unsubscribe ${topic}: ${err.message}`));
  }

  // ----------------------------------------------------------- maintenance

  /** Every few seconds: heartbeat key, activity and delivery counters to Redis. */
  private async maintain(): Promise<void> {
    if (this.stopped || !this.isReady()) return;
    try {
      await this.flushActivity();
      await this.flushDelivered();
      const ttl = Math.max(this.options.gcConnsAfter * 1000, MAINTENANCE_EVERY_MS * 3);
      const state = JSON.stringify({ connections: this.hub.connections.size, seen: Date.now() });
      await this.redis.multi().set(this.keys.node(this.nodeId), state, 'PX', ttl).sadd(this.keys.nodes, this.nodeId).exec();
    } catch (err) {
      this.logger.warn(`maintenance: ${(err as Error).message}`);
    }
  }

  private async flushActivity(): Promise<void> {
    const args: (string | number)[] = [];
    for (const conn of this.hub.connections.values()) {
      if (conn.lastActive !== conn.flushedActive) {
        args.push(conn.connId, conn.lastActive);
        conn.flushedActive = conn.lastActive;
      }
    }
    if (args.length === 0) return;
    const missing = (await this.run('TOUCH', this.keys.prefix, ...args)) as string[];
    // removed elsewhere while a control message was lost: release the transport here
    for (const connId of missing) this.closeLocal(connId, WS_CLOSE.expired, 'expired');
  }

  private async flushDelivered(): Promise<void> {
    const delta = this.hub.delivered - this.deliveredFlushed;
    if (delta <= 0) return;
    this.deliveredFlushed = this.hub.delivered;
    await this.call(() => this.redis.hincrby(this.keys.stats, 'delivered', delta));
  }

  /** Connections owned by nodes whose heartbeat key expired: this node expires them (one cleaner per dead node). */
  private async orphanedConnections(): Promise<string[]> {
    if (!this.isReady()) return [];
    const orphans: string[] = [];
    for (const node of await this.call(() => this.redis.smembers(this.keys.nodes))) {
      if (node === this.nodeId || (await this.redis.exists(this.keys.node(node))) === 1) continue;
      const claimed = await this.redis.set(this.keys.nodeCleanup(node), this.nodeId, 'PX', MAINTENANCE_EVERY_MS * 5, 'NX');
      if (claimed !== 'OK') continue;
      const conns = await this.redis.smembers(this.keys.nodeConnections(node));
      if (conns.length === 0) {
        await this.redis.multi().srem(this.keys.nodes, node).del(this.keys.nodeConnections(node)).exec();
        this.logger.log(`node ${node} is gone; nothing left to clean`);
      } else {
        this.logger.warn(`node ${node} stopped heartbeating: expiring its ${conns.length} connections`);
      }
      orphans.push(...conns);
    }
    return orphans;
  }

  /** After Redis comes back, re-announce this node (its state may have been lost with Redis). */
  private async reannounce(): Promise<void> {
    if (this.stopped) return;
    for (const conn of this.hub.connections.values()) conn.flushedActive = -1;
    await this.maintain();
  }

  // --------------------------------------------------------------- helpers

  private async channelRecords(names: readonly string[]): Promise<(ChannelRecord | undefined)[]> {
    if (names.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const name of names) pipeline.hmget(this.keys.channel(name), 'uuid', 'settings', 'lastActive');
    const results = (await this.exec(pipeline)) as (string | null)[][];
    return names.map((name, i) => {
      const [uuid, settings, lastActive] = results[i];
      return uuid && settings ? channelRecord(name, uuid, settings, lastActive) : undefined;
    });
  }

  /** The lists holding stored copies of a channel's (or users') messages; frames wrap the event as {at, event}. */
  private storedLists(target: string | readonly string[]): { key: string; framed: boolean }[] {
    if (typeof target === 'string') {
      return [
        { key: this.keys.channelHistory(target), framed: false },
        { key: this.keys.channelFrames(target), framed: true },
      ];
    }
    return target.map((name) => ({ key: this.keys.userFrames(name), framed: true }));
  }

  /** Rewrites the first list item `change` returns new text for, retrying if the list moved meanwhile. */
  private async casListItem(key: string, change: (item: string) => string | undefined): Promise<void> {
    for (let attempt = 0; attempt < CAS_RETRIES; attempt++) {
      const items = await this.call(() => this.redis.lrange(key, 0, -1));
      for (let index = 0; index < items.length; index++) {
        const updated = change(items[index]);
        if (updated === undefined) continue;
        if ((await this.run('LIST_CAS', key, index, items[index], updated)) === 1) return;
        break;
      }
      if (!items.some((item) => change(item) !== undefined)) return;
    }
  }

  private run(name: ScriptName, ...args: (string | number)[]): Promise<unknown> {
    const command = (this.redis as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[name];
    return this.call(() => command.apply(this.redis, args));
  }

  private async exec(pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
    const results = await this.call(() => pipeline.exec());
    return (results ?? []).map(([err, value]) => {
      if (err) throw new EngineUnavailableError(err.message);
      return value;
    });
  }

  /** Redis errors become EngineUnavailableError (503); Lua errors are bugs and stay as they are. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    this.calls.calls++;
    try {
      return await fn();
    } catch (err) {
      this.calls.errors++;
      if (err instanceof EngineUnavailableError || (err as Error).name === 'ReplyError') throw err;
      throw new EngineUnavailableError((err as Error).message);
    } finally {
      this.calls.seconds += (performance.now() - started) / 1000;
    }
  }

  override storeCalls(): { calls: number; errors: number; seconds: number } {
    return { ...this.calls };
  }
}

function channelRecord(name: string, uuid: string, settings: string, lastActive: string | null | undefined): ChannelRecord {
  return { name, uuid, longName: null, settings: JSON.parse(settings) as ChannelSettings, lastActive: Number(lastActive ?? Date.now()) };
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
