/**
 * Request and response bodies of the REST API, as the server reads and
 * writes them (snake_case, as on the wire). test/sdk/api-types.check.ts
 * keeps them in line with the server's own types.
 */

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

/** Settings to set; omitted ones keep their value (or the default for a new channel). */
export type ChannelConfig = Partial<ChannelSettings>;

/** How much channels_info tells. Defaults: history and users included, full state. */
export interface InfoOptions {
  /** Channels to describe (/info only); all when omitted. */
  channels?: string[];
  include_history?: boolean;
  include_users?: boolean;
  /** Accepted for compatibility; changes nothing. */
  include_connections?: boolean;
  exclude_channels?: string[];
  return_public_state?: boolean;
}

/** A stored message as history lists it (with its delivery fields). */
export interface HistoryItem {
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

export interface ChannelInfo {
  uuid: string;
  name: string;
  long_name: string | null;
  settings: ChannelSettings;
  history: HistoryItem[];
  last_active: string;
  total_connections: number;
  total_users: number;
  users: string[];
}

export interface UserEntry {
  user: string;
  state: UserState;
}

export interface ChannelsInfo {
  channels: Record<string, ChannelInfo>;
  users: UserEntry[];
}

export interface ConnectRequest {
  username: string;
  /** Re-uses a live connection of the same user; generated when omitted. */
  conn_id?: string;
  channels?: string[];
  /** State for a user the server does not know yet. */
  fresh_user_state?: UserState;
  /** Keys to set on the user state. */
  user_state?: UserState;
  state_public_keys?: string[];
  /** Settings for channels this call creates. */
  channel_configs?: Record<string, ChannelConfig>;
  info?: InfoOptions;
}

export interface ConnectResponse {
  /** Hand this to the user's client (ChannelstreamClient `connId`). */
  conn_id: string;
  username: string;
  state: UserState;
  public_state: UserState;
  channels: string[];
  channels_info: ChannelsInfo;
}

export interface SubscribeRequest {
  conn_id: string;
  /** At least one. */
  channels: string[];
  channel_configs?: Record<string, ChannelConfig>;
  info?: InfoOptions;
}

export interface SubscribeResponse {
  channels: string[];
  channels_info: ChannelsInfo;
  subscribed_to: string[];
}

export interface UnsubscribeRequest {
  conn_id: string;
  channels: string[];
  info?: InfoOptions;
}

export interface UnsubscribeResponse {
  channels: string[];
  channels_info: ChannelsInfo;
  unsubscribed_from: string[];
}

export interface UserStateRequest {
  user: string;
  user_state?: UserState;
  /** Replaces the public keys; kept when omitted. */
  state_public_keys?: string[];
}

export interface UserStateResponse {
  user_state: UserState;
  changed_state: { key: string; value: StateValue }[];
  public_keys: string[];
}

/** Who receives a message, edit or deletion. */
export interface Delivery {
  /** A channel, or none for a private message to pm_users. */
  channel?: string | null;
  pm_users?: string[];
  exclude_users?: string[];
  no_history?: boolean;
}

export interface PublishMessage extends Delivery {
  user: string;
  message?: Record<string, unknown>;
  uuid?: string;
  timestamp?: string;
  /** Extra keys are kept and delivered. */
  [extra: string]: unknown;
}

/** A published message with its defaults filled in. */
export interface PublishedMessage {
  uuid: string;
  timestamp: string;
  user: string;
  channel: string | null;
  pm_users: string[];
  exclude_users: string[];
  no_history: boolean;
  edited: null;
  message?: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface EditMessage extends Delivery {
  uuid: string;
  user?: string;
  message?: Record<string, unknown>;
  timestamp?: string;
  /** When it was edited; now when omitted. */
  edited?: string;
  [extra: string]: unknown;
}

export interface EditedMessage {
  uuid: string;
  channel: string | null;
  pm_users: string[];
  exclude_users: string[];
  no_history: boolean;
  edited: string;
  user?: string;
  message?: Record<string, unknown>;
  timestamp?: string;
  [extra: string]: unknown;
}

export interface DeleteMessage extends Delivery {
  uuid: string;
}

export interface DeletedMessage {
  uuid: string;
  channel: string | null;
  pm_users: string[];
  exclude_users: string[];
  no_history: boolean;
}

export interface AdminOverview {
  remembered_user_count: number;
  unique_user_count: number;
  total_connections: number;
  total_channels: number;
  total_messages: number;
  total_unique_messages: number;
  channels: Record<string, ChannelInfo>;
  users: { user: string; state: UserState; connections: string[] }[];
  uptime: string;
  version: string;
  engine: string;
  nodes: { node: string; connections: number; seen: number }[];
  [extra: string]: unknown;
}

/** 422 bodies: {field: [messages]}, nested for nested fields, keyed by index for list bodies. */
export interface FieldErrors {
  [field: string]: string[] | FieldErrors;
}
