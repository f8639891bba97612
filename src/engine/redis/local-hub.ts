import { OutboundEvent } from '../outbound-event';
import { isVisibleTo } from '../routing';
import type { StreamPosition } from '../positions';
import type { Sink } from '../sink';
import type { TransportSlot } from '../transport-slot';
import type { StoredEvent } from '../types';

/** A connection owned by this node: its transport and what it listens to. */
export interface LocalConnection extends TransportSlot {
  connId: string;
  username: string;
  channels: Set<string>;
  /** lastActive as last written to Redis. */
  flushedActive: number;
  /** While catch-up is read, live events wait here (null when live). */
  pending: { event: OutboundEvent; at: number }[] | null;
  /**
   * Where each stream stood when catch-up read it (by channel, USER_STREAM
   * for the private stream): a live event at or before that came through
   * pub/sub after the read already replayed it, and is not sent twice.
   */
  caughtUpTo?: Map<string, StreamPosition>;
}

/** The caughtUpTo key of the user's private stream (no channel is named this: names are non-empty). */
export const USER_STREAM = '';

/** Topic membership changes the hub asks its owner to (un)subscribe. */
export interface HubSubscriptions {
  subscribeChannel(channel: string): void;
  unsubscribeChannel(channel: string): void;
  subscribeUser(username: string): void;
  unsubscribeUser(username: string): void;
}

/**
 * This node's connections, indexed by channel and by user, so an event
 * received from Redis pub/sub is serialised once and written to the local
 * sockets that may see it. The first local member of a channel (or the
 * first local connection of a user) subscribes this node to its topic; the
 * last one unsubscribes.
 */
export class LocalHub {
  readonly connections = new Map<string, LocalConnection>();
  private readonly byChannel = new Map<string, Set<LocalConnection>>();
  private readonly byUser = new Map<string, Set<LocalConnection>>();
  delivered = 0;

  constructor(private readonly subscriptions: HubSubscriptions) {}

  get(connId: string): LocalConnection | undefined {
    return this.connections.get(connId);
  }

  /** Registers (or returns) a local connection. */
  adopt(connId: string, username: string, channels: readonly string[], lastActive: number): LocalConnection {
    let conn = this.connections.get(connId);
    if (!conn) {
      conn = { connId, username, channels: new Set(), lastActive, flushedActive: lastActive, pending: null };
      this.connections.set(connId, conn);
      if (addTo(this.byUser, username, conn)) this.subscriptions.subscribeUser(username);
    }
    for (const channel of channels) this.join(conn, channel);
    return conn;
  }

  join(conn: LocalConnection, channel: string): void {
    if (conn.channels.has(channel)) return;
    conn.channels.add(channel);
    if (addTo(this.byChannel, channel, conn)) this.subscriptions.subscribeChannel(channel);
  }

  leave(conn: LocalConnection, channel: string): void {
    if (!conn.channels.delete(channel)) return;
    if (removeFrom(this.byChannel, channel, conn)) this.subscriptions.unsubscribeChannel(channel);
  }

  /** Forgets a local connection; returns its sink so the caller can close it. */
  drop(connId: string): Sink | undefined {
    const conn = this.connections.get(connId);
    if (!conn) return undefined;
    this.connections.delete(connId);
    for (const channel of [...conn.channels]) this.leave(conn, channel);
    if (removeFrom(this.byUser, conn.username, conn)) this.subscriptions.unsubscribeUser(conn.username);
    const sink = conn.sink;
    conn.sink = undefined;
    return sink;
  }

  /** A channel event from pub/sub: one serialisation, written to every local member allowed to see it. */
  deliverToChannel(channel: string, event: StoredEvent, at: number, position?: StreamPosition): void {
    const members = this.byChannel.get(channel);
    if (!members) return;
    const outbound = new OutboundEvent(event, false, position);
    for (const conn of members) if (isVisibleTo(event, conn.username)) this.deliver(conn, outbound, at);
  }

  deliverToUser(username: string, event: StoredEvent, at: number, position?: StreamPosition): void {
    const conns = this.byUser.get(username);
    if (!conns) return;
    const outbound = new OutboundEvent(event, false, position);
    for (const conn of conns) this.deliver(conn, outbound, at);
  }

  /** `fromRead` marks an event the catch-up read itself found (replayed, or live but read back): never a duplicate. */
  deliver(conn: LocalConnection, event: OutboundEvent, at: number, fromRead = false): void {
    if (conn.pending) {
      conn.pending.push({ event, at });
      return;
    }
    if (!fromRead && conn.caughtUpTo && replayedAlready(conn, event)) return;
    const sink = conn.sink;
    if (!sink) return;
    sink.deliver(event);
    if (event.event.type === 'message') this.delivered++;
    if (sink.kind !== 'long-poll') conn.lastActive = Math.max(conn.lastActive, at); // written to a live transport
  }

  channelsWithMembers(): string[] {
    return [...this.byChannel.keys()];
  }

  usersWithConnections(): string[] {
    return [...this.byUser.keys()];
  }
}

/** True for a live event the catch-up read already held; a later one ends the check for its stream. */
function replayedAlready(conn: LocalConnection, event: OutboundEvent): boolean {
  const key = event.event.channel ?? USER_STREAM;
  const read = conn.caughtUpTo!.get(key);
  if (!read || !event.position) return false;
  if (event.position.epoch === read.epoch && event.position.offset <= read.offset) return true;
  conn.caughtUpTo!.delete(key);
  if (conn.caughtUpTo!.size === 0) conn.caughtUpTo = undefined;
  return false;
}

function addTo<K, V>(index: Map<K, Set<V>>, key: K, value: V): boolean {
  let set = index.get(key);
  const first = !set;
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
  return first;
}

function removeFrom<K, V>(index: Map<K, Set<V>>, key: K, value: V): boolean {
  const set = index.get(key);
  if (!set?.delete(value)) return false;
  if (set.size > 0) return false;
  index.delete(key);
  return true;
}
