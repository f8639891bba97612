import type { Positions } from './positions';
import type { Sink } from './sink';
import type {
  ChannelRecord,
  ChannelSettings,
  ChannelView,
  ConnectionRecord,
  EngineStats,
  MembershipChange,
  StoredEvent,
  UserRecord,
} from './types';

/** Decides, per channel, what a publish stores. Supplied by the caller so the rules stay in their module. */
export interface PublishPolicy {
  /** How many history entries to keep after storing this event; 0 = do not store it. */
  historySize(settings: ChannelSettings, event: StoredEvent): number;
  /** Keep the event as a catch-up frame. */
  keepFrame(settings: ChannelSettings): boolean;
}

/** What an edit may change on a stored message. */
export type StoredEventPatch = Partial<Pick<StoredEvent, 'timestamp' | 'user' | 'message' | 'edited'>>;

export interface RemovedConnection {
  connection: ConnectionRecord;
  /** Channels the user is no longer in (this was their last connection there). */
  partedChannels: ChannelRecord[];
}

export interface OpenedConnection {
  connection: ConnectionRecord;
  created: boolean;
}

/**
 * The state port: every user, channel and connection lives behind it, and
 * every state change and fan-out goes through it. Each method is one atomic
 * step, so an engine shared by several nodes can run it as one script.
 * Methods are async for that reason even where the in-memory engine is not.
 */
export abstract class Engine {
  abstract readonly name: string;

  /** False while the engine cannot serve requests (e.g. its Redis is unreachable). */
  abstract isReady(): boolean;

  // users
  /** Read-modify-write of one user. `update` may run more than once (optimistic retry); return undefined for "no change". */
  abstract updateUser(
    username: string,
    update: (current: UserRecord | undefined) => UserRecord | undefined,
  ): Promise<UserRecord | undefined>;
  abstract getUser(username: string): Promise<UserRecord | undefined>;
  abstract getUsers(usernames: readonly string[]): Promise<UserRecord[]>;
  /** Users with at least one connection, with their connection ids. */
  abstract activeUsers(): Promise<{ user: UserRecord; connIds: string[] }[]>;
  /** Channels in which the user has at least one connection. */
  abstract userChannels(username: string): Promise<ChannelRecord[]>;

  // channels
  /** Creates missing channels with `settings`; merges `settings` into existing ones. */
  abstract configureChannels(configs: Record<string, Partial<ChannelSettings>>): Promise<ChannelRecord[]>;
  /**
   * Views of the named channels (every channel when `names` is undefined),
   * skipping unknown names; member names are listed (sorted) only when
   * `includeUsers`, since a big channel's list costs more than the rest.
   */
  abstract channelViews(names: readonly string[] | undefined, includeHistory: boolean, includeUsers?: boolean): Promise<ChannelView[]>;

  // connections
  /** Creates the connection, or returns the existing one of the same user. Undefined when it belongs to another user. */
  abstract openConnection(connId: string, username: string): Promise<OpenedConnection | undefined>;
  abstract getConnection(connId: string): Promise<ConnectionRecord | undefined>;
  /** Adds the connection to the channel, creating the channel with `settingsForNew` when missing. */
  abstract join(
    connId: string,
    channel: string,
    settingsForNew: Partial<ChannelSettings> | undefined,
  ): Promise<MembershipChange | undefined>;
  abstract leave(connId: string, channel: string): Promise<MembershipChange | undefined>;
  /** Removes the connection from its channels and its user, and closes its transport. */
  abstract removeConnection(connId: string, closeCode: number, closeReason: string): Promise<RemovedConnection | undefined>;
  /**
   * Connections with no activity since `before` (epoch ms), and those whose
   * transport dropped before `detachedBefore` without another attaching (the
   * resume grace period).
   */
  abstract idleConnections(before: number, detachedBefore?: number): Promise<string[]>;
  abstract forgetIdleUsers(before: number): Promise<number>;
  abstract forgetIdleChannels(before: number): Promise<number>;

  // events
  /** Stores (per policy) and delivers an event to the channel's subscribers. False when the channel does not exist. */
  abstract publishToChannel(channel: string, event: StoredEvent, policy: PublishPolicy): Promise<boolean>;
  /** Stores a private frame for, and delivers to every connection of, each known user. */
  abstract publishToUsers(usernames: readonly string[], event: StoredEvent): Promise<void>;
  abstract editStored(target: string | readonly string[], uuid: string, patch: StoredEventPatch): Promise<void>;
  abstract deleteStored(target: string | readonly string[], uuid: string): Promise<void>;

  // transports
  /**
   * Attaches a transport to a connection and delivers what it missed first,
   * then live events, with no gap and no duplicate: from the client's
   * `resume` positions where it gave them (or a `recovery` event saying it
   * cannot), otherwise the frames newer than the connection's last activity.
   * False when the connection is unknown.
   */
  abstract attach(connId: string, sink: Sink, resume?: Positions): Promise<boolean>;
  /** Detaches the sink if it is still the connection's transport; true when it was. */
  abstract detach(connId: string, sink: Sink): boolean;
  /** The sink currently attached to a connection on this node. */
  abstract sinkOf(connId: string): Sink | undefined;
  /** Marks transport activity (a frame or poll from the client). */
  abstract touch(connId: string): void;
  /** Every sink attached on this node, for heartbeats and shutdown. */
  abstract localSinks(): Iterable<Sink>;

  private readonly attachListeners: ((sink: Sink) => void)[] = [];
  /** Calls `listener` with every transport attached on this node from now on (the heartbeat schedules them). */
  onAttach(listener: (sink: Sink) => void): void {
    this.attachListeners.push(listener);
  }
  /** Engines call this when a transport is attached here. */
  protected announceAttach(sink: Sink): void {
    for (const listener of this.attachListeners) listener(sink);
  }

  abstract stats(): Promise<EngineStats>;

  // security (strict signatures, connection limits)
  /** Remembers a strict-signature nonce for `ttlMs` on every node sharing the engine; true when it was new, false for a replay. */
  abstract rememberNonce(nonce: string, ttlMs: number): Promise<boolean>;
  /** How many connections the user has, on every node (max_connections_per_user). */
  abstract userConnectionCount(username: string): Promise<number>;

  /** Calls to the engine's backing store (none for the memory engine), for metrics. */
  storeCalls(): { calls: number; errors: number; seconds: number } {
    return { calls: 0, errors: 0, seconds: 0 };
  }
}

/** Policy for events that are not chat messages (presence, state changes): catch-up frames only, never history. */
export const FRAMES_ONLY: PublishPolicy = {
  historySize: () => 0,
  keepFrame: (settings) => settings.store_frames,
};
