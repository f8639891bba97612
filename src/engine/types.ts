/** The records the engine stores. Plain data, so any engine can serialise them. */

export type StateValue = string | number | boolean | null;
export type UserState = Record<string, StateValue>;

export interface ChannelSettings {
  notify_presence: boolean;
  store_history: boolean;
  history_size: number;
  broadcast_presence_with_user_lists: boolean;
  notify_state: boolean;
  store_frames: boolean;
}

export interface UserRecord {
  username: string;
  state: UserState;
  publicKeys: string[];
  /** Epoch milliseconds. */
  lastActive: number;
}

export interface ChannelRecord {
  name: string;
  uuid: string;
  longName: string | null;
  settings: ChannelSettings;
  lastActive: number;
}

export interface ConnectionRecord {
  connId: string;
  username: string;
  /** Sorted channel names. */
  channels: string[];
  lastActive: number;
}

/** A channel with who is in it, as `/info` reports it. */
export interface ChannelView {
  channel: ChannelRecord;
  /** Sorted usernames with at least one connection in the channel (empty when not asked for). */
  users: string[];
  totalUsers: number;
  totalConnections: number;
  history: StoredEvent[];
}

/**
 * An event as it is stored (history, catch-up frames): the delivered fields
 * plus the delivery fields that decide who may see it.
 */
export interface StoredEvent {
  uuid: string;
  type: string;
  user?: string;
  channel: string | null;
  timestamp?: string;
  message?: unknown;
  catchup: boolean;
  pm_users: string[];
  exclude_users: string[];
  no_history: boolean;
  [extra: string]: unknown;
}

export interface MembershipChange {
  /** The connection was added to (or removed from) the channel. */
  changed: boolean;
  /** It was the user's first connection in the channel (join) or last one (leave). */
  userBoundary: boolean;
  channel: ChannelRecord;
}

export interface NodeStats {
  node: string;
  connections: number;
  /** Epoch ms of the node's last heartbeat. */
  seen: number;
}

/** Totals across every node sharing the engine. */
export interface EngineStats {
  connections: number;
  users: number;
  activeUsers: number;
  channels: number;
  uniqueMessages: number;
  deliveredMessages: number;
  /** Per-node figures (one entry for a single-node engine). */
  nodes: NodeStats[];
}

/** Settings of a channel created without explicit configuration (PROTOCOL.md). */
export const DEFAULT_CHANNEL_SETTINGS: Readonly<ChannelSettings> = Object.freeze({
  notify_presence: false,
  store_history: false,
  history_size: 10,
  broadcast_presence_with_user_lists: false,
  notify_state: false,
  store_frames: true,
});

/** How many catch-up frames are kept per channel and per user. */
export const CHANNEL_FRAMES_KEPT = 100;
export const USER_FRAMES_KEPT = 50;
