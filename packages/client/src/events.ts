/** Events as the server delivers them (README "API overview" and "Never miss a message"). */

export type StateValue = string | number | boolean | null;
export type UserState = Record<string, StateValue>;

/** Fields every event has. `offset` and `epoch` are present when the client asked for positions. */
export interface BaseEvent {
  uuid: string;
  type: string;
  user: string;
  /** The channel, or null for a private message (the user's own stream). */
  channel: string | null;
  /** ISO 8601 with an explicit offset. */
  timestamp: string;
  message?: unknown;
  /** True when replayed on (re)connect rather than sent live. */
  catchup: boolean;
  /** Place of the event in its stream (channel, or the user's private stream). */
  offset?: number;
  /** The stream's epoch: offsets only compare within one epoch. */
  epoch?: string;
}

export type MessagePayload = Record<string, unknown>;

/** POST /message: a chat message. Extra keys the backend sent are kept. */
export interface ChatMessageEvent<M = MessagePayload> extends BaseEvent {
  type: 'message';
  message: M;
  /** When it was last edited, or null. */
  edited: string | null;
  [extra: string]: unknown;
}

/** PATCH /message: a stored message changed. */
export interface MessageEditEvent<M = MessagePayload> extends BaseEvent {
  type: 'message:edit';
  message?: M;
  edited: string;
  [extra: string]: unknown;
}

/** DELETE /message: a stored message is gone. */
export interface MessageDeleteEvent extends BaseEvent {
  type: 'message:delete';
  [extra: string]: unknown;
}

export interface UserEntry {
  user: string;
  state: UserState;
}

/** A user joined or left a channel (never sent to the user it is about). */
export interface PresenceEvent extends BaseEvent {
  type: 'presence';
  message: { action: 'joined' | 'parted' };
  /** The members with public state, when the channel broadcasts user lists. */
  users: UserEntry[];
  /** Public state of a joining user; null when parting. */
  state: UserState | null;
}

export interface UserStateChangeEvent extends BaseEvent {
  type: 'user_state_change';
  message: { state: UserState; changed: { key: string; value: StateValue }[] };
}

/** A stream could not be resumed: reload its state (e.g. history through your backend). */
export interface RecoveryEvent extends BaseEvent {
  type: 'recovery';
  recovered: false;
  message: { recovered: false; reason: 'epoch' | 'too-old' | 'too-many'; epoch: string; offset: number };
}

export type ServerEvent = ChatMessageEvent | MessageEditEvent | MessageDeleteEvent | PresenceEvent | UserStateChangeEvent | RecoveryEvent;

/** Event types the client emits under their own name. */
export const SERVER_EVENT_TYPES = ['message', 'message:edit', 'message:delete', 'presence', 'user_state_change', 'recovery'] as const;
export type ServerEventType = (typeof SERVER_EVENT_TYPES)[number];

/** The event of each type, for typed listeners. */
export interface ServerEventsByType {
  message: ChatMessageEvent;
  'message:edit': MessageEditEvent;
  'message:delete': MessageDeleteEvent;
  presence: PresenceEvent;
  user_state_change: UserStateChangeEvent;
  recovery: RecoveryEvent;
}

/** Enough of an event to route and track it; anything else the server sends is passed on untouched. */
export function isEventLike(value: unknown): value is BaseEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const e = value as Record<string, unknown>;
  return typeof e.type === 'string' && (e.channel === null || e.channel === undefined || typeof e.channel === 'string');
}

export const isKnownType = (type: string): type is ServerEventType => (SERVER_EVENT_TYPES as readonly string[]).includes(type);
