export { ChannelstreamClient, ChannelstreamListenerError, ChannelstreamRefusedError } from './client.js';
export type { ClientEvents, ConnectionState, ExpiredInfo, StateChange } from './client-events.js';
export type { ClientOptions } from './options.js';
export type {
  BaseEvent,
  ChatMessageEvent,
  MessageDeleteEvent,
  MessageEditEvent,
  MessagePayload,
  PresenceEvent,
  RecoveryEvent,
  ServerEvent,
  ServerEventType,
  StateValue,
  UserEntry,
  UserState,
  UserStateChangeEvent,
} from './events.js';
export { decodePositionToken, encodePositionToken, type Positions, type StreamPosition } from './positions.js';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export { CLOSE_CODES } from './close-codes.js';
export type { EventSourceConstructor, EventSourceLike, FetchLike, WebSocketConstructor, WebSocketLike } from './platform.js';
export type { TransportKind } from './transports/transport.js';
